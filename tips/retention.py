"""Retention: closed tips are purged after ``TIP_RETENTION_DAYS`` (365), spam after
``TIP_SPAM_RETENTION_DAYS`` (30). A purge deletes the ciphertext rows (tip, attachments,
notes, history, reader copies) and the encrypted attachment files. Each purge is audited
with the reference only. Run by ``manage.py purge_tips`` (schedule it daily) or by a
supervisor from the admin.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils import timezone

from tips import audit
from tips.attachments import delete_stored
from tips.models import MessageAttachment, Tip
from tips.status import CLOSED_STATUSES, TipStatus

logger = logging.getLogger(__name__)


def retention_days() -> int:
    return int(settings.TIP_RETENTION_DAYS)


def spam_retention_days() -> int:
    return int(settings.TIP_SPAM_RETENTION_DAYS)


def expired_tips(now: dt.datetime | None = None):
    """Tips past their retention period."""
    now = now or timezone.now()
    spam_cutoff = now - dt.timedelta(days=spam_retention_days())
    closed_cutoff = now - dt.timedelta(days=retention_days())
    spam = Tip.objects.filter(status=TipStatus.CLOSED_SPAM, closed_at__lt=spam_cutoff)
    closed = Tip.objects.filter(
        status__in=[s for s in CLOSED_STATUSES if s != TipStatus.CLOSED_SPAM],
        closed_at__lt=closed_cutoff,
    )
    return spam | closed


def purge_tip(tip: Tip, *, actor=None, reason: str = "retention") -> None:
    """Delete one tip's rows and encrypted files; audit it (reference only)."""
    with transaction.atomic():
        tip = Tip.objects.select_for_update().get(pk=tip.pk)
        names = list(tip.attachments.values_list("storage_name", flat=True))
        audit.record(tip, "tips.purge", user=actor, data={"reason": reason, "status": tip.status})
        tip.delete()
        transaction.on_commit(lambda: delete_stored(names))


def purge_expired(*, now: dt.datetime | None = None, actor=None, dry_run: bool = False) -> int:
    """Purge every expired tip; returns how many."""
    count = 0
    for tip in expired_tips(now).only("pk", "reference", "status").iterator():
        if not dry_run:
            try:
                purge_tip(tip, actor=actor)
            except Tip.DoesNotExist:
                continue
        count += 1
    return count


@receiver(pre_delete, sender=Tip)
def _delete_message_files_with_tip(sender, instance, **kwargs):
    """A purged tip takes its answers' encrypted photos with it (after commit); connected
    when the app is ready (``tips.apps``)."""
    names = list(
        MessageAttachment.objects.filter(message__tip=instance).values_list(
            "storage_name", flat=True
        )
    )
    if names:
        transaction.on_commit(lambda: delete_stored(names))
