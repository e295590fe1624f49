"""Resumable uploads (tus 1.0: core, creation, expiration, termination, checksum sha256),
each chunk encrypted as it arrives.

Design (docs/incident-media.md has the threat model):

* ``create`` draws a random 256-bit *file key* and stores it only *wrapped*: AES-GCM under
  a key derived (HKDF-SHA256) from a secret the browser sends with every request in the
  ``Upload-Secret`` header (32+ random bytes it generated, base64url). Neither the database,
  the cache nor the tip store holds the file key in clear; a copy of all three opens no
  upload in progress.
* Every PATCH is unwrapped with that header, then its body is read into a buffer and
  sealed in 64 KiB AES-GCM chunks (the project's attachment format) straight into
  ``storages["tips"]`` as one *part* (``tips.part_writer``; one PUT on S3); the plaintext
  only exists in that buffer (320 KiB) in the worker's memory, besides what gunicorn
  buffered of the body (under gunicorn the socket is read straight into the buffer:
  ``tips.wsgi_body``). A body cut short (a lost connection) keeps the bytes that
  did arrive, so a resume re-sends less than one request's worth; with a checksum header a
  cut or mismatching body is discarded (460) instead.
* The state (offset, parts, expiry, wrapped key) is one database row
  (``ResumableUpload``): any web node continues an upload any other node started, also
  after a restart. A PATCH claims the row (``busy_until``) with a conditional UPDATE, so
  two requests never write the same offset.
* Unfinished uploads expire (``TIP_UPLOAD_EXPIRY_HOURS``, 24 by default): expired rows and
  their parts are deleted by ``purge_expired`` (``manage.py purge_uploads``, part of
  ``run_scheduled_jobs``).
* The tip is sealed only later, once every file is complete and sanitised
  (``tips.incident``); ``open_plaintext`` gives the whole file back, decrypted part by part.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import logging
import os
import secrets
import time
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from . import crypto, part_writer, wsgi_body
from .attachments import delete_stored, not_in_tips, tip_storage
from .models import ResumableUpload

logger = logging.getLogger(__name__)

TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,expiration,termination,checksum"
CHECKSUM_ALGORITHMS = "sha256"
SECRET_HEADER = "Upload-Secret"  # noqa: S105 (a header name)
_WRAP_INFO = b"mostwanted/tus-file-key/v1:"
#: A request body is read this much at a time. 64 KiB reads out of gunicorn's 1 MiB
#: read-ahead copied that buffer on every read (the profile of a 1 GB upload: 45 % of the
#: worker's time); much larger reads make buffers that malloc maps and the kernel faults
#: in afresh each time (1 MiB reads and writes doubled the CPU per GB). Measured with
#: gunicorn's reader on a socket pair: 256 KiB reads, half the CPU of before
#: (docs/incident-media.md). Only when the body cannot be read from the socket straight
#: into the part writer's buffer (``tips.wsgi_body``: another server, a chunked body).
_READ = 256 * 1024
#: A PATCH holds the row this long, renewed while its body keeps arriving: a worker that
#: died mid-request blocks the resume for at most this long.
_CLAIM_SECONDS = 60
_RENEW_SECONDS = 20

VIDEO_EXTENSIONS = {"mp4", "m4v", "mov", "3gp", "3g2", "webm", "mkv"}
PHOTO_EXTENSIONS = {"jpg", "jpeg", "png", "webp", "heic", "heif"}


class UploadError(Exception):
    """A refused request: ``status`` is the HTTP status to answer, ``code`` says why."""

    def __init__(self, status: int, code: str):
        super().__init__(code)
        self.status = status
        self.code = code


def max_file_bytes(appeal=None) -> int:
    per_appeal = getattr(appeal, "incident_max_file_mb", None)
    if per_appeal:
        return int(per_appeal) * 1024 * 1024
    return settings.TIP_INCIDENT_MAX_FILE_BYTES


def expiry_delta() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.TIP_UPLOAD_EXPIRY_HOURS)


# --------------------------------------------------------------------------- the secret


def parse_secret(value: str | None) -> bytes:
    """The client's secret from its header (base64url, at least 32 random bytes)."""
    if not value:
        raise UploadError(403, "secret_missing")
    try:
        secret = base64.urlsafe_b64decode(value.strip() + "=" * (-len(value.strip()) % 4))
    except (binascii.Error, ValueError):
        raise UploadError(403, "secret_invalid") from None
    if not 32 <= len(secret) <= 128:
        raise UploadError(403, "secret_invalid")
    return secret


def _wrapping_key(secret: bytes, token: str) -> bytes:
    # The secret is random (not a password): HKDF is the right derivation, bound to the upload.
    return HKDF(hashes.SHA256(), 32, salt=None, info=_WRAP_INFO + token.encode()).derive(secret)


def wrap_file_key(file_key: bytes, secret: bytes, token: str) -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(_wrapping_key(secret, token)).encrypt(nonce, file_key, token.encode())


def unwrap_file_key(upload: ResumableUpload, secret: bytes) -> bytes:
    blob = bytes(upload.wrapped_key)
    try:
        return AESGCM(_wrapping_key(secret, upload.token)).decrypt(
            blob[:12], blob[12:], upload.token.encode()
        )
    except (InvalidTag, ValueError):
        raise UploadError(403, "secret_wrong") from None


# --------------------------------------------------------------------------- metadata


def parse_metadata(header: str | None) -> dict[str, str]:
    """``Upload-Metadata``: comma-separated ``key base64value`` pairs."""
    result = {}
    for item in (header or "").split(","):
        bits = item.strip().split(" ")
        if not bits[0]:
            continue
        try:
            result[bits[0]] = base64.b64decode(bits[1]).decode() if len(bits) > 1 else ""
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise UploadError(400, "metadata_invalid") from None
    return result


def classify(filename: str) -> tuple[str, str]:
    """("video" | "photo", extension) from the file name's extension: the name itself is
    dropped here (it may carry a date, a place or a name)."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    ext = {"jpeg": "jpg", "heif": "heic", "m4v": "mp4", "3g2": "3gp"}.get(ext, ext)
    if ext in VIDEO_EXTENSIONS:
        return "video", ext
    if ext in PHOTO_EXTENSIONS:
        return "photo", ext
    raise UploadError(415, "unsupported_type")


# --------------------------------------------------------------------------- protocol


def create(*, length: int, metadata: dict[str, str], secret: bytes, appeal=None) -> ResumableUpload:
    """A new upload of ``length`` bytes (tus creation)."""
    if length < 1:
        raise UploadError(400, "length_invalid")
    if length > max_file_bytes(appeal):
        raise UploadError(413, "file_too_large")
    kind, ext = classify(metadata.get("filename", ""))
    token = secrets.token_hex(16)
    now = timezone.now()
    return ResumableUpload.objects.create(
        token=token,
        appeal_id=getattr(appeal, "pk", None),
        media_kind=kind,
        extension=ext,
        length=length,
        wrapped_key=wrap_file_key(crypto.new_attachment_key(), secret, token),
        created_at=now,
        expires_at=now + expiry_delta(),
    )


def get_live(token: str) -> ResumableUpload:
    """The upload ``token`` if it exists and has not expired (404 / 410 otherwise)."""
    upload = ResumableUpload.objects.filter(token=token).first()
    if upload is None:
        raise UploadError(404, "not_found")
    if upload.expires_at <= timezone.now():
        terminate(upload)
        raise UploadError(410, "expired")
    return upload


@dataclass
class _Body:
    """The request body, read ``_READ`` bytes at a time, hashed when the client sent a
    checksum (the checksum extension); a body that ends early (a cut connection) or breaks
    reads as the end of the file."""

    stream: object
    limit: int
    received: int = 0
    cut: bool = False
    on_progress: object = None
    hashed: bool = True
    raw: object = None  # tips.wsgi_body.raw_reader(): readinto() without the server's copies

    def __post_init__(self):
        self.sha256 = hashlib.sha256() if self.hashed else None

    def read(self, size: int = -1) -> bytes:
        want = self.limit - self.received
        if size is not None and size >= 0:
            want = min(want, size)
        if want <= 0:
            return b""
        try:
            data = self.stream.read(min(want, _READ))
        except OSError:  # the client went away mid-body
            data = b""
        self._count(data)
        return data

    def readinto(self, buffer) -> int:
        if self.raw is None:
            data = self.read(len(buffer))
            buffer[: len(data)] = data
            return len(data)
        want = min(len(buffer), self.limit - self.received)
        if want <= 0:
            return 0
        try:
            n = self.raw.readinto(buffer[:want])
        except OSError:  # the client went away mid-body
            n = 0
        self._count(buffer[:n])
        return n

    def _count(self, data) -> None:
        if not data:
            self.cut = True
            self.limit = self.received
            return
        self.received += len(data)
        if self.sha256 is not None:
            self.sha256.update(data)
        if self.on_progress is not None:
            self.on_progress()


def parse_checksum(header: str | None) -> bytes | None:
    if not header:
        return None
    algorithm, _, value = header.strip().partition(" ")
    if algorithm.lower() != "sha256":
        raise UploadError(400, "checksum_algorithm")
    try:
        return base64.b64decode(value)
    except (binascii.Error, ValueError):
        raise UploadError(400, "checksum_invalid") from None


def _renewer(upload: ResumableUpload):
    """Extend this request's claim every ``_RENEW_SECONDS`` while the body arrives."""
    state = {"at": time.monotonic()}

    def renew():
        if time.monotonic() - state["at"] >= _RENEW_SECONDS:
            state["at"] = time.monotonic()
            until = timezone.now() + datetime.timedelta(seconds=_CLAIM_SECONDS)
            ResumableUpload.objects.filter(pk=upload.pk).update(busy_until=until)

    return renew


def _claim(upload: ResumableUpload, offset: int) -> None:
    now = timezone.now()
    claimed = (
        ResumableUpload.objects.filter(pk=upload.pk, offset=offset)
        .filter(Q(busy_until__isnull=True) | Q(busy_until__lt=now))
        .update(busy_until=now + datetime.timedelta(seconds=_CLAIM_SECONDS))
    )
    if not claimed:
        raise UploadError(409, "offset_conflict")


def append(
    upload: ResumableUpload,
    *,
    offset: int,
    body,
    content_length: int | None,
    secret: bytes,
    checksum: bytes | None = None,
    key: bytes | None = None,
) -> int:
    """Store the PATCH body at ``offset`` as one encrypted part; return the new offset.
    ``key``: the file key the caller already unwrapped with ``secret`` (the view does, to
    check the secret before any method), so that it is not derived twice per PATCH."""
    if offset != upload.offset:
        raise UploadError(409, "offset_conflict")
    if key is None:  # before reading a byte: a wrong secret stores nothing
        key = unwrap_file_key(upload, secret)
    remaining = upload.length - upload.offset
    if content_length is not None and content_length > remaining:
        raise UploadError(413, "beyond_length")
    _claim(upload, offset)
    limit = remaining if content_length is None else content_length
    raw = wsgi_body.raw_reader(body) if hasattr(body, "META") else None
    reader = _Body(body, limit, on_progress=_renewer(upload), hashed=checksum is not None, raw=raw)
    storage = tip_storage()
    stored = None
    try:
        name = f"uploads/{upload.token}/{len(upload.parts):06d}-{secrets.token_hex(4)}.bin"
        # One PUT per PATCH on S3 (its ciphertext in one part) up to 16 MiB held in memory;
        # a larger or chunked PATCH is a multipart upload of 16 MiB parts.
        whole = min(crypto.encrypted_size(limit) + 1, 16 * 1024 * 1024)
        stored = part_writer.store_encrypted(name, reader, key, storage, part_bytes=whole)
        if checksum is not None and (reader.cut or reader.sha256.digest() != checksum):
            delete_stored([stored])
            raise UploadError(460, "checksum_mismatch")
        if reader.received == 0:
            delete_stored([stored])
            stored = None
        else:
            upload.parts = [*upload.parts, [stored, reader.received]]
            upload.offset = offset + reader.received
        ResumableUpload.objects.filter(pk=upload.pk).update(
            parts=upload.parts, offset=upload.offset, busy_until=None
        )
    except BaseException:
        ResumableUpload.objects.filter(pk=upload.pk, offset=offset).update(busy_until=None)
        raise
    finally:
        del key
    return upload.offset


def terminate(upload: ResumableUpload) -> None:
    """Delete the upload's parts and its row (tus termination, expiry, after use)."""
    _delete_parts(upload)
    ResumableUpload.objects.filter(pk=upload.pk).delete()


def _delete_parts(upload: ResumableUpload) -> None:
    names = [name for name, _size in upload.parts]
    # A clean result no tip took (tips.cleaning), never a file a stored tip holds.
    names += not_in_tips(upload.clean_files)
    storage = tip_storage()
    folder = f"uploads/{upload.token}"
    try:  # also parts a crashed request saved but never recorded
        _dirs, files = storage.listdir(folder)
        names += [f"{folder}/{f}" for f in files if f"{folder}/{f}" not in names]
    except (FileNotFoundError, NotImplementedError, OSError):
        pass
    delete_stored(names)
    try:
        os.rmdir(storage.path(folder))
    except (NotImplementedError, OSError, AttributeError):
        pass


def purge_expired(now=None) -> int:
    """Delete every expired upload with its parts; the number deleted."""
    now = now or timezone.now()
    count = 0
    for upload in ResumableUpload.objects.filter(expires_at__lte=now):
        terminate(upload)
        count += 1
    return count
