"""Reads of the tip line."""

from __future__ import annotations

from django.conf import settings

from . import receipts
from .models import DeskKey, DeskMembership, Tip


def _active_key(desk) -> DeskKey | None:
    return DeskKey.objects.filter(desk=desk, active=True).select_related("desk").first()


def desk_key_for_appeal(appeal=None) -> DeskKey | None:
    """The active key (its ``.desk`` selected) of the desk that receives a tip about
    ``appeal``: see :func:`desk_for_appeal`. None if no desk can receive tips at all.

    ``tips.services.tip_submit(desk_key=...)`` takes it, so the key is looked up once per tip.
    """
    from appeals.models import Desk

    if appeal is not None:
        page = getattr(appeal, "specific", appeal)
        desk = getattr(page, "desk", None)
        if desk is not None:
            key = _active_key(desk.canonical())
            if key is not None:
                return key
    default_id = getattr(settings, "TIP_DEFAULT_DESK_ID", None)
    if default_id:
        desk = Desk.objects.filter(pk=default_id).first()
        if desk is not None:
            key = _active_key(desk.canonical())
            if key is not None:
                return key
    key = DeskKey.objects.filter(active=True).select_related("desk").order_by("created_at", "pk")
    return key.first()


def desk_for_appeal(appeal=None):
    """The desk (default-locale row) that receives a tip about ``appeal`` (a Page or None).

    The appeal's own desk when it has one with an active key; otherwise the default desk
    (``TIP_DEFAULT_DESK_ID``, or the first desk with an active key), so a tip is never
    refused because one desk is not set up. None if no desk can receive tips at all.
    """
    key = desk_key_for_appeal(appeal)
    return key.desk if key is not None else None


def tip_line_ready() -> bool:
    """Whether a general tip can be received now (a desk with a key, a recovery key)."""
    from .keys import active_recovery_key

    return desk_for_appeal(None) is not None and active_recovery_key() is not None


def tip_for_receipt(receipt: str) -> Tip | None:
    """The tip a receipt belongs to, or None (also for text that is not a receipt).

    The digest is always computed (same cost for a wrong receipt); comparison happens in
    the database through the unique index on the digest.
    """
    try:
        digest = receipts.receipt_digest(receipt)
    except receipts.InvalidReceipt:
        # Spend the same Argon2id time on malformed input.
        receipts.receipt_digest("0" * receipts.DIGITS)
        return None
    return Tip.objects.filter(receipt_digest=digest).first()


def desk_ids_of_user(user) -> list[int]:
    """Desks ``user`` is an active member of."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return list(
        DeskMembership.objects.filter(user=user, is_active=True).values_list("desk_id", flat=True)
    )


def desk_members(desk):
    """Active users of ``desk`` (for notifications)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(
        is_active=True, desk_memberships__desk=desk, desk_memberships__is_active=True
    )
