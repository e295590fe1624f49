"""Admin wiring of the follow-up (imported by ``tips/wagtail_hooks.py``): the investigator
URLs (second factor required) and the canned-question snippets."""

from __future__ import annotations

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from tips import twofactor
from tips.models import CannedQuestion
from tips.permissions import CannedQuestionPolicy

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
