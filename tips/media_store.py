"""Large encrypted objects in ``storages["tips"]``: written as they are produced, read back by
ranges.

* :func:`open_writer` gives a writer for ciphertext produced piece by piece (a video's clean
  output coming out of the sandbox, a tus PATCH body being encrypted). On an S3-compatible
  store it is a **multipart upload**: ``PART_BYTES`` of ciphertext are buffered, then sent
  as one part, so a 4 GB file never sits whole in memory and never touches the local disk
  (not even as ciphertext). A short object (under one part) is a single PUT. On the local
  store the ciphertext goes straight into its final file. ``abort()`` leaves nothing.
* :func:`open_ranged` gives a seekable reader of a stored object. On S3 every read is a
  ranged GET of at most ``RANGE_BYTES`` (the storage backend's own ``open()`` would first
  download the whole object into a temporary file): seeking in a video for playback, or a
  demuxer reading a phone's index at the end, fetches only what it reads.

Only ciphertext passes through here; the callers encrypt before and decrypt after.
"""

from __future__ import annotations

import errno
import fcntl
import io
import os
import tempfile

from django.core.files import File

from mostwanted.storage import is_s3

from .attachments import tip_storage

#: S3 parts: at least 5 MiB (the S3 minimum, except the last part); memory per writer.
PART_BYTES = 8 * 1024 * 1024
#: One ranged GET reads at most this much (and keeps it for the next reads).
RANGE_BYTES = 1024 * 1024
#: Linux's flag for writes past the page cache (0 elsewhere: never used).
_O_DIRECT = getattr(os, "O_DIRECT", 0)
#: Direct writes are whole blocks of this many bytes at block offsets (a page: every
#: disk's block size); ``tips.part_writer`` cuts its writes on this boundary.
DIRECT_BLOCK = 4096


def _s3_key(storage, name: str) -> str:
    from storages.utils import clean_name

    return storage._normalize_name(clean_name(name))


# --------------------------------------------------------------------------- writing


class _S3Writer:
    def __init__(self, storage, name: str, part_bytes: int = PART_BYTES):
        self.part_bytes = max(part_bytes, 5 * 1024 * 1024)
        self.name = storage.get_available_name(name)
        self._client = storage.connection.meta.client
        self._bucket = storage.bucket_name
        self._key = _s3_key(storage, self.name)
        self._buf = bytearray()
        self._parts: list[dict] = []
        self._upload_id = None
        self.size = 0

    def write(self, data) -> None:
        self._buf += data
        self.size += len(data)
        while len(self._buf) >= self.part_bytes:
            with memoryview(self._buf) as view:  # one copy, the buffer let go before sending
                body = bytes(view[: self.part_bytes])
            del self._buf[: self.part_bytes]
            self._send_part(body)

    def _send_part(self, body: bytes) -> None:
        if self._upload_id is None:
            self._upload_id = self._client.create_multipart_upload(
                Bucket=self._bucket, Key=self._key, ContentType="application/octet-stream"
            )["UploadId"]
        number = len(self._parts) + 1
        answer = self._client.upload_part(
            Bucket=self._bucket,
            Key=self._key,
            UploadId=self._upload_id,
            PartNumber=number,
            Body=body,
        )
        self._parts.append({"ETag": answer["ETag"], "PartNumber": number})

    def finish(self) -> str:
        body, self._buf = bytes(self._buf), bytearray()
        if self._upload_id is None:  # under one part: a single PUT
            self._client.put_object(
                Bucket=self._bucket,
                Key=self._key,
                Body=body,
                ContentType="application/octet-stream",
            )
        else:
            if body:
                self._send_part(body)
            self._client.complete_multipart_upload(
                Bucket=self._bucket,
                Key=self._key,
                UploadId=self._upload_id,
                MultipartUpload={"Parts": self._parts},
            )
        return self.name

    def abort(self) -> None:
        self._buf = bytearray()
        if self._upload_id is not None:
            self._client.abort_multipart_upload(
                Bucket=self._bucket, Key=self._key, UploadId=self._upload_id
            )
            self._upload_id = None


class _LocalWriter:
    """The final file, written in place. ``direct``: opened with ``O_DIRECT`` where the file
    system allows it, so that a large upload's ciphertext goes to the disk without passing
    through the page cache (see :func:`open_writer`); a write the kernel refuses that way
    (a length or an address off the block size: the last piece of a file) is done through
    the page cache instead, the flag cleared from then on."""

    def __init__(self, storage, name: str, *, direct: bool = False):
        self.name = storage.get_available_name(name)
        self._path = storage.path(self.name)
        os.makedirs(os.path.dirname(self._path), exist_ok=True)
        mode = storage.file_permissions_mode or 0o666
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
        self._fd, self._direct = None, False
        if direct and _O_DIRECT:
            try:
                self._fd = os.open(self._path, flags | _O_DIRECT, mode)
                self._direct = True
            except OSError as error:
                if error.errno not in (errno.EINVAL, errno.EOPNOTSUPP):  # no O_DIRECT here
                    raise
        if self._fd is None:
            self._fd = os.open(self._path, flags, mode)
        self.size = 0

    def write(self, data) -> None:
        view = memoryview(data).cast("B")
        if self._direct and len(view) % DIRECT_BLOCK:  # the last piece: its whole blocks direct
            whole = len(view) // DIRECT_BLOCK * DIRECT_BLOCK
            self._write(view[:whole])
            view = view[whole:]
            self._buffered()
        self._write(view)

    def _write(self, view) -> None:
        while view:
            try:
                n = os.write(self._fd, view)
            except OSError as error:
                if not (self._direct and error.errno == errno.EINVAL):
                    raise
                self._buffered()  # memory or an offset off the block size
                continue
            view = view[n:]
            self.size += n

    def _buffered(self) -> None:
        fcntl.fcntl(self._fd, fcntl.F_SETFL, fcntl.fcntl(self._fd, fcntl.F_GETFL) & ~_O_DIRECT)
        self._direct = False

    def finish(self) -> str:
        os.close(self._fd)
        return self.name

    def abort(self) -> None:
        os.close(self._fd)
        try:
            os.unlink(self._path)
        except FileNotFoundError:
            pass


class _SpoolWriter:
    """Any other storage: ciphertext spooled to an anonymous file, then ``storage.save``."""

    def __init__(self, storage, name: str):
        self._storage, self._name = storage, name
        self._spool = tempfile.TemporaryFile()  # noqa: SIM115 - ciphertext only; closed below
        self.size = 0

    def write(self, data) -> None:
        self._spool.write(data)
        self.size += len(data)

    def finish(self) -> str:
        try:
            self._spool.seek(0)
            return self._storage.save(self._name, File(self._spool))
        finally:
            self._spool.close()

    def abort(self) -> None:
        self._spool.close()


def open_writer(name: str, storage=None, *, part_bytes: int = PART_BYTES, direct: bool = False):
    """A writer (``write``, ``finish() -> stored name``, ``abort()``) of a new object.
    ``part_bytes``: the S3 part size (memory held), e.g. just over a tus PATCH's ciphertext
    so that the PATCH is one PUT instead of a multipart upload of 8 MiB + 2 KiB."""
    storage = storage or tip_storage()
    if is_s3(storage):
        return _S3Writer(storage, name, part_bytes)
    if hasattr(storage, "path") and hasattr(storage, "file_permissions_mode"):
        try:
            storage.path(name)
        except NotImplementedError:
            return _SpoolWriter(storage, name)
        return _LocalWriter(storage, name, direct=direct)
    return _SpoolWriter(storage, name)


def save_stream(
    name: str, reader, storage=None, *, piece: int = 64 * 1024, part_bytes: int = PART_BYTES
) -> str:
    """Store everything ``reader.read()`` gives as ``name`` (through :func:`open_writer`)."""
    writer = open_writer(name, storage, part_bytes=part_bytes)
    try:
        while data := reader.read(piece):
            writer.write(data)
        return writer.finish()
    except BaseException:
        writer.abort()
        raise


# --------------------------------------------------------------------------- reading


class RangedObject(io.RawIOBase):
    """A seekable, read-only view of an S3 object: each read is one ranged GET (at most
    ``RANGE_BYTES``, kept for the reads that follow)."""

    def __init__(self, storage, name: str):
        super().__init__()
        self._client = storage.connection.meta.client
        self._bucket = storage.bucket_name
        self._key = _s3_key(storage, name)
        head = self._client.head_object(Bucket=self._bucket, Key=self._key)
        self.size = int(head["ContentLength"])
        self._pos = 0
        self._buf = b""
        self._buf_start = 0
        self.requests = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos, 2: self.size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def _fetch(self, start: int, length: int) -> None:
        end = min(self.size, start + max(length, RANGE_BYTES)) - 1
        answer = self._client.get_object(
            Bucket=self._bucket, Key=self._key, Range=f"bytes={start}-{end}"
        )
        self._buf = answer["Body"].read()
        self._buf_start = start
        self.requests += 1

    def read(self, size: int | None = -1) -> bytes:
        if self._pos >= self.size:
            return b""
        if size is None or size < 0:
            size = self.size - self._pos
        size = min(size, self.size - self._pos)
        offset = self._pos - self._buf_start
        if not 0 <= offset < len(self._buf) or offset + size > len(self._buf):
            self._fetch(self._pos, size)
            offset = 0
        data = self._buf[offset : offset + size]
        self._pos += len(data)
        return data

    def readinto(self, b) -> int:
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)


def open_ranged(name: str, storage=None):
    """A seekable binary reader of ``name``: ranged GETs on S3, the file itself locally."""
    storage = storage or tip_storage()
    if is_s3(storage):
        return RangedObject(storage, name)
    return storage.open(name, "rb")
