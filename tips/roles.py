"""The tip roles cannot be handed out through Wagtail's generic user and group screens.

A superuser (or anyone with "change user" permission) could otherwise put themself in
Supervisors or Investigators from Settings → Users. While a request is served by
those screens (``/admin/users/``, ``/admin/groups/``), any change to the membership,
permissions, name or existence of the tip groups is refused. Roles are given by the
operator with ``manage.py set_tip_role`` (shell access is the trust root anyway), and desk
memberships only through the two-person flow (tips.memberships).
"""

from __future__ import annotations

from contextvars import ContextVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models.signals import m2m_changed, pre_delete, pre_save

from .permissions import INVESTIGATORS, SUPERVISORS

TIP_GROUPS = frozenset({INVESTIGATORS, SUPERVISORS})
_GENERIC_PREFIXES = ("/admin/users/", "/admin/groups/")
_in_generic_screen: ContextVar[bool] = ContextVar("tips_generic_user_screen", default=False)


class GenericScreenGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _in_generic_screen.set(request.path_info.startswith(_GENERIC_PREFIXES))
        try:
            return self.get_response(request)
        finally:
            _in_generic_screen.reset(token)


def _refuse():
    raise PermissionDenied("tip roles are not edited here (manage.py set_tip_role)")


def _user_groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not _in_generic_screen.get() or not action.startswith("pre_"):
        return
    if reverse:  # Group.user_set changed
        if instance.name in TIP_GROUPS:
            _refuse()
        return
    if action == "pre_clear":
        names = set(instance.groups.values_list("name", flat=True))
    else:
        names = set(Group.objects.filter(pk__in=pk_set or ()).values_list("name", flat=True))
    if names & TIP_GROUPS:
        _refuse()


def _group_permissions_changed(sender, instance, action, reverse, **kwargs):
    if _in_generic_screen.get() and action.startswith("pre_") and not reverse:
        if instance.name in TIP_GROUPS:
            _refuse()


def _group_saved_or_deleted(sender, instance, **kwargs):
    if not _in_generic_screen.get() or instance.pk is None:
        return
    old = Group.objects.filter(pk=instance.pk).values_list("name", flat=True).first()
    if old in TIP_GROUPS or instance.name in TIP_GROUPS:
        _refuse()


def connect() -> None:
    User = get_user_model()
    m2m_changed.connect(_user_groups_changed, sender=User.groups.through, dispatch_uid="tips-roles")
    m2m_changed.connect(
        _group_permissions_changed, sender=Group.permissions.through, dispatch_uid="tips-roles-p"
    )
    pre_save.connect(_group_saved_or_deleted, sender=Group, dispatch_uid="tips-roles-s")
    pre_delete.connect(_group_saved_or_deleted, sender=Group, dispatch_uid="tips-roles-d")


def set_role(user, role: str, *, on: bool = True) -> None:
    """The operator's way to give or take a tip role (outside the generic screens)."""
    group, _ = Group.objects.get_or_create(name=role)
    (user.groups.add if on else user.groups.remove)(group)
