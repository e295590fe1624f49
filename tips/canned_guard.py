"""Canned questions only for one's own desks: the generic snippet form lets the
desk be chosen, so a posted desk the user is not a member of is refused (supervisors: any)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from wagtail import hooks

from appeals.models import Desk
from tips.models import CannedQuestion
from tips.permissions import tip_policy


def _check_posted_desk(request, model) -> None:
    if model is not CannedQuestion or request.method != "POST":
        return

    desk = Desk.objects.filter(pk=request.POST.get("desk") or 0).first()
    allowed = tip_policy.listable_desk_ids(request.user)  # None: supervisors, every desk
    if desk is None:
        return  # the form reports the missing desk
    if allowed is not None and desk.canonical().pk not in allowed:
        raise PermissionDenied("canned questions only for your own desks")


@hooks.register("before_create_snippet")
def _before_create(request, model):
    _check_posted_desk(request, model)


@hooks.register("before_edit_snippet")
def _before_edit(request, instance):
    _check_posted_desk(request, type(instance))
