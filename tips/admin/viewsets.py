"""The Tips area in the Wagtail admin: one ModelViewSet (one URL namespace, ``tips_admin``,
the follow-up's investigator URLs included) whose every URL goes through the policy and the
second-factor check (``tip_area_required``)."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet

from tips import twofactor
from tips.admin import (
    actions,
    attachments,
    case_file,
    detail,
    enrolment_codes,
    media,
    queue,
    security,
    supervision,
)
from tips.followup import admin_views as followup_admin_views
from tips.models import Tip
from tips.permissions import tip_policy


class TipViewSet(ModelViewSet):
    model = Tip
    name = "tips_admin"
    url_prefix = "tips"
    icon = "mail"
    menu_label = _("Tips")
    add_to_admin_menu = False  # the "Tips" submenu is built in wagtail_hooks
    index_view_class = queue.TipIndexView
    list_per_page = queue.PER_PAGE  # Wagtail's default (20) would override the view's
    inspect_view_enabled = False
    copy_view_enabled = False

    @property
    def permission_policy(self):
        return tip_policy

    def get_urlpatterns(self):
        guarded = [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("<int:pk>/", detail.tip_detail, name="detail"),
            path("<int:pk>/action/", actions.tip_action, name="action"),
            path(
                "<int:pk>/attachment/<int:ordinal>/",
                attachments.attachment,
                name="attachment",
            ),
            path(
                "<int:pk>/attachment/<int:ordinal>/download/",
                attachments.attachment,
                {"download": True},
                name="attachment_download",
            ),
            path("<int:pk>/video/<int:ordinal>/", media.video, name="video"),
            path("bulk/", actions.bulk_action, name="bulk"),
            path("vault/setup/", security.vault_setup, name="vault_setup"),
            path("vault/unlock/", security.vault_unlock, name="vault_unlock"),
            path("vault/lock/", security.vault_lock, name="vault_lock"),
            path("vault/passphrase/", security.vault_passphrase, name="vault_passphrase"),
            path("2fa/recovery-codes/", security.twofactor_recovery_codes, name="2fa_codes"),
        ]
        guarded += self.extra_guarded_urlpatterns()
        for pattern in guarded:
            # Module-level patterns are shared: wrap each callback once.
            if not getattr(pattern.callback, "tip_area_required", False):
                pattern.callback = twofactor.tip_area_required(pattern.callback)
        # Reachable before the second factor (they establish it).
        open_patterns = [
            path("2fa/enrol/", security.twofactor_enrol, name="2fa_enrol"),
            path("2fa/setup/", security.twofactor_setup, name="2fa_setup"),
            path("2fa/verify/", security.twofactor_verify, name="2fa_verify"),
        ]
        return guarded + open_patterns

    def extra_guarded_urlpatterns(self):
        return (
            case_file.urlpatterns
            + supervision.urlpatterns
            + enrolment_codes.urlpatterns
            + followup_admin_views.urlpatterns
        )


tip_viewset = TipViewSet()
