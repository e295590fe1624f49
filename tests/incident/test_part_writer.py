"""A PATCH body written as one encrypted part (tips.part_writer): the attachment format
every reader opens, at every size around the chunk and round boundaries, a body cut short;
and gunicorn's socket read straight into the buffer (tips.wsgi_body), leaving the
connection where the next request starts."""

import hashlib
import io
import os
import socket
import threading

import pytest
from django.core.files.storage import FileSystemStorage

from tips import crypto, part_writer, resumable, wsgi_body

C = crypto.CHUNK_SIZE


class _Pieces(io.RawIOBase):
    """A body that arrives in uneven pieces, as from a socket."""

    def __init__(self, data: bytes, piece: int = 70_001):
        self._data, self._pos, self._piece = data, 0, piece

    def readinto(self, view) -> int:
        n = min(len(view), self._piece, len(self._data) - self._pos)
        view[:n] = self._data[self._pos : self._pos + n]
        self._pos += n
        return n


@pytest.mark.parametrize(
    "size", [0, 1, C - 1, C, C + 1, 4 * C, 16 * C, 17 * C, 17 * C + 5, 33 * C - 1, 1_234_567]
)
def test_part_decrypts_to_the_body(tmp_path, size):
    data = os.urandom(size)
    key = crypto.new_attachment_key()
    storage = FileSystemStorage(location=tmp_path)
    name = part_writer.store_encrypted("p.bin", _Pieces(data), key, storage, part_bytes=2**23)
    stored = (tmp_path / name).read_bytes()
    assert len(stored) == crypto.encrypted_size(size)
    assert crypto.DecryptingReader(io.BytesIO(stored), key).read() == data
    assert crypto.SeekableDecryptingReader(io.BytesIO(stored), key).read() == data


def test_the_last_chunk_is_marked(tmp_path):
    """Dropping the final chunk of a stored part is detected (truncation)."""
    key = crypto.new_attachment_key()
    storage = FileSystemStorage(location=tmp_path)
    body = _Pieces(b"a" * 3 * C)
    name = part_writer.store_encrypted("p.bin", body, key, storage, part_bytes=2**23)
    stored = (tmp_path / name).read_bytes()
    with pytest.raises(crypto.DecryptionError):
        crypto.DecryptingReader(io.BytesIO(stored[: -(C + 16)]), key).read()


def test_cut_body_keeps_what_arrived(tmp_path):
    key = crypto.new_attachment_key()
    storage = FileSystemStorage(location=tmp_path)
    reader = resumable._Body(_Pieces(b"x" * 100_000), 300_000, hashed=False)
    name = part_writer.store_encrypted("p.bin", reader, key, storage, part_bytes=2**23)
    assert reader.cut and reader.received == 100_000
    stored = (tmp_path / name).read_bytes()
    assert crypto.DecryptingReader(io.BytesIO(stored), key).read() == b"x" * 100_000


def test_gunicorn_body_read_into_the_buffer():
    """gunicorn's own parser on a socket with two requests in a row: the first one's body
    (partly buffered with its headers, the rest on the socket) is read straight into the
    buffer, and gunicorn then parses the second request where it starts."""
    from gunicorn.config import Config
    from gunicorn.http.parser import RequestParser

    a, b = socket.socketpair()
    body = os.urandom(3 * 2**20 + 7)
    first = b"PATCH /up HTTP/1.1\r\nHost: h\r\nContent-Length: %d\r\n\r\n" % len(body)
    second = b"GET /next HTTP/1.1\r\nHost: h\r\n\r\n"
    sender = threading.Thread(target=lambda: a.sendall(first + body + second))
    sender.start()
    parser = RequestParser(Config(), b, ("127.0.0.1", 1))
    request = next(parser)

    class DjangoRequest:
        META = {"wsgi.input": request.body}

    raw = wsgi_body.raw_reader(DjangoRequest())
    assert raw is not None
    reader = resumable._Body(None, len(body), hashed=True, raw=raw)
    buf = memoryview(bytearray(300_000))
    got = bytearray()
    while n := reader.readinto(buf):
        got += buf[:n]
    sender.join()
    assert bytes(got) == body and not reader.cut
    assert reader.sha256.digest() == hashlib.sha256(body).digest()
    following = next(parser)
    assert (following.method, following.path) == ("GET", "/next")
    a.close()
    b.close()


def test_other_servers_fall_back_to_read():
    class Request:
        META = {"wsgi.input": io.BytesIO(b"abc")}

    assert wsgi_body.raw_reader(Request()) is None


def _supports_direct(folder) -> bool:
    probe = os.path.join(folder, ".direct-probe")
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | getattr(os, "O_DIRECT", 0), 0o600))
    except OSError:
        return False
    os.unlink(probe)
    return hasattr(os, "O_DIRECT")


def test_part_goes_past_the_page_cache(tmp_path, monkeypatch):
    """On a file system with O_DIRECT every write of a part but the last few bytes skips the
    page cache: whole 4 KiB blocks from page-aligned memory, at block offsets."""
    if not _supports_direct(tmp_path):
        pytest.skip("the temporary folder's file system has no O_DIRECT")
    import fcntl

    from tips import media_store

    seen = []
    real_write = media_store.os.write

    def write(fd, view):
        seen.append((len(view), bool(fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_DIRECT)))
        return real_write(fd, view)

    monkeypatch.setattr(media_store.os, "write", write)
    data = os.urandom(40 * C + 12_345)
    key = crypto.new_attachment_key()
    storage = FileSystemStorage(location=tmp_path)
    name = part_writer.store_encrypted("p.bin", _Pieces(data), key, storage, part_bytes=2**23)
    stored = (tmp_path / name).read_bytes()
    assert crypto.DecryptingReader(io.BytesIO(stored), key).read() == data
    direct = [n for n, is_direct in seen if is_direct]
    assert len(direct) >= 3 and all(n % 4096 == 0 for n in direct)
    assert sum(direct) == len(stored) // 4096 * 4096  # only the last partial block buffered
    assert [n for n, is_direct in seen if not is_direct] == [len(stored) % 4096]


def test_part_on_a_file_system_without_direct_writes(tmp_path):
    """tmpfs refuses O_DIRECT: the part is written through the page cache, the same bytes."""
    if not os.path.isdir("/dev/shm"):  # noqa: S108
        pytest.skip("no /dev/shm")
    import tempfile

    with tempfile.TemporaryDirectory(dir="/dev/shm") as folder:  # noqa: S108
        data = os.urandom(20 * C + 3)
        key = crypto.new_attachment_key()
        storage = FileSystemStorage(location=folder)
        name = part_writer.store_encrypted("p.bin", _Pieces(data), key, storage, part_bytes=8)
        with open(os.path.join(folder, name), "rb") as fh:
            assert crypto.DecryptingReader(fh, key).read() == data


def test_unaligned_memory_falls_back_to_the_page_cache(tmp_path):
    """A caller of media_store's writer that passes ordinary bytes (any address, any length)
    gets them written whole, direct or not."""
    from tips import media_store

    storage = FileSystemStorage(location=tmp_path)
    writer = media_store.open_writer("w.bin", storage, direct=True)
    pieces = [os.urandom(8192)[1:], os.urandom(4096), os.urandom(5)]
    for piece in pieces:
        writer.write(piece)
    name = writer.finish()
    assert (tmp_path / name).read_bytes() == b"".join(pieces)


def test_a_failed_write_aborts_the_part(tmp_path, monkeypatch):
    """The disk refusing a write in the writing thread (full, say) reaches the request, and
    the half-written part is removed."""
    import errno

    from tips import media_store

    real_write = media_store.os.write
    calls = []

    def write(fd, view):
        calls.append(len(view))
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, view)

    monkeypatch.setattr(media_store.os, "write", write)
    storage = FileSystemStorage(location=tmp_path)
    key = crypto.new_attachment_key()
    body = _Pieces(os.urandom(60 * C))
    with pytest.raises(OSError, match="No space"):
        part_writer.store_encrypted("p.bin", body, key, storage, part_bytes=8)
    assert list(tmp_path.iterdir()) == []
