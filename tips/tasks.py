"""Background tasks of the tip line (django-tasks).

Task payloads carry database ids only, never tip content.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

logger = logging.getLogger(__name__)

#: URL names tried for the admin link, in order (the triage queue's detail view first).
ADMIN_URL_NAMES = ("tips_admin:detail", "tips_tip:inspect", "tips_tip:edit")


def tip_admin_url(tip) -> str:
    """Absolute admin URL of ``tip`` (the queue's detail view, else the admin home)."""
    path = None
    for name in getattr(settings, "TIP_ADMIN_URL_NAMES", ADMIN_URL_NAMES):
        try:
            path = reverse(name, args=[tip.pk])
            break
        except NoReverseMatch:
            continue
    if path is None:
        path = reverse("wagtailadmin_home")
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


@task()
def notify_desk_new_tip(tip_id: int) -> int:
    """E-mail the desk's active members that a tip arrived: reference, priority and an
    admin link only, never content. Idempotent: ``Tip.notified_at`` is set in the same
    transaction, so a repeated task sends nothing; if sending fails the transaction is
    rolled back and a retry sends. Returns the number of e-mails sent.
    """
    from .models import Tip
    from .selectors import desk_members

    with transaction.atomic():
        tip = (
            Tip.objects.select_for_update()
            .filter(pk=tip_id, notified_at__isnull=True)
            .select_related("desk")
            .first()
        )
        if tip is None:
            return 0
        recipients = [u.email for u in desk_members(tip.desk) if u.email]
        with translation.override(settings.LANGUAGE_CODE):
            priority = str(tip.get_priority_display())
            subject = _("New tip %(reference)s (%(priority)s)") % {
                "reference": tip.reference,
                "priority": priority,
            }
            body = _(
                "A new tip has arrived for the desk %(desk)s.\n\n"
                "Reference: %(reference)s\nPriority: %(priority)s\n\n"
                "Read it in the vault: %(url)s\n\n"
                "This e-mail never contains the content of a tip."
            ) % {
                "desk": tip.desk.name,
                "reference": tip.reference,
                "priority": priority,
                "url": tip_admin_url(tip),
            }
        messages = [(subject, body, None, [address]) for address in recipients]
        sent = send_mass_mail(messages, fail_silently=False) if messages else 0
        tip.notified_at = timezone.now()
        tip.save(update_fields=["notified_at"])
    return sent
