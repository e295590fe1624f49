"""Writes of the tip line: submitting a tip, exporting it for recovery.

The tip document (JSON) is built in memory and sealed by :mod:`tips.sealing`; only the
envelope is stored.
``questions`` (the appeal's own questions, as asked, with the answers: ``tips.questions``)
is absent from tips sent before it existed.

Document schema 1::

    {"schema": 1, "reference": "T-7K3Q9D", "received_at": "2025-01-01T10:32:00+00:00",
     "language": "fr", "urgent": false,
     "appeal": {"id": 12, "title": "..."} | null,
     "fields": {"<field name>": "<text>", ...},
     "contact": {"<field name>": "<text>", ...} | null,
     "questions": [{"id", "type", "label", "help", "choices", "answer", "value"}, ...],
     "attachments": [{"name", "content_type", "size", "key" (hex), "storage_name"}, ...]}
"""

from __future__ import annotations

import io
import json
import logging
import secrets
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import BinaryIO

from django.db import DatabaseError, transaction
from django.utils import timezone

from . import crypto, keys, receipts, sealing, selectors, trust
from .attachments import StagedAttachment, discard_staged, tip_storage
from .models import Attachment, Tip, TipPriority
from .tasks import notify_desk_new_tip

logger = logging.getLogger(__name__)

# Opening a tip is sealing's job; these names stay here for the callers that read a tip.
TipNotReadable = sealing.TipNotReadable
tip_open = sealing.open_tip_document
tip_open_with_recovery = sealing.open_tip_document_with_recovery

DOCUMENT_SCHEMA = 1
RECOVERY_EXPORT_FORMAT = "mostwanted-tip-export"
RECOVERY_EXPORT_VERSION = 1
# Crockford's base32 without I, L, O, U: unambiguous when read aloud or copied.
_REF_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class CommitOutcomeUnknown(DatabaseError):
    """The connection broke during the COMMIT of a tip: it may be stored. Its staged files
    are kept; the citizen is told to try again (a duplicate is better than a lost photo)."""


class TipLineNotReady(Exception):
    """No desk to route to, the desk has no key or no member holding it, or there is no
    recovery key. Never a reason to send the tip to another desk."""


@dataclass(frozen=True)
class SubmittedTip:
    tip: Tip
    reference: str
    #: Display form of the receipt: show it once, never store or log it.
    receipt: str = field(repr=False)


def new_reference() -> str:
    """A short unique human code such as ``T-7K3Q9D`` (30 bits, checked for collisions)."""
    while True:
        ref = "T-" + "".join(secrets.choice(_REF_ALPHABET) for _ in range(6))
        if not Tip.objects.filter(reference=ref).exists():
            return ref


def _appeal_entry(appeal) -> dict | None:
    if appeal is None:
        return None
    return {"id": appeal.pk, "title": str(getattr(appeal, "title", ""))}


def tip_submit(
    *,
    desk_key,
    appeal=None,
    fields: Mapping[str, str],
    attachments: Sequence[StagedAttachment] = (),
    urgent: bool = False,
    language: str,
    contact: Mapping[str, str] | None = None,
    questions: Sequence[Mapping] = (),
) -> SubmittedTip:
    """Seal and store a tip, in one transaction; queue the desk notification after commit.

    ``fields`` are the free-text answers (all sealed), ``contact`` the optional contact
    details (sealed too; they may also simply be part of ``fields``), ``questions`` the
    appeal's questions as asked with their answers (sealed). ``attachments`` were
    staged (encrypted into storage) by the caller; on any failure they are deleted and the
    exception re-raised, so nothing is left behind.

    ``desk_key``: the receiving desk's active key, its ``.desk`` selected
    (``selectors.desk_key_for_appeal``, or ``keys.active_desk_key(desk)`` for a given
    desk); the tip goes to that desk, so the desk is decided once, with its key. None
    (no desk, or a desk without a key) refuses the tip.

    Raises :class:`TipLineNotReady` if there is no desk key, no active member holding that
    key, or no recovery key.
    """
    committed = commit_sent = False
    try:
        if desk_key is not None and not desk_key.active:  # replaced since it was selected
            desk_key = keys.active_desk_key(desk_key.desk)
        recovery = keys.active_recovery_key()
        if desk_key is None or recovery is None:
            raise TipLineNotReady("desk key or recovery key missing")
        _check_trust_anchors(desk_key, recovery)
        if not selectors.readers(desk_key).exists():
            # A tip nobody can open is a lost tip: refuse it (the form keeps the text).
            raise TipLineNotReady("no member of the desk holds its key")
        desk = desk_key.desk  # the desk's canonical row (selected with the key: no query)

        received_at = timezone.now().replace(second=0, microsecond=0)
        reference = new_reference()
        receipt = receipts.new_receipt()
        receipt_salt = secrets.token_bytes(16)
        receipt_pair = receipts.receipt_keypair(receipt, receipt_salt)
        receipt_digest = receipts.receipt_digest(receipt)
        document = {
            "schema": DOCUMENT_SCHEMA,
            "reference": reference,
            "received_at": received_at.isoformat(),
            "language": language,
            "urgent": bool(urgent),
            "appeal": _appeal_entry(appeal),
            "fields": {str(k): str(v) for k, v in fields.items()},
            "contact": {str(k): str(v) for k, v in contact.items()} if contact else None,
            "attachments": [a.document_entry() for a in attachments],
            "questions": [dict(item) for item in questions],
        }
        envelope = sealing.seal_tip_document(
            document, reference=reference, desk_key=desk_key, recovery=recovery
        )
        del document

        with transaction.atomic():
            tip = Tip.objects.create(
                reference=reference,
                desk=desk,
                appeal=appeal,
                desk_key=desk_key,
                recovery_key=recovery,
                suite=desk_key.suite,
                ciphertext=envelope,
                received_at=received_at,
                priority=TipPriority.URGENT if urgent else TipPriority.NORMAL,
                language=language[:10],
                document_size=len(envelope),
                attachments_size=sum(a.ciphertext_size for a in attachments),
                # The files the citizen sent: a video's poster frame is not one of them.
                attachment_count=sum(
                    getattr(a, "extra", {}).get("kind") != "poster" for a in attachments
                ),
                receipt_digest=receipt_digest,
                receipt_salt=receipt_salt,
                receipt_public_key=receipt_pair.public_key,
                receipt_suite=receipt_pair.suite,
            )
            Attachment.objects.bulk_create(
                Attachment(
                    tip=tip,
                    storage_name=a.storage_name,
                    ciphertext_size=a.ciphertext_size,
                    ordinal=i,
                )
                for i, a in enumerate(attachments)
            )
            transaction.on_commit(lambda: _queue_notification(tip.pk, urgent), robust=True)
            commit_sent = True  # from here only the COMMIT itself can fail
        committed = True
        return SubmittedTip(tip=tip, reference=reference, receipt=receipt)
    except DatabaseError as exc:
        if commit_sent and not committed:
            # The database may have committed before the connection broke: the files stay
            # (at worst an orphan of ciphertext), never a stored tip without its photos.
            raise CommitOutcomeUnknown(str(exc)) from exc
        discard_staged(attachments)
        raise
    except BaseException:
        if not committed:
            discard_staged(attachments)
        raise


def _check_trust_anchors(desk_key, recovery) -> None:
    """The desk key and the active recovery key, both checked against the trust anchors
    (tips.trust): a key inserted or swapped in the database refuses the tip, never seals it."""
    try:
        # The tipster's receipt key pair is made with the default suite: in production no
        # silent X25519 fallback when this build of cryptography lacks ML-KEM.
        trust.check_new_key_suite(crypto.DEFAULT_SUITE)
        trust.check_recovery_key(recovery)
        if desk_key.recovery_key_id != recovery.pk:
            trust.check_recovery_key(desk_key.recovery_key)
        trust.check_desk_key(desk_key)
    except trust.TrustError as exc:
        raise TipLineNotReady(str(exc)) from None


def _queue_notification(tip_id: int, urgent: bool) -> None:
    task = notify_desk_new_tip.using(priority=50) if urgent else notify_desk_new_tip
    task.enqueue(tip_id)


# --------------------------------------------------------------------------- export
#
# Recovery export (ZIP, stored uncompressed: everything in it is ciphertext):
#   manifest.json  {"format": "mostwanted-tip-export", "version": 1, "reference",
#                   "context", "received_at", "status", "priority", "language",
#                   "suite", "recovery_key_id",
#                   "attachments": [{"ordinal", "file", "storage_name", "ciphertext_size"}]}
#   envelope.bin   the tip envelope (tips.sealing.seal_tip_document)
#   attachments/<ordinal>.bin   the encrypted attachment streams, as stored
# Opened offline by ``manage.py decrypt_export`` with the recovery key file.


def write_recovery_export(tip: Tip, out: BinaryIO) -> None:
    """Write the recovery export of ``tip`` to ``out`` (attachments streamed)."""
    atts = list(tip.attachments.order_by("ordinal"))
    manifest = {
        "format": RECOVERY_EXPORT_FORMAT,
        "version": RECOVERY_EXPORT_VERSION,
        "reference": tip.reference,
        "context": sealing.tip_context(tip).decode(),
        "received_at": tip.received_at.isoformat(),
        "status": tip.status,
        "priority": tip.priority,
        "language": tip.language,
        "suite": tip.suite,
        "recovery_key_id": tip.recovery_key.key_id,
        "attachments": [
            {
                "ordinal": a.ordinal,
                "file": f"attachments/{a.ordinal}.bin",
                "storage_name": a.storage_name,
                "ciphertext_size": a.ciphertext_size,
            }
            for a in atts
        ],
    }
    storage = tip_storage()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest, indent=2))
        zf.writestr("envelope.bin", bytes(tip.ciphertext))
        for a in atts:
            with (
                storage.open(a.storage_name, "rb") as src,
                zf.open(f"attachments/{a.ordinal}.bin", "w", force_zip64=True) as dst,
            ):
                while chunk := src.read(256 * 1024):
                    dst.write(chunk)


def export_tip_for_recovery(tip: Tip) -> bytes:
    """The recovery export of ``tip`` as bytes (ciphertext only; see write_recovery_export)."""
    buf = io.BytesIO()
    write_recovery_export(tip, buf)
    return buf.getvalue()
