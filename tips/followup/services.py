"""Writes of the follow-up conversation (keyword-only, one transaction each).

* :func:`conversation_open` - a receipt -> the tip and the derived private key, or None.
* :func:`question_send` - an investigator asks the tipster a question.
* :func:`answer_submit` - the tipster answers (text and sanitised, staged photos).
* :func:`conversation_delete_by_tipster` - the tipster deletes their copy.
* :func:`mark_read_by_tipster` / :func:`mark_read_by_desk` - read markers.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tips import audit, crypto, receipts, sealing
from tips.attachments import StagedAttachment, discard_staged
from tips.models import (
    Conversation,
    Message,
    MessageAttachment,
    MessageDirection,
    Tip,
)
from tips.permissions import tip_policy
from tips.selectors import tip_for_receipt

from .tasks import notify_new_answer

logger = logging.getLogger(__name__)

QUESTION_MAX_CHARS = 5_000
ANSWER_MAX_CHARS = 20_000
_DUMMY_RECEIPT = "0" * receipts.DIGITS
_DUMMY_SALT = b"\x00" * 16


class ConversationEnded(Exception):
    """The tip is closed (or gone): no more messages either way."""


@dataclass(frozen=True)
class OpenedConversation:
    tip: Tip
    suite: str
    private_key: bytes = field(repr=False)


def _now_minute():
    return timezone.now().replace(second=0, microsecond=0)


def conversation_open(*, receipt: str) -> OpenedConversation | None:
    """The tip of ``receipt`` and the receipt-derived private key, or None.

    Same work whatever the input: one Argon2id lookup digest (the selector spends it even on
    malformed text) and one Argon2id key derivation (against a dummy salt when no tip
    matches). The derived public key must equal the stored one (constant-time comparison).
    """
    tip = tip_for_receipt(receipt)
    if tip is None:
        receipts.receipt_keypair(_DUMMY_RECEIPT, _DUMMY_SALT)
        return None
    try:
        pair = receipts.receipt_keypair(receipt, bytes(tip.receipt_salt), tip.receipt_suite)
    except (receipts.InvalidReceipt, crypto.CryptoError) as exc:
        logger.warning("follow-up: receipt key derivation failed (%s)", type(exc).__name__)
        return None
    if not hmac.compare_digest(pair.public_key, bytes(tip.receipt_public_key)):
        return None
    return OpenedConversation(tip=tip, suite=pair.suite, private_key=pair.private_key)


def _conversation(tip: Tip) -> Conversation:
    conv, _created = Conversation.objects.get_or_create(tip=tip)
    return conv


def first_return(tip: Tip) -> bool:
    """Record the tipster's return; True the first time (the receipt is then shown again)."""
    with transaction.atomic():
        conv = Conversation.objects.select_for_update().filter(tip=tip).first()
        if conv is None:
            conv = Conversation.objects.create(tip=tip, first_return_at=_now_minute())
            return True
        if conv.first_return_at is None:
            conv.first_return_at = _now_minute()
            conv.save(update_fields=["first_return_at"])
            return True
    return False


@transaction.atomic
def question_send(*, tip: Tip, actor, text: str) -> Message:
    """Seal a question to the tipster's receipt key (and a copy to the desk); store only that.

    The server cannot read the tipster copy back: only the receipt re-derives its key.
    """
    if not tip_policy.can_change(actor, tip):
        raise PermissionDenied
    tip = Tip.objects.select_for_update().get(pk=tip.pk)
    if tip.is_closed:
        raise ValidationError(_("This tip is closed: the conversation has ended."), code="closed")
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("The question is empty."), code="empty")
    if len(text) > QUESTION_MAX_CHARS:
        raise ValidationError(_("The question is too long."), code="long")
    nonce = secrets.token_hex(16)
    document = {"text": text}
    bound = {"direction": MessageDirection.TO_TIPSTER, "author_id": actor.pk}
    desk_copy, suite = sealing.seal_message_for_desk(tip, nonce, document, **bound)
    message = Message.objects.create(
        tip=tip,
        direction=MessageDirection.TO_TIPSTER,
        author=actor,
        tipster_ciphertext=sealing.seal_message_for_tipster(tip, nonce, document, **bound),
        desk_ciphertext=desk_copy,
        suite=suite,
        nonce=nonce,
        created_at=_now_minute(),
        read_by_desk=True,
    )
    _conversation(tip)
    audit.record(tip, "tips.followup.question", user=actor, data={"message": message.pk})
    return message


def answer_submit(
    *, tip_id: int, text: str, attachments: Sequence[StagedAttachment] = ()
) -> Message:
    """Store the tipster's answer sealed to the desk (and their own copy to the receipt key).

    Marks the tip unread and queues the assignee's notification after commit. On any failure
    the staged photos are deleted and the exception re-raised. Raises
    :class:`ConversationEnded` if the tip is closed or gone, ValidationError if empty.
    """
    committed = False
    try:
        text = (text or "").strip()
        if not text and not attachments:
            raise ValidationError(_("Write an answer or attach a photo."), code="empty")
        if len(text) > ANSWER_MAX_CHARS:
            raise ValidationError(_("The answer is too long."), code="long")
        with transaction.atomic():
            tip = Tip.objects.select_for_update().select_related("desk").filter(pk=tip_id).first()
            if tip is None or tip.is_closed:
                raise ConversationEnded
            nonce = secrets.token_hex(16)
            bound = {"direction": MessageDirection.FROM_TIPSTER, "author_id": None}
            desk_copy, suite = sealing.seal_message_for_desk(
                tip,
                nonce,
                {"text": text, "attachments": [a.document_entry() for a in attachments]},
                **bound,
            )
            tipster_copy = sealing.seal_message_for_tipster(
                tip,
                nonce,
                {"text": text, "attachments": [{"name": a.name} for a in attachments]},
                **bound,
            )
            message = Message.objects.create(
                tip=tip,
                direction=MessageDirection.FROM_TIPSTER,
                tipster_ciphertext=tipster_copy,
                desk_ciphertext=desk_copy,
                suite=suite,
                nonce=nonce,
                created_at=_now_minute(),
            )
            MessageAttachment.objects.bulk_create(
                MessageAttachment(
                    message=message,
                    storage_name=a.storage_name,
                    ciphertext_size=a.ciphertext_size,
                    ordinal=i,
                )
                for i, a in enumerate(attachments)
            )
            if not tip.unread:
                tip.unread = True
                tip.save(update_fields=["unread"])
            _conversation(tip)
            audit.record(
                tip,
                "tips.followup.answer",
                data={"message": message.pk, "photos": len(attachments)},
            )
            transaction.on_commit(lambda: _queue_notification(tip.pk), robust=True)
        committed = True
        return message
    finally:
        if not committed:
            discard_staged(attachments)


def _queue_notification(tip_id: int) -> None:
    notify_new_answer.enqueue(tip_id)


@transaction.atomic
def mark_read_by_tipster(*, tip: Tip, messages) -> int:
    """Set the read marker of the questions the tipster has just been shown."""
    ids = [
        m.pk
        for m in messages
        if m.direction == MessageDirection.TO_TIPSTER and m.read_by_tipster_at is None
    ]
    if not ids:
        return 0
    now = _now_minute()
    count = Message.objects.filter(pk__in=ids, read_by_tipster_at__isnull=True).update(
        read_by_tipster_at=now
    )
    for m in messages:
        if m.pk in ids:
            m.read_by_tipster_at = now
    audit.record(tip, "tips.followup.tipster_read", data={"messages": ids})
    return count


def mark_read_by_desk(*, tip: Tip, actor, messages) -> int:
    ids = [
        m.pk
        for m in messages
        if m.direction == MessageDirection.FROM_TIPSTER and not m.read_by_desk
    ]
    if ids:
        Message.objects.filter(pk__in=ids).update(read_by_desk=True)
    return len(ids)


@transaction.atomic
def conversation_delete_by_tipster(*, tip_id: int) -> int:
    """Delete the tipster's copy of every message of the tip (the desk keeps its record).

    Returns how many copies were deleted.
    """
    tip = Tip.objects.filter(pk=tip_id).first()
    if tip is None:
        return 0
    count = Message.objects.filter(tip=tip, tipster_ciphertext__isnull=False).update(
        tipster_ciphertext=None
    )
    conv = _conversation(tip)
    conv.tipster_cleared_at = _now_minute()
    conv.save(update_fields=["tipster_cleared_at"])
    audit.record(tip, "tips.followup.tipster_deleted", data={"messages": count})
    return count
