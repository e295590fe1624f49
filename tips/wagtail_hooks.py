"""Admin wiring of the Tips area: viewset, menu (with counts), audit actions, dashboard, the
follow-up's canned-question snippets."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.components import Component
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from tips import audit, health, vault  # noqa: F401 - vault connects the logout signal
from tips import canned_guard as _canned_guard  # noqa: F401, E402 - own desks only
from tips.admin.counts import status_counts
from tips.admin.viewsets import tip_viewset
from tips.models import CannedQuestion, TipPriority, TipStatus
from tips.permissions import CannedQuestionPolicy, tip_policy
from tips.status import CLOSED_STATUSES


@hooks.register("register_admin_viewset")
def register_tip_viewset():
    return tip_viewset


class CannedQuestionViewSet(SnippetViewSet):
    model = CannedQuestion
    icon = "help"
    menu_label = gettext_lazy("Canned questions")
    list_display = ["__str__", "desk", "locale"]
    list_filter = ["desk"]
    add_to_admin_menu = False

    @property
    def permission_policy(self):
        return CannedQuestionPolicy()


register_snippet(CannedQuestionViewSet)


@hooks.register("insert_global_admin_css")
def tips_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("tips/admin.css"))


@hooks.register("register_log_actions")
def register_tip_log_actions(actions):
    audit.register(actions)


def _counts(request):
    return status_counts(request.user)


class TipMenuItem(MenuItem):
    """A link shown only to users with tip access, optionally labelled with a count."""

    def __init__(self, label, url_name, *, status=None, check=None, query="", **kwargs):
        super().__init__(label, "#", **kwargs)
        self.base_label = label
        self.url_name = url_name
        self.status = status
        self.check = check or tip_policy.can_access_area
        self.query = query

    def is_shown(self, request):
        return self.check(request.user)

    def render_component(self, request):
        self.url = reverse(self.url_name) + self.query
        label = str(self.base_label)
        if not request.user.is_verified():
            pass  # counts only after the second factor
        elif self.status == "__open__":
            counts = _counts(request)
            label = f"{label} ({sum(counts.values())})"
        elif self.status:
            label = f"{label} ({_counts(request).get(self.status, 0)})"
        self.label = label
        return super().render_component(request)


def _item(label, url_name, **kwargs):
    return TipMenuItem(label, url_name, **kwargs)


def _tips_menu_items():
    items = [_item(gettext_lazy("All tips"), "tips_admin:index", status="__open__", order=10)]
    for order, status in enumerate(TipStatus.values, start=11):
        items.append(
            _item(
                TipStatus(status).label,
                "tips_admin:index",
                status=status,
                query=f"?status={status}",
                order=order,
                name=f"tips-{status}",
            )
        )
    items += [
        _item(gettext_lazy("Vault"), "tips_admin:vault_unlock", order=40, name="tips-vault"),
        _item(
            gettext_lazy("Desk members and keys"),
            "tips_admin:members",
            order=41,
            name="tips-members",
            check=lambda u: tip_policy.is_supervisor(u) or bool(tip_policy.member_desk_ids(u)),
        ),
        _item(
            gettext_lazy("Desk health"),
            "tips_admin:desk_health",
            order=39,
            name="tips-desk-health",
            check=tip_policy.is_supervisor,
        ),
        _item(
            gettext_lazy("Enrolment codes"),
            "tips_admin:enrolment_codes",
            order=44,
            name="tips-enrolment-codes",
            check=tip_policy.is_supervisor,
        ),
        _item(
            gettext_lazy("Audit log"),
            "tips_admin:audit",
            order=42,
            name="tips-audit",
            check=tip_policy.can_view_audit,
        ),
        _item(
            gettext_lazy("Retention"),
            "tips_admin:retention",
            order=43,
            name="tips-retention",
            check=tip_policy.can_purge,
        ),
    ]
    return items


@hooks.register("register_admin_menu_item")
def register_tips_menu():
    return SubmenuMenuItem(
        gettext_lazy("Tips"),
        Menu(items=_tips_menu_items()),
        name="tips",
        icon_name="mail",
        order=250,
    )


class TipsDashboardPanel(Component):
    """New and urgent tips of the investigator's desks (metadata only)."""

    name = "tips_dashboard"
    order = 90
    template_name = "tips/admin/dashboard_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        user = self.request.user
        if not user.is_verified():
            return {
                "verify_url": reverse("tips_admin:2fa_verify"),
                "title": _("Your desks' tips"),
            }
        visible = tip_policy.visible_tips(user).select_related("desk")
        new = visible.filter(status=TipStatus.NEW)
        urgent = visible.filter(priority=TipPriority.URGENT).exclude(status__in=CLOSED_STATUSES)
        return {
            "new_count": new.count(),
            "urgent": list(urgent.order_by("-received_at")[:10]),
            "recent_new": list(new.order_by("-received_at")[:10]),
            "index_url": reverse("tips_admin:index"),
            "title": _("Your desks' tips"),
        }


@hooks.register("construct_homepage_panels")
def add_tips_panel(request, panels):
    if tip_policy.can_access_area(request.user):
        panels.append(TipsDashboardPanel(request))


# --------------------------------------------------------------------------- tip line health


def _sees_tip_line_health(user) -> bool:
    return bool(user.is_active and (user.is_superuser or tip_policy.is_supervisor(user)))


class TipLineHealthPanel(Component):
    """Supervisors and superusers: warns when tips cannot be received or read."""

    name = "tip_line_health"
    order = 80
    template_name = "tips/admin/health_panel.html"

    def __init__(self, warnings):
        self.warnings = warnings

    def get_context_data(self, parent_context=None):
        return {
            "title": _("Tip line"),
            "warnings": self.warnings,
            "health_url": reverse("tips_admin:desk_health"),
        }


@hooks.register("construct_homepage_panels")
def add_tip_line_health_panel(request, panels):
    if not _sees_tip_line_health(request.user):
        return

    panels.append(
        TipLineHealthPanel([health.warning_message(w) for w in health.tip_line_warnings()])
    )


def _refusal(page, problem, *, saved: bool) -> str:
    values = {
        "title": page.get_admin_display_title(),
        "problem": health.problem_message(problem, getattr(page.specific, "desk", None)),
    }
    if saved:
        return _("“%(title)s” was saved as a draft but not published: %(problem)s") % values
    return _("“%(title)s” was not published: %(problem)s") % values


@hooks.register("before_publish_page")
def refuse_publishing_unreadable_appeal(request, page):
    """An active appeal is published only if its desk can read the tips it will receive.

    Runs after Wagtail saved the revision, so nothing the editor wrote is lost: the editor
    is sent back to the editor with the reason. On the create view the page was added live;
    it is turned back into a draft.
    """
    problem = health.appeal_publish_problem(page)
    if problem is None:
        return None
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name == "wagtailadmin_pages:add" and page.live:
        # Wagtail's create view adds the page live before publishing its revision.
        type(page).objects.filter(pk=page.pk).update(live=False, has_unpublished_changes=True)
        page.live = False
    messages.error(request, _refusal(page, problem, saved=True))
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("before_bulk_action")
def refuse_bulk_publishing_unreadable_appeals(request, action_type, objects, action_class):
    """The same rule for the page listing's bulk "Publish"."""
    if action_type != "publish":
        return None

    refused = [
        (page, problem)
        for page in objects
        if (problem := health.appeal_publish_problem(page)) is not None
    ]
    if not refused:
        return None
    for page, problem in refused:
        messages.error(request, _refusal(page, problem, saved=False))
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("wagtailadmin_explore_root")
    return redirect(target)
