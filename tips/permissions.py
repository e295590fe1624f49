"""The one permission policy that decides every access to tips.

Every tip view, bulk action, export and attachment download asks :data:`tip_policy`; no view
checks groups or memberships itself. Rules (need to know):

- Investigators see and work on the tips of the desks they are members of (``DeskMembership``).
- Info-only readers see the specific tips they were added to, read-only.
- Supervisors see tip metadata across desks and manage membership, the audit log, retention
  and purges. Reading a tip's content still needs desk membership (and the desk key).
- Editors, superusers without a membership and everyone else: nothing.

It also implements Wagtail's permission-policy interface so the ``ModelViewSet`` listing,
menu item and generic views use the same decisions. :class:`CannedQuestionPolicy`, the
canned-question snippets' policy, is built on the same decisions and lives here too, so every
permission policy is in this module.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from wagtail.permission_policies.base import BasePermissionPolicy

from tips.models import DeskMembership, TipReader

INVESTIGATORS = "Investigators"
SUPERVISORS = "Supervisors"
EDITORS = "Editors"


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


class TipPermissionPolicy(BasePermissionPolicy):
    """Per-desk and per-tip access decisions. The facts they rest on are Wagtail's per-user
    permission cache (on the user object, for the request), so a listing asks the database a
    constant number of times."""

    permission_cache_name = "_tip_policy_cache"

    def __init__(self):
        super().__init__("tips.Tip")

    # ----- facts about the user (Wagtail's permission cache)
    def get_all_permissions_for_user(self, user) -> dict:
        groups = set(user.groups.values_list("name", flat=True))
        return {
            "supervisor": SUPERVISORS in groups,
            "desks": frozenset(
                DeskMembership.objects.filter(user=user, is_active=True).values_list(
                    "desk_id", flat=True
                )
            ),
            "reader_of": frozenset(
                TipReader.objects.filter(user=user, expires_at__gt=timezone.now()).values_list(
                    "tip_id", flat=True
                )
            ),
        }

    def _facts(self, user) -> dict:
        return self.get_cached_permissions_for_user(user)

    def forget(self, user) -> None:
        """Drop cached facts (after a membership or group change in the same request)."""
        if hasattr(user, self.permission_cache_name):
            delattr(user, self.permission_cache_name)

    def is_supervisor(self, user) -> bool:
        return _active(user) and self._facts(user)["supervisor"]

    def member_desk_ids(self, user) -> frozenset:
        return self._facts(user)["desks"] if _active(user) else frozenset()

    def is_member(self, user, desk_id) -> bool:
        return desk_id in self.member_desk_ids(user)

    def is_reader(self, user, tip) -> bool:
        return _active(user) and tip.pk in self._facts(user)["reader_of"]

    # ----- the area
    def can_access_area(self, user) -> bool:
        """May see the Tips menu at all (and therefore must use a second factor)."""
        if not _active(user):
            return False
        facts = self._facts(user)
        return facts["supervisor"] or bool(facts["desks"]) or bool(facts["reader_of"])

    # ----- listing and reading
    def visible_tips(self, user, queryset=None):
        """The tips ``user`` may see in the queue (metadata)."""
        qs = self.model.objects.all() if queryset is None else queryset
        if not _active(user):
            return qs.none()
        facts = self._facts(user)
        if facts["supervisor"]:
            return qs
        if not facts["desks"] and not facts["reader_of"]:
            return qs.none()
        return qs.filter(Q(desk_id__in=facts["desks"]) | Q(pk__in=facts["reader_of"]))

    def reader_tip_ids(self, user) -> frozenset:
        """Tips ``user`` was added to as an info-only reader."""
        return self._facts(user)["reader_of"] if _active(user) else frozenset()

    def scope(self, user) -> tuple:
        """A hashable description of the set :meth:`visible_tips` returns (cache keys)."""
        if not _active(user):
            return ("none",)
        facts = self._facts(user)
        if facts["supervisor"]:
            return ("all",)
        return ("desks", tuple(sorted(facts["desks"])), tuple(sorted(facts["reader_of"])))

    def listable_desk_ids(self, user):
        """None means every desk (supervisors)."""
        if self.is_supervisor(user):
            return None
        return self.member_desk_ids(user)

    def can_view(self, user, tip) -> bool:
        """Metadata of the tip (the locked detail page)."""
        if not _active(user):
            return False
        return (
            self.is_supervisor(user)
            or self.is_member(user, tip.desk_id)
            or self.is_reader(user, tip)
        )

    def can_decrypt(self, user, tip) -> bool:
        """The content of the tip, its attachments and notes (needs the key as well)."""
        return _active(user) and (self.is_member(user, tip.desk_id) or self.is_reader(user, tip))

    can_view_attachment = can_decrypt

    def can_change(self, user, tip) -> bool:
        """Status, priority, assignment, star, read marker, notes."""
        return _active(user) and self.is_member(user, tip.desk_id)

    can_add_note = can_change

    def can_add_reader(self, user, tip) -> bool:
        return self.can_change(user, tip)

    def can_export(self, user, tip) -> bool:
        return _active(user) and self.is_member(user, tip.desk_id)

    # ----- supervision
    def can_purge(self, user, tip=None) -> bool:
        return self.is_supervisor(user)

    def can_manage_members(self, user, desk=None) -> bool:
        return self.is_supervisor(user)

    def can_grant(self, user, desk) -> bool:
        """Wrapping a desk key for someone needs the key: a member (supervisor or not)."""
        return _active(user) and self.is_member(user, getattr(desk, "pk", desk))

    def can_view_audit(self, user) -> bool:
        return self.is_supervisor(user)

    def can_reset_vault(self, user, member=None) -> bool:
        return self.is_supervisor(user) and (member is None or member.pk != user.pk)

    # ----- Wagtail's interface (ModelViewSet, menu, generic views)
    def user_has_permission(self, user, action):
        # Tips are created by the public form only: no add, edit or delete forms here.
        return action == "view" and self.can_access_area(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        if "view" not in actions:
            return get_user_model().objects.none()
        return (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(
                Q(groups__name=SUPERVISORS)
                | Q(desk_memberships__is_active=True)
                | Q(tip_readings__isnull=False)
            )
            .distinct()
        )

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "view":
            return self.can_view(user, instance)
        if action == "change":
            return self.can_change(user, instance)
        return False

    def instances_user_has_any_permission_for(self, user, actions):
        if "view" in actions:
            return self.visible_tips(user)
        if "change" in actions:
            return self.model.objects.filter(desk_id__in=self.member_desk_ids(user))
        return self.model.objects.none()

    def users_with_any_permission_for_instance(self, actions, instance):
        return self.users_with_any_permission(actions)


#: The policy instance every view uses.
tip_policy = TipPermissionPolicy()


class CannedQuestionPolicy(BasePermissionPolicy):
    """Desk members edit their desks' canned questions; supervisors edit all of them."""

    def __init__(self):
        super().__init__("tips.CannedQuestion")

    def _desks(self, user):
        return tip_policy.listable_desk_ids(user)  # None: every desk (supervisors)

    def user_has_permission(self, user, action):
        if action not in ("add", "change", "delete", "view"):
            return False
        return bool(user.is_verified()) and (
            tip_policy.is_supervisor(user) or bool(tip_policy.member_desk_ids(user))
        )

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, a) for a in actions)

    def users_with_any_permission(self, actions):
        return tip_policy.users_with_any_permission(["view"])

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        desks = self._desks(user)
        return desks is None or instance.desk_id in desks

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model.objects.none()
        desks = self._desks(user)
        qs = self.model.objects.all()
        return qs if desks is None else qs.filter(desk_id__in=desks)

    def users_with_any_permission_for_instance(self, actions, instance):
        return self.users_with_any_permission(actions)
