"""The benchmark's reference: a plain, unencrypted Django tip form (bench settings only)."""
