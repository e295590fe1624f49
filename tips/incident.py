"""Incident media: turning complete uploads into sanitised, encrypted attachments of a tip.

Every file, whether it came through the resumable protocol (``tips.resumable``) or the
plain form (``tips.uploads``), is read once to hash the original as received (SHA-256,
sealed in the tip for the case file) and then cleaned in a sandbox: videos re-muxed
without metadata (``tips.video_sandbox``), photos re-encoded from pixels
(``tips.sandbox``). The tip is sealed only when every file is clean; a refused file refuses
the batch, with a message naming it, and nothing is kept.

Per file, the sealed document's attachment entry gains ``kind`` ("video" / "photo" /
"poster"), ``sha256``, ``size`` (of the original), and for videos ``duration``, ``width``,
``height``, ``codec``, ``poster`` (the ordinal of its poster frame). Only when the citizen
ticked "keep when and where", ``captured_at``, ``latitude`` and ``longitude`` (from the
original's tags): nowhere else, and the stored file never carries them.
"""

from __future__ import annotations

import hashlib
import io
import logging
import secrets
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from . import crypto, media_store, resumable, staged_outputs, upload_readers
from .attachments import StagedAttachment, discard_staged, stage_attachment
from .photo_meta import photo_when_where
from .sandbox import sanitize_in_sandbox
from .sanitize import ImageRejected
from .video_sandbox import VideoRejected, remux_in_sandbox

logger = logging.getLogger(__name__)

DEFAULT_MAX_FILES = 20


def open_incident(appeal_id: int):
    """The live incident appeal ``appeal_id`` if its intake window is open, else None."""
    from appeals.models import AppealPage

    page = AppealPage.objects.live().filter(pk=appeal_id).first()
    return page if page is not None and page.intake_open else None


def max_files(appeal) -> int:
    return int(getattr(appeal, "incident_max_files", None) or DEFAULT_MAX_FILES)


@dataclass
class StagedMedia(StagedAttachment):
    """A staged attachment with what the investigator is told about the original."""

    extra: dict = field(default_factory=dict, repr=False)
    #: Cleaned earlier, in the background (``tips.cleaning``): its file belongs to the
    #: upload until a tip takes it, so a refused form must not delete it.
    reused: bool = field(default=False, repr=False)

    def document_entry(self) -> dict:
        return {**super().document_entry(), **self.extra}


@dataclass
class Incoming:
    """One file to clean: ``open_sequential()`` / ``open_seekable()`` give its plaintext."""

    kind: str  # "video" | "photo"
    extension: str
    open_sequential: object
    open_seekable: object
    #: Already cleaned in the background: ``ready(number)`` gives its staged files.
    ready: object = None
    #: ``reserve(storage name)``, told each output's name before its first byte is written
    #: (an upload's: listed in its row, ``tips.cleaning_form``; a file sent in the form
    #: itself: a ``tips.staged_outputs`` row).
    reserve: object = None


def from_resumable(upload, secret: bytes) -> Incoming:
    if not upload.complete:
        raise resumable.UploadError(409, "incomplete")
    key = resumable.unwrap_file_key(upload, secret)
    return Incoming(
        upload.media_kind,
        upload.extension,
        lambda: upload_readers.PartsReader(upload, key),
        lambda: upload_readers.SeekablePartsReader(upload, key),
    )


def from_form_file(uploaded) -> Incoming:
    """A file sent in the form itself: its outputs are named in ``staged_outputs`` before
    their first byte (no upload row lists them)."""
    kind, ext = resumable.classify(uploaded.name or "")
    return Incoming(
        kind,
        ext,
        uploaded.open_plaintext,
        uploaded.open_plaintext,
        reserve=staged_outputs.Reservations(),
    )


def _hash(incoming: Incoming) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    reader = incoming.open_sequential()
    try:
        while data := reader.read(256 * 1024):
            digest.update(data)
            size += len(data)
    finally:
        reader.close()
    return digest.hexdigest(), size


def _staged_video(writer, key, *, name, content_type, size, extra) -> StagedMedia:
    stored = writer.finish()
    return StagedMedia(
        storage_name=stored,
        key=key,
        name=name,
        content_type=content_type,
        plaintext_size=size,
        ciphertext_size=writer.size,
        extra=extra,
    )


def _when_where(info: dict) -> dict:
    found = info.get("when_where") or {}
    return {k: found[k] for k in ("captured_at", "latitude", "longitude") if k in found}


def clean_one(
    incoming: Incoming, number: int, *, keep_when_where: bool, reserve=None
) -> list[StagedMedia]:
    """Hash, clean and stage one file: [video, its poster] or [photo]. Raises
    ``VideoRejected`` / ``ImageRejected``; the staged files are the caller's to discard.
    ``reserve(name)`` is told each output's storage name (video, poster, photo) before its
    first byte is written, so that a worker killed mid-way leaves no file nobody lists."""
    sha256, size = _hash(incoming)
    original = {"sha256": sha256, "original_size": size}
    if incoming.kind == "photo":
        reader = incoming.open_seekable()
        try:
            image = sanitize_in_sandbox(reader)
            if keep_when_where:
                reader.seek(0)
                original.update(_when_where({"when_where": photo_when_where(reader)}))
        finally:
            reader.close()
        staged = stage_attachment(
            io.BytesIO(image.data),
            name=f"photo-{number}.{image.extension}",
            content_type=image.content_type,
            reserve=reserve,
        )
        return [StagedMedia(**vars(staged), extra={"kind": "photo", **original})]
    # The clean output goes straight into the store as it comes out of the sandbox,
    # encrypted (a multipart upload on S3): no whole file in memory, no local spool.
    token = secrets.token_hex(16)
    if reserve is not None:
        reserve(f"{token[:2]}/{token}.bin")
    writer = media_store.open_writer(f"{token[:2]}/{token}.bin")
    reader = incoming.open_seekable()
    try:
        clean = remux_in_sandbox(
            reader, extension=incoming.extension, keep_when_where=keep_when_where, output=writer
        )
    except BaseException:
        writer.abort()
        raise
    finally:
        reader.close()
    info = clean.info
    extra = {
        "kind": "video",
        **original,
        "duration": info.get("duration"),
        "width": info.get("width"),
        "height": info.get("height"),
        "codec": info.get("codec"),
        "audio_codec": info.get("audio_codec"),
    }
    if keep_when_where:
        extra.update(_when_where(info))
    try:
        video = _staged_video(
            writer,
            clean.key,
            name=f"video-{number}.{clean.extension}",
            content_type=clean.content_type,
            size=clean.size,
            extra=extra,
        )
    except BaseException:
        writer.abort()
        raise
    result = [video]
    if clean.poster:
        try:
            poster = stage_attachment(
                io.BytesIO(clean.poster),
                name=f"video-{number}-poster.jpg",
                content_type="image/jpeg",
                reserve=reserve,
            )
        except BaseException:
            discard_staged(result)
            raise
        result.append(StagedMedia(**vars(poster), extra={"kind": "poster"}))
    return result


def refusal_message(number: int, code: str) -> str:
    messages = {
        "wrong_container": _(
            "File %(n)d is not the kind of file its name says. "
            "Send the file as your phone or camera recorded it."
        ),
        "unsupported_codec": _(
            "File %(n)d uses a video format we cannot keep without changing it. "
            "Send the file as your phone recorded it."
        ),
        "too_many_pixels": _("File %(n)d has dimensions we cannot accept."),
        "too_long": _("File %(n)d is longer than we can accept (6 hours)."),
        "too_complex": _("File %(n)d took too long to check. Try a shorter clip."),
        "processing_failed": _(
            "File %(n)d could not be checked right now. Please try again later."
        ),
        "unsupported_type": _(
            "File %(n)d is not a photo or video we accept "
            "(JPEG, PNG, WebP, HEIC; MP4, MOV, 3GP, WebM, MKV)."
        ),
        "incomplete": _("File %(n)d has not finished uploading. Wait until its bar is full."),
        "sending": _("File %(n)d is already being sent with this form. Wait for its answer."),
    }
    text = messages.get(code) or _("File %(n)d is damaged or is not a photo or video we accept.")
    return text % {"n": number}


@dataclass
class MediaBatch:
    staged: list = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def clean_all(incomings: list[Incoming], *, keep_when_where: bool) -> MediaBatch:
    """Clean every file; all or nothing (a refused file discards what was staged)."""
    staged, errors = [], []
    try:
        for number, incoming in enumerate(incomings, start=1):
            try:
                if incoming.ready is not None:
                    items = incoming.ready(number)
                else:
                    items = clean_one(
                        incoming, number, keep_when_where=keep_when_where, reserve=incoming.reserve
                    )
            except (VideoRejected, ImageRejected) as rejected:
                errors.append(refusal_message(number, rejected.code))
                _forget_reserved(incoming)
                continue
            except (crypto.CryptoError, resumable.UploadError) as exc:
                logger.warning("incident media: unreadable file (%s)", type(exc).__name__)
                errors.append(refusal_message(number, getattr(exc, "code", "corrupt")))
                _forget_reserved(incoming)
                continue
            # Posters follow their video: record the poster's ordinal in the video's entry.
            base = len(staged)
            if len(items) == 2:
                items[0].extra["poster"] = base + 1
            staged.extend(items)
    except BaseException:
        discard_fresh(staged)
        raise
    if errors:
        discard_fresh(staged)
        return MediaBatch(errors=errors)
    return MediaBatch(staged=staged)


def _forget_reserved(incoming: Incoming) -> None:
    """A refused file's outputs are gone: the rows naming them too (a form file's; an
    upload's list is its row's business, ``tips.cleaning_form``)."""
    release = getattr(incoming.reserve, "release", None)
    if release is not None:
        release()


def discard_fresh(staged) -> None:
    """Delete staged files, except those cleaned earlier that still belong to their upload
    (deleted with it when it expires, or taken by the tip when the form is sent again)."""
    fresh = [item for item in staged if not getattr(item, "reused", False)]
    discard_staged(fresh)
    staged_outputs.release(item.storage_name for item in fresh)


def release_uploads(uploads) -> None:
    """After the tip is stored: the encrypted parts of the originals are deleted."""
    for upload in uploads:
        try:
            resumable.terminate(upload)
        except Exception as exc:  # noqa: BLE001 - the expiry job deletes what remains
            logger.warning("incident media: could not delete an upload (%s)", type(exc).__name__)
