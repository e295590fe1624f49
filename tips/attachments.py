"""Encrypted attachment storage in ``storages["tips"]`` (outside the public media root).

Each file gets its own random AES-256 key and is streamed through
:class:`tips.crypto.EncryptingReader` into storage under a random name, so neither the
plaintext nor its name ever reaches the storage. The key, name and content type go into
the sealed tip document only.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import BinaryIO

from django.contrib import messages
from django.core.files import File
from django.core.files.storage import storages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from mostwanted.storage import STORAGE_ERRORS

from . import crypto

logger = logging.getLogger(__name__)


#: Image types shown inline to investigators (sanitised re-encoded images only; anything
#: else downloads).
INLINE_IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp"}


def tip_storage():
    return storages["tips"]


@dataclass
class StagedAttachment:
    """An encrypted file already in storage, not yet linked to a tip."""

    storage_name: str
    key: bytes = field(repr=False)
    name: str = field(repr=False)
    content_type: str
    plaintext_size: int
    ciphertext_size: int

    def document_entry(self) -> dict:
        """What the sealed tip document records about this file."""
        return {
            "name": self.name,
            "content_type": self.content_type,
            "size": self.plaintext_size,
            "key": self.key.hex(),
            "storage_name": self.storage_name,
        }


def _random_name() -> str:
    token = secrets.token_hex(16)
    return f"{token[:2]}/{token}.bin"


def stage_attachment(
    plaintext: BinaryIO, *, name: str, content_type: str, reserve=None
) -> StagedAttachment:
    """Encrypt ``plaintext`` (streamed, read from its current position) into tip storage;
    ``reserve(storage name)`` is told the name before a byte is written."""
    key = crypto.new_attachment_key()
    reader = crypto.EncryptingReader(plaintext, key)
    storage = tip_storage()
    target = _random_name()  # not ``name``: that is the citizen's file name, kept sealed
    if reserve is not None:
        reserve(target)
    try:
        stored = storage.save(target, File(reader))
    except Exception:
        delete_stored([target])  # a failed write (a full disk) can leave a partial file behind
        raise
    try:
        size = storage.size(stored)
    except NotImplementedError:  # pragma: no cover - storages without size()
        size = crypto.encrypted_size(reader.plaintext_size)
    return StagedAttachment(
        storage_name=stored,
        key=key,
        name=name,
        content_type=content_type,
        plaintext_size=reader.plaintext_size,
        ciphertext_size=size,
    )


def delete_stored(storage_names: Iterable[str]) -> None:
    """Delete encrypted files, logging (by error class only) any that cannot be."""
    storage = tip_storage()
    for name in storage_names:
        try:
            storage.delete(name)
        except Exception as exc:  # noqa: BLE001 - best effort clean-up
            logger.warning("could not delete a staged attachment: %s", type(exc).__name__)


def not_in_tips(names) -> list:
    """``names`` less those a stored tip holds (an upload lists its clean files until the
    form that sent them deletes it: a worker killed in between left them listed)."""
    from .models import Attachment

    names = list(names or [])
    if not names:
        return names
    taken = set(
        Attachment.objects.filter(storage_name__in=names).values_list("storage_name", flat=True)
    )
    return [name for name in names if name not in taken] if taken else names


def discard_staged(staged: Iterable[StagedAttachment]) -> None:
    """Delete staged files that will not be attached to a tip."""
    delete_stored(s.storage_name for s in staged)


def open_attachment(attachment, document: dict) -> crypto.DecryptingReader:
    """A streaming plaintext reader for ``attachment`` (a tips.models.Attachment), given
    the opened tip ``document``. Close it when done. Raises DecryptionError on tampering."""
    entry = attachment_entry(attachment, document)
    return open_encrypted(attachment.storage_name, entry["key"])


def open_encrypted(storage_name: str, key_hex: str) -> crypto.DecryptingReader:
    """A streaming plaintext reader for the stored file ``storage_name``, with the key (hex)
    of its sealed-document entry. Close it when done. Raises DecryptionError on tampering,
    ValueError for a malformed key, the storage's errors when the store cannot be read."""
    fh = tip_storage().open(storage_name, "rb")
    try:
        return crypto.DecryptingReader(fh, bytes.fromhex(key_hex), close_source=True)
    except Exception:
        fh.close()
        raise


def attachment_entry(attachment, document: dict) -> dict:
    """The document's entry (name, content_type, size, key) for ``attachment``."""
    entries = document.get("attachments") or []
    try:
        entry = entries[attachment.ordinal]
    except IndexError:
        raise crypto.DecryptionError("attachment missing from the document") from None
    if entry.get("storage_name") != attachment.storage_name:
        raise crypto.DecryptionError("attachment does not match the document")
    return entry


def attachment_response(
    reader, *, content_type: str, filename: str, inline: bool, log_label: str, log=None
):
    """Stream a decrypted attachment to an investigator, 64 KiB at a time.

    ``inline`` shows it in the browser (only for safe image types), otherwise it is a
    download; either way the response is never cached, never sniffed and sandboxed. If
    decryption fails mid-stream, the stream stops and ``"<log_label>: <class>"`` is logged
    on ``log`` (exception class only); the reader is closed in every case.
    """
    response = StreamingHttpResponse(
        _stream(reader, log_label=log_label, log=log or logger), content_type=content_type
    )
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def storage_unavailable_response(request, *, back_url: str, inline: bool):
    """An investigator's answer when the encrypted store cannot be read (down, timing out).

    A download link leads back to the tip with the message on top; an inline image gets a
    503 text (shown instead of the picture) with ``Retry-After``. Nothing is changed.
    """
    text = _(
        "This attachment could not be fetched from storage right now. Nothing is lost: "
        "try again in a few minutes."
    )
    if not inline:
        messages.error(request, text)
        return redirect(back_url)
    response = HttpResponse(text, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = "60"
    response["Cache-Control"] = "no-store, private"
    return response


def _stream(reader, *, log_label: str, log, size=64 * 1024):
    try:
        while chunk := reader.read(size):
            yield chunk
    except (crypto.CryptoError, *STORAGE_ERRORS) as exc:
        log.warning("%s: %s", log_label, type(exc).__name__)
    finally:
        reader.close()
