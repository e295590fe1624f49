"""crypto.SeekableDecryptingReader: random access to an encrypted attachment, authenticated."""

from __future__ import annotations

import io
import os
import random

import pytest

from tips import crypto


def _encrypt(plain: bytes, key: bytes, chunk_size: int = 1024) -> bytes:
    return crypto.EncryptingReader(io.BytesIO(plain), key, chunk_size=chunk_size).read()


def _reader(ct: bytes, key: bytes) -> crypto.SeekableDecryptingReader:
    return crypto.SeekableDecryptingReader(io.BytesIO(ct), key)


@pytest.mark.parametrize("size", [0, 1, 1023, 1024, 1025, 5000])
def test_read_all_and_size(size):
    key = crypto.new_attachment_key()
    plain = os.urandom(size)
    reader = _reader(_encrypt(plain, key), key)
    assert reader.size == size
    assert reader.read() == plain
    assert reader.read() == b""


def test_random_seeks_and_reads_match_the_plaintext():
    key = crypto.new_attachment_key()
    plain = os.urandom(10_000)
    reader = _reader(_encrypt(plain, key), key)
    rnd = random.Random(7)  # noqa: S311 - test data, not security
    for _ in range(300):
        pos, n = rnd.randrange(0, 10_500), rnd.randrange(0, 3000)
        assert reader.seek(pos) == pos
        assert reader.read(n) == plain[pos : pos + n]  # no short reads across chunks
        assert reader.tell() == min(pos + n, max(pos, 10_000))
    assert reader.seek(-10, io.SEEK_END) == 9_990
    assert reader.read() == plain[-10:]
    reader.seek(100)
    assert reader.seek(5, io.SEEK_CUR) == 105
    with pytest.raises(ValueError):
        reader.seek(-1)


def test_pillow_decodes_through_it():
    from PIL import Image

    image = Image.frombytes("RGB", (300, 200), os.urandom(300 * 200 * 3))
    out = io.BytesIO()
    image.save(out, "PNG")
    key = crypto.new_attachment_key()
    with Image.open(_reader(_encrypt(out.getvalue(), key), key)) as decoded:
        assert decoded.tobytes() == image.tobytes()


def test_tampering_truncation_extension_reordering_and_wrong_key_raise():
    key = crypto.new_attachment_key()
    plain = os.urandom(3 * 1024)
    ct = _encrypt(plain, key)  # header 16 + 3 chunks of 1040, the third flagged last
    assert len(ct) == 16 + 3 * 1040
    bad = bytearray(ct)
    bad[16 + 1040 + 5] ^= 1
    reader = _reader(bytes(bad), key)
    assert reader.read(1024) == plain[:1024]  # chunk 0 is intact
    with pytest.raises(crypto.DecryptionError):
        reader.read(1)
    for cut in (16 + 1040, 16 + 2 * 1040):  # truncated at a chunk boundary
        with pytest.raises(crypto.DecryptionError):
            r = _reader(ct[:cut], key)
            r.seek((cut - 16) // 1040 * 1024 - 1024)  # the (wrongly) last chunk
            r.read()
    with pytest.raises(crypto.DecryptionError):  # bytes appended: old last chunk not last
        r = _reader(ct + os.urandom(100), key)
        r.seek(2 * 1024)
        r.read(10)
    swapped = ct[:16] + ct[16 + 1040 : 16 + 2080] + ct[16 : 16 + 1040] + ct[16 + 2080 :]
    with pytest.raises(crypto.DecryptionError):
        _reader(swapped, key).read(10)
    with pytest.raises(crypto.DecryptionError):
        _reader(ct, crypto.new_attachment_key()).read(10)
    for junk in (b"", b"short", b"not an attachment at all, really not"):
        with pytest.raises(crypto.DecryptionError):
            _reader(junk, key)
    with pytest.raises(crypto.DecryptionError):  # header only: not even an empty last chunk
        _reader(ct[:16], key)


def test_close_leaves_the_source_open_unless_asked():
    key = crypto.new_attachment_key()
    ct = _encrypt(b"abc", key)
    src = io.BytesIO(ct)
    with crypto.SeekableDecryptingReader(src, key) as reader:
        assert reader.read() == b"abc"
    assert not src.closed
    src2 = io.BytesIO(ct)
    crypto.SeekableDecryptingReader(src2, key, close_source=True).close()
    assert src2.closed
