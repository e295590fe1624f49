"""``make bench``: the performance benchmark of mostwanted (see bench/README.md)."""
