"""Reading a complete resumable upload back (``tips.resumable``): its encrypted parts,
decrypted in order (hashing the original as received) or with random access (for a demuxer
that seeks). Only one 64 KiB chunk of one part is in clear at a time."""

from __future__ import annotations

import hashlib

from . import crypto, media_store
from .models import ResumableUpload

_READ = 64 * 1024


class PartsReader:
    """The plaintext of a complete upload, read sequentially part after part (each part's
    chunks authenticated before use). ``sha256`` is the hash of everything read so far."""

    def __init__(self, upload: ResumableUpload, key: bytes):
        self._parts = list(upload.parts)
        self._key = key
        self._current = None
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size: int = _READ) -> bytes:
        while True:
            if self._current is None:
                if not self._parts:
                    return b""
                name, _plain = self._parts.pop(0)
                fh = media_store.open_ranged(name)
                self._current = crypto.DecryptingReader(fh, self._key, close_source=True)
            data = self._current.read(size if size and size > 0 else _READ)
            if data:
                self.sha256.update(data)
                self.size += len(data)
                return data
            self._current.close()
            self._current = None

    def close(self) -> None:
        if self._current is not None:
            self._current.close()
            self._current = None


class SeekablePartsReader:
    """Random access to the plaintext of a complete upload (for a demuxer that seeks: a
    phone's MP4 has its index at the end). Only one 64 KiB chunk of one part is in clear."""

    def __init__(self, upload: ResumableUpload, key: bytes):
        self._parts = [(name, int(size)) for name, size in upload.parts]
        self._starts = []
        total = 0
        for _name, size in self._parts:
            self._starts.append(total)
            total += size
        self.size = total
        self._key = key
        self._open_index = -1
        self._open = None
        self._pos = 0

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos, 2: self.size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def _reader(self, index: int):
        if index != self._open_index:
            self.close()
            fh = media_store.open_ranged(self._parts[index][0])
            self._open = crypto.SeekableDecryptingReader(fh, self._key, close_source=True)
            self._open_index = index
        return self._open

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = self.size - self._pos
        out = bytearray()
        while len(out) < size and self._pos < self.size:
            index = max(i for i, start in enumerate(self._starts) if start <= self._pos)
            reader = self._reader(index)
            reader.seek(self._pos - self._starts[index])
            data = reader.read(min(size - len(out), self._parts[index][1]))
            if not data:
                break
            out += data
            self._pos += len(data)
        return bytes(out)

    def close(self) -> None:
        if self._open is not None:
            self._open.close()
        self._open, self._open_index = None, -1
