"""Withdrawal of resolved appeals (data minimisation).

An appeal whose status has been "arrested" or "identified" for ``APPEAL_WITHDRAW_DAYS`` (a
missing person "found" for ``APPEAL_FOUND_WITHDRAW_DAYS``, 7 by default) is unpublished in
every language, and its photos (originals and renditions) are deleted from
storage unless another live page still uses them.
"""

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.images import get_image_model

from .choices import RESOLVED_STATUSES, Status
from .models import AppealPage, AppealPhoto, found_withdraw_delay, withdraw_delay

logger = logging.getLogger(__name__)


@dataclass
class WithdrawReport:
    pages: list[int] = field(default_factory=list)
    images: list[int] = field(default_factory=list)


def due_for_withdrawal(today=None):
    today = today or timezone.localdate()
    others = [s for s in RESOLVED_STATUSES if s != Status.FOUND]
    return AppealPage.objects.live().filter(
        Q(status__in=others, status_changed_on__lte=today - withdraw_delay())
        | Q(status=Status.FOUND, status_changed_on__lte=today - found_withdraw_delay())
    )


def withdraw_resolved(today=None, dry_run=False) -> WithdrawReport:
    report = WithdrawReport()
    keys = set(due_for_withdrawal(today).values_list("translation_key", flat=True))
    if not keys:
        return report
    pages = list(AppealPage.objects.filter(translation_key__in=keys))
    page_ids = [p.pk for p in pages]
    image_ids = set(
        AppealPhoto.objects.filter(page_id__in=page_ids).values_list("image_id", flat=True)
    )
    still_used = set(
        AppealPhoto.objects.filter(image_id__in=image_ids)
        .exclude(page_id__in=page_ids)
        .values_list("image_id", flat=True)
    )
    image_ids -= still_used
    report.pages = [p.pk for p in pages if p.live]
    report.images = sorted(image_ids)
    if dry_run:
        return report

    with transaction.atomic():
        for page in pages:
            if page.live:
                page.unpublish(log_action="wagtail.unpublish")
        AppealPhoto.objects.filter(page_id__in=page_ids).delete()
        # Deleting an image deletes its renditions; Wagtail removes both files from storage
        # once the transaction commits.
        for image in get_image_model().objects.filter(pk__in=image_ids):
            image.delete()
    logger.info("withdrew %d pages and %d images", len(report.pages), len(report.images))
    return report
