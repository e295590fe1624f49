"""Admin wiring of the follow-up (imported by ``tips/wagtail_hooks.py``): the investigator
URLs (second factor required) and the canned-question snippets."""

from __future__ import annotations

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from tips import twofactor
from tips.models import CannedQuestion
from tips.permissions import tip_policy

from . import admin_views


@hooks.register("register_admin_urls")
def register_followup_urls():
    for pattern in admin_views.urlpatterns:
        if not getattr(pattern.callback, "tip_area_required", False):
            pattern.callback = twofactor.tip_area_required(pattern.callback)
    return [
        path(
            "tips-followup/",
            include((admin_views.urlpatterns, admin_views.app_name), namespace="tips_followup"),
        )
    ]


class CannedQuestionPolicy(BasePermissionPolicy):
    """Desk members edit their desks' canned questions; supervisors edit all of them."""

    def __init__(self):
        super().__init__(CannedQuestion)

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
            return CannedQuestion.objects.none()
        desks = self._desks(user)
        qs = CannedQuestion.objects.all()
        return qs if desks is None else qs.filter(desk_id__in=desks)

    def users_with_any_permission_for_instance(self, actions, instance):
        return self.users_with_any_permission(actions)


class CannedQuestionViewSet(SnippetViewSet):
    model = CannedQuestion
    icon = "help"
    menu_label = _("Canned questions")
    list_display = ["__str__", "desk", "locale"]
    list_filter = ["desk"]
    add_to_admin_menu = False

    @property
    def permission_policy(self):
        return CannedQuestionPolicy()


register_snippet(CannedQuestionViewSet)
