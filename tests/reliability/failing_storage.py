"""A tip storage that fails like a full disk: writes part of a file, then raises ENOSPC."""

from __future__ import annotations

import errno
import itertools

from django.core.files.storage import FileSystemStorage

_calls = itertools.count()


class DiskFullStorage(FileSystemStorage):
    """Every ``fail_every``-th save writes half the file and raises ENOSPC (0: every save)."""

    fail_every = 2

    def _save(self, name, content):
        n = next(_calls)
        if self.fail_every == 0 or n % self.fail_every == self.fail_every - 1:
            path = self.path(name)
            import os

            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as fh:  # a partial write, as a full disk leaves it
                fh.write(content.read(1024))
            raise OSError(errno.ENOSPC, "No space left on device")
        return super()._save(name, content)


class BrokenStorage(DiskFullStorage):
    fail_every = 0
