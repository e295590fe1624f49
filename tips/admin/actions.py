"""The investigators' actions on a tip and in bulk: thin views over :mod:`tips.triage`."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tips import triage, vault
from tips.admin import content
from tips.admin.detail import visible_tip_or_404
from tips.models import (
    Tip,
    TipStatus,
)
from tips.permissions import tip_policy

logger = logging.getLogger(__name__)


@require_POST
def tip_action(request, pk):
    tip = visible_tip_or_404(request, pk)
    user = request.user
    action = request.POST.get("action", "")
    back = reverse("tips_admin:detail", args=[tip.pk])
    try:
        if action == "status":
            original = None
            if request.POST.get("status") == TipStatus.CLOSED_DUPLICATE:
                ref = (request.POST.get("duplicate_of") or "").strip()
                original = Tip.objects.filter(reference__iexact=ref).first() if ref else None
            triage.tip_set_status(
                tip=tip, actor=user, status=request.POST.get("status", ""), duplicate_of=original
            )
        elif action == "priority":
            triage.tip_set_priority(tip=tip, actor=user, priority=request.POST.get("priority", ""))
        elif action == "assign":
            assignee = _user_or_none(request.POST.get("assignee"))
            triage.tip_assign(tip=tip, actor=user, assignee=assignee)
        elif action == "star":
            triage.tip_set_starred(tip=tip, actor=user, starred=request.POST.get("value") == "1")
        elif action == "unread":
            triage.tip_set_unread(tip=tip, actor=user, unread=request.POST.get("value") == "1")
            if request.POST.get("value") == "1":
                back = reverse("tips_admin:index")
        elif action == "note":
            triage.tip_add_note(tip=tip, actor=user, text=request.POST.get("text", ""))
        elif action == "reader":
            reader = _user_or_none(request.POST.get("reader"), username=True)
            if reader is None:
                raise ValidationError(_("No such user."))
            document = content.open_tip(request, tip)
            if document is None:
                raise ValidationError(_("Unlock the vault to share this tip."))
            triage.tip_add_reader(tip=tip, actor=user, reader=reader, document=document)
        else:
            raise ValidationError(_("Unknown action."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except vault.VaultUnavailable:
        messages.error(request, _("The vault is unavailable right now."))
    else:
        messages.success(request, _("Saved."))
    return redirect(back)


def _user_or_none(value, *, username=False):
    if not value:
        return None
    users = get_user_model().objects
    if username:
        return users.filter(username=value.strip(), is_active=True).first()
    if not str(value).isdigit():
        return None
    return users.filter(pk=int(value), is_active=True).first()


@require_POST
def bulk_action(request):
    user = request.user
    ids = [int(v) for v in request.POST.getlist("id") if v.isdigit()][:500]
    tips = list(tip_policy.visible_tips(user).filter(pk__in=ids).select_related("desk"))
    refused_missing = len(set(ids)) - len(tips)
    action = request.POST.get("action", "")
    value = None
    if action == "assign":
        value = _user_or_none(request.POST.get("assignee"))
    elif action == "status":
        value = request.POST.get("status", "")
    done, refused = triage.tips_bulk_apply(tips=tips, actor=user, action=action, value=value)
    refused += refused_missing
    if done:
        messages.success(request, _("%(count)d tips updated.") % {"count": done})
    if refused:
        messages.warning(
            request, _("%(count)d tips were not changed (not allowed).") % {"count": refused}
        )
    return redirect(reverse("tips_admin:index"))
