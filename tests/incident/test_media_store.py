"""Large encrypted objects in the tip store (``tips.media_store``): written as they are
produced, read back by ranges. Runs on the local store, and with ``pytest -m storage`` on
SeaweedFS, where a large object must be a multipart upload and reads must be ranged GETs."""

import io
import os
import tempfile

from mostwanted.storage import is_s3
from tips import crypto, incident, media_store
from tips.attachments import tip_storage

from .videos import make_video

SIZE = 2 * media_store.PART_BYTES + 123_457  # three parts on S3


def _write(name: str, data: bytes) -> tuple[str, object]:
    writer = media_store.open_writer(name)
    for i in range(0, len(data), 64 * 1024):
        writer.write(data[i : i + 64 * 1024])
    return writer.finish(), writer


def test_a_large_object_is_written_in_parts_and_read_back_by_ranges():
    data = os.urandom(SIZE)
    name, writer = _write("media-store/large.bin", data)
    storage = tip_storage()
    try:
        assert writer.size == SIZE
        assert storage.size(name) == SIZE
        reader = media_store.open_ranged(name)
        try:
            for start, length in ((0, 100), (SIZE - 70_000, 70_000), (9_000_000, 65_552)):
                reader.seek(start)
                assert reader.read(length) == data[start : start + length]
            reader.seek(SIZE - 10)
            assert reader.read(100) == data[-10:]
            assert reader.read(1) == b""
        finally:
            reader.close()
        if is_s3(storage):
            client = storage.connection.meta.client
            head = client.head_object(Bucket=storage.bucket_name, Key=writer._key)
            assert head["ETag"].strip('"').endswith("-3")  # a three-part multipart upload
            assert reader.requests == 4  # one ranged GET per read outside the range held
    finally:
        storage.delete(name)


def test_an_aborted_object_leaves_nothing():
    storage = tip_storage()
    writer = media_store.open_writer("media-store/aborted.bin")
    writer.write(os.urandom(media_store.PART_BYTES + 10))  # one part already sent on S3
    writer.abort()
    assert not storage.exists(writer.name)
    if is_s3(storage):
        client = storage.connection.meta.client
        pending = client.list_multipart_uploads(Bucket=storage.bucket_name, Prefix=writer._key)
        assert not pending.get("Uploads")


def test_a_short_object_is_one_put_and_reads_whole():
    name, _writer = _write("media-store/short.bin", b"ciphertext only")
    try:
        reader = media_store.open_ranged(name)
        assert reader.read() == b"ciphertext only"
        reader.close()
    finally:
        tip_storage().delete(name)


class _Source(io.BytesIO):
    @property
    def size(self):
        return len(self.getbuffer())


def test_a_clean_video_goes_to_the_store_as_it_leaves_the_sandbox(monkeypatch):
    """No anonymous spool any more: the sandbox's output is encrypted into the store's
    writer directly (a multipart upload on S3)."""

    def no_spool(*args, **kwargs):
        raise AssertionError("the clean video was spooled to a local file")

    monkeypatch.setattr(tempfile, "TemporaryFile", no_spool)
    video = make_video(seconds=1.0)
    source = incident.Incoming("video", "mp4", lambda: _Source(video), lambda: _Source(video))
    staged = incident.clean_one(source, 1, keep_when_where=False)
    try:
        assert [item.extra["kind"] for item in staged] == ["video", "poster"]
        clean = staged[0]
        reader = media_store.open_ranged(clean.storage_name)
        plain = crypto.DecryptingReader(reader, clean.key).read()
        assert plain[4:8] == b"ftyp" and len(plain) == clean.plaintext_size
        assert clean.ciphertext_size == crypto.encrypted_size(clean.plaintext_size)
    finally:
        from tips.attachments import discard_staged

        discard_staged(staged)
