"""Reads of the tip line."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model

from appeals.choices import Status
from appeals.models import Desk

from . import receipts
from .models import DeskKey, Tip, TipLineSettings


def _active_key(desk) -> DeskKey | None:
    return DeskKey.objects.filter(desk=desk, active=True).select_related("desk").first()


def default_desk():
    """The desk (default-locale row) that receives general tips, or None if none is set.

    ``TIP_DEFAULT_DESK_ID`` (deployment) wins over the supervisors' "Tip line" setting.
    """

    configured = settings.TIP_DEFAULT_DESK_ID
    if configured:
        desk = Desk.objects.filter(pk=configured).first()
    else:
        desk = TipLineSettings.load().default_desk
    return desk.canonical() if desk is not None else None


def _is_resolved(page) -> bool:
    return getattr(page, "status", Status.ACTIVE) != Status.ACTIVE


def receiving_desk(appeal=None):
    """The desk (default-locale row) that must receive a tip about ``appeal`` (a Page or None).

    An active appeal's own desk; the default desk for a general tip, a resolved appeal or an
    appeal without a desk. Never another desk: whether it can read the tip is checked by
    :func:`desk_key_for_appeal`, and if it cannot, the tip is refused, not rerouted.
    """
    if appeal is not None:
        page = getattr(appeal, "specific", appeal)
        desk = getattr(page, "desk", None)
        if desk is not None and not _is_resolved(page):
            return desk.canonical()
    return default_desk()


def readers(desk_key: DeskKey):
    """Active users who are active members of the key's desk and hold a wrap of that key."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            desk_key_wraps__desk_key=desk_key,
            desk_memberships__desk_id=desk_key.desk_id,
            desk_memberships__is_active=True,
        )
        .distinct()
    )


def desk_key_for_appeal(appeal=None) -> DeskKey | None:
    """The active key (its ``.desk`` selected) of the desk that receives a tip about
    ``appeal`` (:func:`receiving_desk`), or None when that desk is missing, has no active
    key, or has no member able to read it. There is no fallback to another desk.

    ``tips.services.tip_submit(desk_key=...)`` takes it, so the key is looked up once per tip.
    """
    desk = receiving_desk(appeal)
    if desk is None:
        return None
    key = _active_key(desk)
    if key is None or not readers(key).exists():
        return None
    return key


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


def desk_members(desk):
    """Active users of ``desk`` (for notifications)."""
    return get_user_model().objects.filter(
        is_active=True, desk_memberships__desk=desk, desk_memberships__is_active=True
    )
