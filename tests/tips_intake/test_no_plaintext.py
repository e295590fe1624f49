"""The no-plaintext guarantee and the no-address guarantee.

Tips carrying a unique canary in every field, in an attached image's metadata (EXIF
description, GPS processing method) and in the file names, including a 20 MB image, are
submitted through the real view. Then every place something could have been written is
searched: every database table (raw rows), every object of both storages (local folders or
S3 buckets, read through the storage API), the media and tip folders, the temp directory,
every log record and everything printed, the cache (locmem internals, or Redis when
REDIS_URL is set), queued task payloads and outgoing mail. The canary appears nowhere and no
stored image keeps EXIF or GPS data. Same for the client address and its plain hashes.
"""

import base64
import hashlib
import io
import logging
import os
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from tips import attachments, services
from tips.models import Attachment, Tip

from . import images
from .conftest import tip_data

URL = "/en/tip/"
LOGGERS = ("", "django", "django.request", "django.server", "tips", "mostwanted")


def variants(secret: str) -> list[bytes]:
    """The secret as stored plainly, hex-encoded, or base64-encoded at any alignment."""
    raw = secret.encode()
    found = [raw, raw.hex().encode(), raw.hex().upper().encode()]
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + raw)[4:-4]
        found.append(encoded[: max(8, len(encoded) - 4)])
    return found


def db_blobs():
    """(table, bytes) for every row of every table, read raw through the cursor."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                parts = []
                for value in row:
                    if isinstance(value, memoryview):
                        value = value.tobytes()
                    if isinstance(value, bytes):
                        parts.append(value)
                    elif value is not None:
                        parts.append(str(value).encode("utf-8", "replace"))
                yield table, b"\x1f".join(parts)


def _walk_files(root: Path):
    """Every file under ``root``; folders that vanish meanwhile (other processes' temporary
    folders) are skipped, not an error."""
    for folder, _dirs, names in os.walk(root, onerror=lambda _exc: None):
        for name in names:
            yield Path(folder) / name


def file_blobs(roots, since=None):
    for root in roots:
        root = Path(root)
        if not root.exists():
            continue
        for path in _walk_files(root):
            try:
                if not path.is_file() or path.is_symlink():
                    continue
                if since is not None and path.stat().st_mtime < since:
                    continue
                if path.stat().st_size > 200 * 1024 * 1024:
                    continue
                yield str(path), path.read_bytes()
            except OSError:
                continue  # vanished or unreadable (another process's file)


def storage_blobs():
    """Every object of the public media storage and of the tip storage, local or S3."""
    from django.core.files.storage import storages

    from mostwanted.storage import read_all

    for alias in ("default", "tips"):
        for name, data in read_all(storages[alias]):
            yield f"storage {alias}:{name}", data


def cache_blobs():
    backend = cache._cache if hasattr(cache, "_cache") else None
    if isinstance(backend, dict):  # locmem: keys and pickled values
        for key, value in backend.items():
            yield f"cache:{key}", key.encode() + b"\x1f" + bytes(value)
    if os.environ.get("REDIS_URL"):
        import redis

        client = redis.Redis.from_url(os.environ["REDIS_URL"])
        for key in client.scan_iter(count=1000):
            kind = client.type(key)
            value = client.get(key) if kind == b"string" else repr(client.dump(key)).encode()
            yield f"redis:{key!r}", key + b"\x1f" + (value or b"")


def everywhere(caplog_text: str, captured: str, since: float):
    yield from db_blobs()
    yield from storage_blobs()
    yield from file_blobs([settings.TIP_STORAGE_ROOT, settings.MEDIA_ROOT])
    yield from file_blobs([tempfile.gettempdir()], since=since - 1)
    yield from cache_blobs()
    yield "logs", caplog_text.encode()
    yield "stdout/stderr", captured.encode()
    for message in mail.outbox:
        yield "mail", message.message().as_bytes()


def assert_nowhere(secrets_: list[str], blobs):
    needles = [(s, v) for s in secrets_ for v in variants(s)]
    for where, blob in blobs:
        for secret, needle in needles:
            assert needle not in blob, f"{secret!r} found in {where}"


@pytest.fixture
def capture_all_logs(caplog):
    caplog.set_level(logging.DEBUG)
    added = []
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if caplog.handler not in logger.handlers:
            logger.addHandler(caplog.handler)
            added.append(logger)
    yield caplog
    for logger in added:
        logger.removeHandler(caplog.handler)


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}


def test_no_plaintext_anywhere(
    client,
    tipline,
    capture_all_logs,
    capfd,
    database_tasks,
    django_capture_on_commit_callbacks,
):
    _desk, recovery_private = tipline
    canary = f"CNRY{uuid.uuid4().hex[:16]}"
    field_canaries = {
        name: f"{canary}-{name}" for name in ("what", "place", "how_known", "contact")
    }
    image_canary = f"{canary}-exif"
    name_canary = f"{canary}-name"
    started = time.time()

    big = images.noisy_jpeg(20 * 1024 * 1024, canary=image_canary)
    assert len(big) >= 20 * 1024 * 1024 and image_canary.encode() in big
    submissions = [
        [SimpleUploadedFile(f"{name_canary}-big.jpg", big, "image/jpeg")],
        [
            SimpleUploadedFile(f"{name_canary}.jpg", images.jpeg_with_metadata(image_canary)),
            SimpleUploadedFile(
                f"{name_canary}.png", images.png_with_text(image_canary), "image/png"
            ),
            SimpleUploadedFile(f"{name_canary}.heic", images.heic_with_metadata(image_canary)),
            SimpleUploadedFile(f"{name_canary}.webp", images.webp_with_metadata(image_canary)),
        ],
    ]
    del big
    for files in submissions:
        data = {**tip_data(**field_canaries, seeing_now="on"), "photos": files}
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(URL, data)
        assert response.status_code == 200, response.content[:2000]
    # A refused submission (wrong type) must not leave its text or file behind either.
    refused = {
        **tip_data(**field_canaries),
        "photos": [
            SimpleUploadedFile(f"{name_canary}.jpg", images.not_an_image() + image_canary.encode())
        ],
    }
    assert client.post(URL, refused).status_code == 400
    del submissions, refused

    assert Tip.objects.count() == 2
    assert Attachment.objects.count() == 5
    from django_tasks_db.models import DBTaskResult

    notifications = DBTaskResult.objects.filter(task_path="tips.tasks.notify_desk_new_tip")
    assert notifications.count() == 2  # the desk notifications were queued

    captured = capfd.readouterr()
    # The scan reads the stored objects themselves, wherever they are.
    scanned = {where for where, _blob in storage_blobs()}
    stored = set(Attachment.objects.values_list("storage_name", flat=True))
    assert {f"storage tips:{name}" for name in stored} <= scanned
    assert_nowhere(
        [canary],
        everywhere(capture_all_logs.text, captured.out + captured.err, started),
    )

    # The tips are really there: the recovery key opens them, and no image kept metadata.
    for tip in Tip.objects.all():
        document = services.tip_open_with_recovery(tip, recovery_private)
        assert document["fields"]["what"] == field_canaries["what"]
        for attachment in tip.attachments.all():
            with attachments.open_attachment(attachment, document) as reader:
                stored = reader.read()
            assert image_canary.encode() not in stored
            with Image.open(io.BytesIO(stored)) as im:
                im.load()
                assert not im.getexif()
                assert not any(k in im.info for k in ("exif", "xmp", "icc_profile", "comment"))
                assert not getattr(im, "text", None)


def test_no_client_address_stored(client, tipline, capture_all_logs, capfd, settings):
    settings.TIP_RATE_PER_SOURCE = "2/h"
    address = "198.51.100.23"
    started = time.time()
    for _ in range(2):
        assert client.post(URL, tip_data(), REMOTE_ADDR=address).status_code == 200
    assert client.post(URL, tip_data(), REMOTE_ADDR=address).status_code == 429
    assert client.post(URL, tip_data(form_token=None), REMOTE_ADDR=address).status_code == 400
    captured = capfd.readouterr()
    hashes = [
        hashlib.new(algorithm, address.encode()).hexdigest()
        for algorithm in ("md5", "sha1", "sha256", "sha512")
    ]
    secrets_ = [address, *hashes]
    blobs = list(everywhere(capture_all_logs.text, captured.out + captured.err, started))
    for where, blob in blobs:
        for secret in secrets_:
            assert secret.encode() not in blob, f"{secret} found in {where}"
