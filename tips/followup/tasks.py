"""Background task: tell the assignee (or, if none, the desk) that the tipster answered.

The payload is a tip id; the e-mail carries the reference and a link, never content.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from tips.models import Tip
from tips.selectors import desk_members
from tips.tasks import tip_admin_url


@task()
def notify_new_answer(tip_id: int) -> int:
    tip = Tip.objects.filter(pk=tip_id).select_related("desk", "assignee").first()
    if tip is None:
        return 0
    if tip.assignee is not None and tip.assignee.is_active:
        recipients = [tip.assignee.email] if tip.assignee.email else []
    else:
        recipients = [u.email for u in desk_members(tip.desk) if u.email]
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("New answer from the tipster on %(reference)s") % {"reference": tip.reference}
        body = _(
            "The tipster has answered on tip %(reference)s.\n\n"
            "Read it in the vault: %(url)s\n\n"
            "This e-mail never contains the content of a tip or an answer."
        ) % {"reference": tip.reference, "url": tip_admin_url(tip)}
    messages = [(subject, body, None, [address]) for address in recipients]
    return send_mass_mail(messages, fail_silently=False) if messages else 0
