"""Tips → Enrolment codes: a supervisor issues the one-time code a staff account needs for
its first second factor. The code is shown once, on the answer to the POST, and
only its HMAC is stored (tips.enrolment.issue_code); every issue is in the tip audit."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from tips import audit, enrolment
from tips.models import EnrolmentCode
from tips.permissions import tip_policy


def _render(request, context):
    response = TemplateResponse(
        request,
        "tips/admin/enrolment_codes.html",
        {"page_title": _("Enrolment codes"), **context},
    )
    response["Cache-Control"] = "no-store"  # the code is shown once: never from a cache
    return response


@never_cache
def enrolment_codes(request):
    """GET: the staff accounts without a second factor. POST ``user``: a new code for one
    of them (never for oneself: a verified supervisor has no use for one)."""
    user = request.user
    if not tip_policy.is_supervisor(user):
        raise PermissionDenied
    waiting = enrolment.staff_awaiting_enrolment(exclude=user)
    issued = None
    if request.method == "POST":
        member = get_object_or_404(waiting, pk=request.POST.get("user"))
        code = enrolment.issue_code(member, issued_by=user)
        audit.record(member, "tips.enrolment_code", user=user)
        issued = {"user": member, "code": code}

    pending = dict(
        EnrolmentCode.objects.filter(user__in=waiting).values_list("user_id", "expires_at")
    )
    return _render(
        request,
        {
            "accounts": [{"user": u, "pending_until": pending.get(u.pk)} for u in waiting],
            "issued": issued,
            "hours": int(enrolment.code_lifetime().total_seconds() // 3600),
        },
    )


urlpatterns = [
    path("members/enrolment-codes/", enrolment_codes, name="enrolment_codes"),
]
