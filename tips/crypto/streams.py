"""Attachments: chunked AES-256-GCM streams, so a large file is never held whole in memory;
truncation and reordering are detected."""

from __future__ import annotations

import collections
import io
import os
import struct
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .envelopes import _GCM_TAG
from .errors import CryptoError, DecryptionError

# --------------------------------------------------------------------------- attachments
#
# Stream v1: header = b"MWA" 0x01 | u32 chunk size | 8-byte random nonce prefix (16 bytes)
# then chunks: AES-256-GCM(key, nonce = prefix || u32 counter, chunk,
#                          aad = header || u32 counter || u8 last).
# Every chunk but the last holds exactly ``chunk size`` plaintext bytes; the last one
# (1..chunk size bytes, empty only for an empty file) has last = 1, so truncation at a
# chunk boundary is detected.

_ATT_MAGIC = b"MWA\x01"
_ATT_HEADER = struct.Struct(">4sI8s")
#: Plaintext bytes per chunk.
CHUNK_SIZE = 64 * 1024
_MAX_CHUNK = 16 * 1024 * 1024


def new_attachment_key() -> bytes:
    """A fresh random AES-256 key for one attachment."""
    return AESGCM.generate_key(bit_length=256)


def encrypted_size(plaintext_size: int, chunk_size: int = CHUNK_SIZE) -> int:
    """Ciphertext size of a stream of ``plaintext_size`` bytes."""
    chunks = max(1, -(-plaintext_size // chunk_size))
    return _ATT_HEADER.size + plaintext_size + chunks * _GCM_TAG


class AttachmentEncryptor:
    """Push-style chunked encryption: ``header()``, then ``update()``, then ``finalize()``.

    The output of the three calls, concatenated, is the ciphertext stream. At most one
    chunk of plaintext is buffered.
    """

    def __init__(self, key: bytes, *, chunk_size: int = CHUNK_SIZE):
        if len(key) != 32:
            raise CryptoError("attachment key must be 32 bytes")
        if not 0 < chunk_size <= _MAX_CHUNK:
            raise CryptoError("invalid chunk size")
        self._aead = AESGCM(key)
        self._chunk = chunk_size
        self._header = _ATT_HEADER.pack(_ATT_MAGIC, chunk_size, os.urandom(8))
        self._prefix = self._header[8:16]
        self._buf = bytearray()
        self._counter = 0
        self._done = False
        self.plaintext_size = 0

    def header(self) -> bytes:
        return self._header

    def _nonce_aad(self, last: bool) -> tuple[bytes, bytes]:
        if self._counter >= 2**32 - 1:
            raise CryptoError("stream too long")
        ctr = struct.pack(">I", self._counter)
        self._counter += 1
        return self._prefix + ctr, self._header + ctr + (b"\x01" if last else b"\x00")

    def _seal_chunk(self, chunk, last: bool) -> bytes:
        nonce, aad = self._nonce_aad(last)
        return self._aead.encrypt(nonce, chunk, aad)

    def seal_into(self, chunk, out, *, last: bool) -> int:
        """Seal one chunk into ``out`` (exactly ``len(chunk) + 16`` writable bytes): no new
        buffer, for a writer that reuses its own. Not mixed with ``update()``: the caller
        gives whole chunks of ``chunk_size`` bytes, then one ``last`` (1..chunk_size bytes,
        empty only for an empty stream). Returns the bytes written."""
        if self._done or self._buf:
            raise CryptoError("seal_into() after finalize() or update()")
        if len(chunk) > self._chunk or (not last and len(chunk) != self._chunk):
            raise CryptoError("seal_into() takes whole chunks")
        nonce, aad = self._nonce_aad(last)
        self._aead.encrypt_into(nonce, chunk, aad, out)
        self.plaintext_size += len(chunk)
        self._done = last
        return len(chunk) + _GCM_TAG

    def update(self, data: bytes) -> bytes:
        pieces = self.update_pieces(data)
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)

    def update_pieces(self, data) -> list[bytes]:
        """Like ``update()``, the sealed chunks as a list (no joining copy)."""
        if self._done:
            raise CryptoError("stream already finalised")
        self.plaintext_size += len(data)
        view = memoryview(data)
        out = []
        if self._buf:  # complete the chunk held back by the previous call first
            take = min(self._chunk - len(self._buf), len(view))
            self._buf += view[:take]
            view = view[take:]
            if not view:  # keep it back: it may turn out to be the last chunk
                return out
            out.append(self._seal_chunk(self._buf, last=False))
            self._buf = bytearray()
        # Whole chunks straight from the caller's buffer (no copy), keeping at least one
        # byte back: a full chunk may turn out to be the last one.
        start = 0
        while len(view) - start > self._chunk:
            out.append(self._seal_chunk(view[start : start + self._chunk], last=False))
            start += self._chunk
        self._buf = bytearray(view[start:])
        return out

    def finalize(self) -> bytes:
        if self._done:
            raise CryptoError("stream already finalised")
        self._done = True
        out = self._seal_chunk(bytes(self._buf), last=True)
        self._buf = bytearray()
        return out


class EncryptingReader(io.RawIOBase):
    """A read-only file whose ``read()`` returns the ciphertext of ``plaintext_fileobj``.

    Pass it to ``storage.save(name, File(reader))``: the plaintext is pulled and encrypted
    ``read_size`` bytes at a time (one chunk by default), never held whole. A larger
    ``read_size`` (a request body read 1 MiB at a time) saves per-call overhead and copies;
    the ciphertext is the same.
    """

    def __init__(
        self,
        plaintext_fileobj: BinaryIO,
        key: bytes,
        *,
        chunk_size: int = CHUNK_SIZE,
        read_size: int | None = None,
    ):
        super().__init__()
        self._src = plaintext_fileobj
        self._enc = AttachmentEncryptor(key, chunk_size=chunk_size)
        self._out = collections.deque([self._enc.header()])
        self._held = len(self._out[0])
        self._eof = False
        self._read_size = max(read_size or chunk_size, 1)

    @property
    def plaintext_size(self) -> int:
        return self._enc.plaintext_size

    def readable(self) -> bool:
        return True

    def _fill(self, wanted: float) -> None:
        while self._held < wanted and not self._eof:
            data = self._src.read(self._read_size)
            if data:
                pieces = self._enc.update_pieces(data)
            else:
                pieces = [self._enc.finalize()]
                self._eof = True
            self._out.extend(pieces)
            self._held += sum(len(piece) for piece in pieces)

    def _take(self, size: int) -> bytes:
        """Up to ``size`` bytes from the sealed pieces held, joined in one copy."""
        taken, count = [], 0
        while self._out and count < size:
            piece = self._out.popleft()
            if count + len(piece) > size:
                cut = size - count
                self._out.appendleft(piece[cut:])
                piece = piece[:cut]
            taken.append(piece)
            count += len(piece)
        self._held -= count
        return taken[0] if len(taken) == 1 else b"".join(taken)

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            return self.readall()
        self._fill(size)
        return self._take(size)

    def readall(self) -> bytes:
        self._fill(float("inf"))
        return self._take(self._held)

    def readinto(self, b) -> int:
        self._fill(1)
        data = self._take(len(b))
        b[: len(data)] = data
        return len(data)


class DecryptingReader(io.RawIOBase):
    """A read-only file whose ``read()`` returns the plaintext of an encrypted stream.

    Each chunk is authenticated before any of its bytes is returned. Tampering, reordering
    or truncation raises :class:`DecryptionError` (at the latest on the final read).
    """

    def __init__(self, ciphertext_fileobj: BinaryIO, key: bytes, *, close_source: bool = False):
        super().__init__()
        if len(key) != 32:
            raise DecryptionError("attachment key must be 32 bytes")
        self._src = ciphertext_fileobj
        self._close_source = close_source
        self._aead = AESGCM(key)
        header = self._read_exact(_ATT_HEADER.size)
        if len(header) != _ATT_HEADER.size:
            raise DecryptionError("truncated stream")
        magic, chunk, prefix = _ATT_HEADER.unpack(header)
        if magic != _ATT_MAGIC:
            raise DecryptionError("not an encrypted attachment")
        if not 0 < chunk <= _MAX_CHUNK:
            raise DecryptionError("invalid chunk size")
        self._header, self._prefix, self._ct_chunk = header, prefix, chunk + _GCM_TAG
        self._counter = 0
        self._pending = self._read_exact(self._ct_chunk)
        self._out = bytearray()
        self._eof = False

    def _read_exact(self, n: int) -> bytes:
        buf = bytearray()
        while len(buf) < n:
            data = self._src.read(n - len(buf))
            if not data:
                break
            buf += data
        return bytes(buf)

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        if not self.closed and getattr(self, "_close_source", False):
            self._src.close()
        super().close()

    def _next_chunk(self) -> None:
        current = self._pending
        following = self._read_exact(self._ct_chunk) if len(current) == self._ct_chunk else b""
        last = not following
        ctr = struct.pack(">I", self._counter)
        aad = self._header + ctr + (b"\x01" if last else b"\x00")
        try:
            self._out += self._aead.decrypt(self._prefix + ctr, current, aad)
        except (InvalidTag, ValueError):
            raise DecryptionError("attachment tampered or truncated") from None
        self._counter += 1
        self._pending = following
        self._eof = last

    def readinto(self, b) -> int:
        while not self._out and not self._eof:
            self._next_chunk()
        n = min(len(b), len(self._out))
        b[:n] = self._out[:n]
        del self._out[:n]
        return n


class SeekableDecryptingReader(io.RawIOBase):
    """Random-access plaintext of an encrypted stream held in a seekable file.

    For decoders that seek (Pillow rereads a JPEG from its start, jumps to a PNG's data):
    handing them this reader avoids buffering the whole plaintext in memory. Only the
    64 KiB chunk being read is held in clear. Every chunk is authenticated before any of
    its bytes is returned, with its position and "last chunk" flag in the nonce/AAD, so
    tampering, reordering, truncation or appended bytes raise :class:`DecryptionError`
    when the affected chunk is read (which chunk is last follows from the file's length).
    ``read()``/``readinto()`` fill the request across chunks (no short reads before EOF).

    The ciphertext must start at offset 0 of ``ciphertext_fileobj``.
    """

    def __init__(self, ciphertext_fileobj: BinaryIO, key: bytes, *, close_source: bool = False):
        super().__init__()
        if len(key) != 32:
            raise DecryptionError("attachment key must be 32 bytes")
        self._src = ciphertext_fileobj
        self._close_source = close_source
        self._aead = AESGCM(key)
        total = self._src.seek(0, io.SEEK_END)
        self._src.seek(0)
        header = self._src.read(_ATT_HEADER.size)
        if len(header) != _ATT_HEADER.size:
            raise DecryptionError("truncated stream")
        magic, chunk, prefix = _ATT_HEADER.unpack(header)
        if magic != _ATT_MAGIC:
            raise DecryptionError("not an encrypted attachment")
        if not 0 < chunk <= _MAX_CHUNK:
            raise DecryptionError("invalid chunk size")
        body = total - _ATT_HEADER.size
        self._chunks = max(1, -(-body // (chunk + _GCM_TAG)))
        last_len = body - (self._chunks - 1) * (chunk + _GCM_TAG)
        if last_len < _GCM_TAG:
            raise DecryptionError("truncated stream")
        self._header, self._prefix, self._chunk = header, prefix, chunk
        self._size = body - self._chunks * _GCM_TAG
        self._pos = 0
        self._cached_index = -1
        self._cached = b""

    @property
    def size(self) -> int:
        """Plaintext size (from the ciphertext length; authenticated as chunks are read)."""
        return self._size

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            pos = offset
        elif whence == io.SEEK_CUR:
            pos = self._pos + offset
        elif whence == io.SEEK_END:
            pos = self._size + offset
        else:
            raise ValueError("invalid whence")
        if pos < 0:
            raise ValueError("negative seek position")
        self._pos = pos
        return pos

    def close(self) -> None:
        if not self.closed and getattr(self, "_close_source", False):
            self._src.close()
        self._cached = b""
        super().close()

    def _load(self, index: int) -> bytes:
        if index != self._cached_index:
            ct_chunk = self._chunk + _GCM_TAG
            self._src.seek(_ATT_HEADER.size + index * ct_chunk)
            current = self._src.read(ct_chunk)
            last = index == self._chunks - 1
            ctr = struct.pack(">I", index)
            aad = self._header + ctr + (b"\x01" if last else b"\x00")
            try:
                self._cached = self._aead.decrypt(self._prefix + ctr, current, aad)
            except (InvalidTag, ValueError):
                raise DecryptionError("attachment tampered or truncated") from None
            self._cached_index = index
        return self._cached

    def readinto(self, b) -> int:
        view = memoryview(b).cast("B")
        done = 0
        while done < len(view) and self._pos < self._size:
            index, offset = divmod(self._pos, self._chunk)
            plain = self._load(index)
            n = min(len(view) - done, len(plain) - offset)
            if n <= 0:  # pragma: no cover - sizes are consistent after authentication
                raise DecryptionError("attachment tampered or truncated")
            view[done : done + n] = memoryview(plain)[offset : offset + n]
            done += n
            self._pos += n
        return done
