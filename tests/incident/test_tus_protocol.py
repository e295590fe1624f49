"""The tus 1.0 endpoint: creation, offsets, resume, checksum, expiry, termination, and the
file key that only the uploading browser's secret opens."""

import base64
import datetime
import hashlib
import io

import pytest
from django.utils import timezone

from tips import crypto, resumable, upload_readers
from tips.attachments import tip_storage
from tips.models import ResumableUpload

from .conftest import UPLOAD_URL, create, new_secret, patch, tus_headers, upload_all

pytestmark = pytest.mark.django_db


def test_options_advertises_extensions(client):
    r = client.options(UPLOAD_URL)
    assert r.status_code == 204
    assert r["Tus-Version"] == "1.0.0"
    assert set(r["Tus-Extension"].split(",")) == {
        "creation", "expiration", "termination", "checksum"
    }  # fmt: skip
    assert r["Tus-Checksum-Algorithm"] == "sha256"


def test_create_head_patch_and_resume(client, incident):
    secret = new_secret()
    data = bytes(range(256)) * 1000  # 256 000 bytes
    r = create(client, secret, incident, len(data))
    assert r.status_code == 201
    assert "Upload-Expires" in r
    location = r["Location"]
    r = client.head(location, **tus_headers(secret))
    assert r.status_code == 200 and r["Upload-Offset"] == "0"
    assert r["Upload-Length"] == str(len(data))
    r = patch(client, location, secret, 0, data[:100_000])
    assert r.status_code == 204 and r["Upload-Offset"] == "100000"
    # A resume at a stale offset is refused; HEAD tells where to continue.
    assert patch(client, location, secret, 0, data[:10]).status_code == 409
    offset = int(client.head(location, **tus_headers(secret))["Upload-Offset"])
    r = patch(client, location, secret, offset, data[offset:])
    assert r["Upload-Offset"] == str(len(data))
    row = ResumableUpload.objects.get()
    assert row.complete and len(row.parts) == 2
    reader = upload_readers.PartsReader(
        row, resumable.unwrap_file_key(row, resumable.parse_secret(secret))
    )
    got = b""
    while chunk := reader.read(10**6):
        got += chunk
    assert got == data and reader.sha256.digest() == hashlib.sha256(data).digest()
    seekable = upload_readers.SeekablePartsReader(
        row, resumable.unwrap_file_key(row, resumable.parse_secret(secret))
    )
    seekable.seek(99_990)
    assert seekable.read(20) == data[99_990:100_010]  # across the two parts


def test_chunks_at_rest_are_ciphertext(client, incident):
    data = b"PLAINTEXT-MARKER " * 20000
    upload_all(client, incident, data, chunk=50_000)
    row = ResumableUpload.objects.get()
    for name, _size in row.parts:
        with tip_storage().open(name, "rb") as fh:
            stored = fh.read()
        assert b"PLAINTEXT-MARKER" not in stored
        assert stored.startswith(b"MWA\x01")
    assert b"PLAINTEXT" not in bytes(row.wrapped_key)


def test_wrong_or_missing_secret_opens_nothing(client, incident):
    secret = new_secret()
    location = create(client, secret, incident, 1000)["Location"]
    other = new_secret()
    assert client.head(location, **tus_headers(other)).status_code == 403
    assert patch(client, location, other, 0, b"x" * 10).status_code == 403
    r = client.generic("PATCH", location, data=b"x", content_type="application/offset+octet-stream",
                       HTTP_TUS_RESUMABLE="1.0.0", HTTP_UPLOAD_OFFSET="0")  # fmt: skip
    assert r.status_code == 403
    assert ResumableUpload.objects.get().offset == 0
    # The row alone (a copy of the database) does not give the key.
    row = ResumableUpload.objects.get()
    with pytest.raises(resumable.UploadError):
        resumable.unwrap_file_key(row, base64.urlsafe_b64decode(other + "=="))


def test_checksum_mismatch_is_refused_and_nothing_kept(client, incident):
    secret = new_secret()
    location = create(client, secret, incident, 1000)["Location"]
    good = base64.b64encode(hashlib.sha256(b"a" * 500).digest()).decode()
    bad = base64.b64encode(hashlib.sha256(b"b" * 500).digest()).decode()
    r = patch(client, location, secret, 0, b"a" * 500, **{"Upload-Checksum": f"sha256 {bad}"})
    assert r.status_code == 460
    row = ResumableUpload.objects.get()
    assert row.offset == 0 and row.parts == []
    _dirs, files = tip_storage().listdir(f"uploads/{row.token}")
    assert files == []
    r = patch(client, location, secret, 0, b"a" * 500, **{"Upload-Checksum": f"sha256 {good}"})
    assert r.status_code == 204 and r["Upload-Offset"] == "500"
    r = patch(client, location, secret, 500, b"a" * 10, **{"Upload-Checksum": "md5 abc"})
    assert r.status_code == 400


def test_body_cut_short_keeps_what_arrived(incident):
    """A lost connection mid-PATCH: the bytes received are stored, the offset says so, and
    the client resumes from there (less than one request re-sent)."""
    secret = new_secret()
    upload = resumable.create(
        length=10_000,
        metadata={"filename": "clip.mp4"},
        secret=resumable.parse_secret(secret),
        appeal=incident,
    )

    class Cut(io.BytesIO):
        def read(self, n=-1):
            if self.tell() >= 3000:
                raise OSError("connection reset")
            return super().read(min(n, 1000))

    offset = resumable.append(
        upload, offset=0, body=Cut(b"z" * 10_000), content_length=10_000,
        secret=resumable.parse_secret(secret),
    )  # fmt: skip
    assert offset == 3000
    upload.refresh_from_db()
    assert upload.offset == 3000 and upload.busy_until is None


def test_beyond_length_and_too_large(client, incident, settings):
    secret = new_secret()
    location = create(client, secret, incident, 100)["Location"]
    assert patch(client, location, secret, 0, b"x" * 101).status_code == 413
    settings.TIP_INCIDENT_MAX_FILE_BYTES = 1000
    assert create(client, secret, incident, 1001).status_code == 413
    assert create(client, secret, incident, 10, filename="notes.txt").status_code == 415


def test_version_header_required(client, incident):
    r = client.post(UPLOAD_URL, HTTP_UPLOAD_LENGTH="10", HTTP_UPLOAD_SECRET=new_secret())
    assert r.status_code == 412


def test_closed_intake_refuses_creation(client, incident):
    incident.intake_closes = timezone.now() - datetime.timedelta(minutes=1)
    incident.save_revision().publish()
    assert create(client, new_secret(), incident, 100).status_code == 403


def test_termination_deletes_parts(client, incident):
    token, secret = upload_all(client, incident, b"q" * 5000, chunk=2000)
    row = ResumableUpload.objects.get()
    names = [name for name, _ in row.parts]
    assert all(tip_storage().exists(n) for n in names)
    r = client.delete(f"{UPLOAD_URL}{token}/", **tus_headers(secret))
    assert r.status_code == 204
    assert not ResumableUpload.objects.exists()
    assert not any(tip_storage().exists(n) for n in names)
    assert client.head(f"{UPLOAD_URL}{token}/", **tus_headers(secret)).status_code == 404


def test_expiry_gone_and_purged(client, incident):
    token, secret = upload_all(client, incident, b"e" * 3000, chunk=1000)
    token2, secret2 = upload_all(client, incident, b"f" * 3000, chunk=1000)
    names = [n for r in ResumableUpload.objects.all() for n, _ in r.parts]
    ResumableUpload.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.head(f"{UPLOAD_URL}{token}/", **tus_headers(secret)).status_code == 410
    assert resumable.purge_expired() == 1
    assert not ResumableUpload.objects.exists()
    assert not any(tip_storage().exists(n) for n in names)


def test_default_expiry_is_24_hours(client, incident):
    create(client, new_secret(), incident, 10)
    row = ResumableUpload.objects.get()
    assert row.expires_at - row.created_at == datetime.timedelta(hours=24)


def test_file_name_never_stored(client, incident):
    create(client, new_secret(), incident, 10, filename="VID_Rue-Neuve_Jean-Dupont.mov")
    row = ResumableUpload.objects.get()
    assert row.extension == "mov" and row.media_kind == "video"
    from django.core import serializers

    assert "Dupont" not in serializers.serialize("json", [row])


def test_encrypting_reader_round_trip_matches_format():
    key = crypto.new_attachment_key()
    enc = crypto.EncryptingReader(io.BytesIO(b"abc" * 50_000), key)
    assert crypto.DecryptingReader(io.BytesIO(enc.read()), key).read() == b"abc" * 50_000


def test_scheduled_job_purges_expired_uploads(client, incident):
    from io import StringIO

    from django.core.management import call_command

    upload_all(client, incident, b"g" * 2000, chunk=1000)
    ResumableUpload.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    out = StringIO()
    call_command("run_scheduled_jobs", stdout=out)
    assert "purge_uploads: 1 expired upload(s) deleted" in out.getvalue()
    assert not ResumableUpload.objects.exists()


def test_uploads_begun_per_source_are_limited(client, incident, settings):
    settings.TIP_UPLOAD_CREATE_RATE = "2/h"
    secret = new_secret()
    assert create(client, secret, incident, 10).status_code == 201
    assert create(client, secret, incident, 10).status_code == 201
    refused = create(client, secret, incident, 10)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0


def test_a_dead_request_blocks_the_resume_only_briefly(client, incident):
    """A worker that died mid-PATCH leaves its claim: refused (409) until it lapses, then
    the client resumes from the recorded offset."""
    secret = new_secret()
    location = create(client, secret, incident, 100)["Location"]
    ResumableUpload.objects.update(busy_until=timezone.now() + datetime.timedelta(seconds=60))
    assert patch(client, location, secret, 0, b"x" * 10).status_code == 409
    ResumableUpload.objects.update(busy_until=timezone.now() - datetime.timedelta(seconds=1))
    assert patch(client, location, secret, 0, b"x" * 10)["Upload-Offset"] == "10"
    assert resumable._CLAIM_SECONDS <= 60
