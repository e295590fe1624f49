"""Reads of the follow-up conversation (decryption in memory only)."""

from __future__ import annotations

import logging

from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

from tips import crypto, sealing
from tips.models import CannedQuestion, Message, MessageDirection, Tip, TipStatus

logger = logging.getLogger(__name__)

#: Plain-words status shown to the tipster: (code, label, explanation).
RECEIVED = "received"
EXAMINED = "examined"
CLOSED = "closed"

_PLAIN = {
    RECEIVED: (
        _("Received"),
        _("Your tip has arrived safely. Investigators have not looked at it yet."),
    ),
    EXAMINED: (
        _("Being examined"),
        _("Investigators are looking at your tip. They may ask you questions here."),
    ),
    CLOSED: (
        _("Closed"),
        _("The investigators have finished with your tip. Thank you for your help."),
    ),
}


def plain_status(tip: Tip) -> dict:
    if tip.is_closed:
        code = CLOSED
    elif tip.status == TipStatus.NEW:
        code = RECEIVED
    else:
        code = EXAMINED
    label, explanation = _PLAIN[code]
    return {"code": code, "label": label, "explanation": explanation}


def messages_of(tip: Tip):
    return list(
        Message.objects.filter(tip=tip).select_related("author", "tip").order_by("created_at", "pk")
    )


def tipster_view(tip: Tip, private_key: bytes) -> list[dict]:
    """The tipster's copy of the conversation, opened with the receipt-derived key.

    Messages whose tipster copy was deleted are left out.
    """
    rows = []
    for message in messages_of(tip):
        if not message.tipster_ciphertext:
            continue
        try:
            document = sealing.open_message_for_tipster(message, tip, private_key)
        except sealing.MessageTampered:
            # The receipt was checked: its key is right, so the row was changed. The tipster
            # sees the other messages; the operator gets the alert.
            sealing.alert_tampered(message, tip)
            continue
        except crypto.CryptoError as exc:
            logger.warning("follow-up message %s did not open: %s", message.pk, type(exc).__name__)
            continue
        rows.append(
            {
                "message": message,
                "from_desk": message.direction == MessageDirection.TO_TIPSTER,
                "text": str(document.get("text") or ""),
                "photos": [str(a.get("name") or "") for a in document.get("attachments") or []],
            }
        )
    return rows


def desk_view(tip: Tip, desk_keys: dict[int, bytes] | None) -> list[dict]:
    """The desk copy of the conversation; ``text`` is None when locked or no key opens it."""
    key_ids = {}
    if desk_keys:
        key_ids = sealing.desk_key_ids(desk_keys)
    rows = []
    for message in messages_of(tip):
        document = (
            sealing.open_message_for_desk(message, tip, desk_keys, key_ids) if desk_keys else None
        )
        photos = []
        if document:
            for i, entry in enumerate(document.get("attachments") or []):
                photos.append(
                    {
                        "ordinal": i,
                        "name": str(entry.get("name") or ""),
                        "content_type": str(entry.get("content_type") or ""),
                        "size": entry.get("size"),
                    }
                )
        rows.append(
            {
                "message": message,
                "to_tipster": message.direction == MessageDirection.TO_TIPSTER,
                "text": None if document is None else str(document.get("text") or ""),
                "photos": photos,
                "tipster_deleted": message.tipster_ciphertext is None,
            }
        )
    return rows


def canned_questions_for(tip: Tip) -> list[dict]:
    """The desk's canned questions, each in the tip's submission language when translated
    (else in the default language): [{"id", "text", "language"}]."""
    canonical = list(CannedQuestion.objects.filter(desk=tip.desk, locale=Locale.get_default()))
    wanted = Locale.objects.filter(language_code=tip.language).first()
    translations = {}
    if wanted is not None:
        translations = {
            q.translation_key: q
            for q in CannedQuestion.objects.filter(
                translation_key__in=[c.translation_key for c in canonical], locale=wanted
            )
        }
    out = []
    for question in canonical:
        chosen = translations.get(question.translation_key, question)
        out.append(
            {
                "id": question.pk,
                "text": chosen.text,
                "translated": chosen.pk != question.pk or wanted == question.locale,
            }
        )
    return out


def canned_text(tip: Tip, canned_id) -> str | None:
    for question in canned_questions_for(tip):
        if str(question["id"]) == str(canned_id):
            return question["text"]
    return None
