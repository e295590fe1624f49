"""The tip queue (listing): the index view, its order and its counts. No decryption except
the preview of the rows on screen and, when asked for in the unlocked vault, the capture-time
index (``tips.admin.capture_index``), in memory only."""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.views.generic import IndexView

from tips import audit, questions, vault
from tips.admin import capture_index, capture_order, content, counts
from tips.admin.columns import (
    MediaColumn,
    PreviewColumn,
    PriorityColumn,
    ReceivedColumn,
    SelectColumn,
    TextColumn,
    TipTable,
    TipTitleColumn,
    UnreadColumn,
)
from tips.admin.filters import TipFilterSet
from tips.admin.tip_media import tip_media
from tips.models import (
    PRIORITY_ORDER,
    TipStatus,
)
from tips.permissions import tip_policy

logger = logging.getLogger(__name__)


#: Tips per page of the queue. The viewset passes its ``list_per_page`` to the view, over the
#: view's ``paginate_by``: both read this.
PER_PAGE = 50


class TipIndexView(IndexView):
    """The queue. No decryption except the preview of the rows on screen and the
    capture-time index."""

    filterset_class = TipFilterSet
    #: Open urgent tips first, then newest first ("seen now" must not hide on page 3).
    default_ordering = "urgent"
    paginate_by = PER_PAGE
    page_title = gettext_lazy("Tips")
    template_name = "tips/admin/index.html"
    results_template_name = "tips/admin/index_results.html"

    def get_base_queryset(self):
        qs = tip_policy.visible_tips(self.request.user).select_related(
            "desk", "appeal", "assignee", "desk_key"
        )
        if not self.unlocked:
            qs = qs.defer("ciphertext")
        return qs.defer("receipt_digest", "receipt_salt", "receipt_public_key", "receipt_suite")

    def get_table(self, object_list):
        return TipTable(self.columns, object_list, **self.get_table_kwargs())

    @cached_property
    def unlocked(self) -> bool:
        return vault.is_unlocked(self.request)

    def get_valid_orderings(self):
        return [
            "urgent",
            "received_at",
            "-received_at",
            "priority",
            "-priority",
            "status",
            "-status",
            "reference",
            "-reference",
        ]

    def order_queryset(self, queryset):
        if self.ordering == "urgent":
            return queryset.order_by("urgent_rank", "-received_at", "-pk")
        if self.ordering in ("priority", "-priority"):
            rank = PRIORITY_ORDER if self.ordering == "priority" else PRIORITY_ORDER.desc()
            return queryset.order_by(rank, "-received_at", "-pk")
        return queryset.order_by(self.ordering, "-pk")

    @cached_property
    def columns(self):
        columns = self._columns()
        if self.unlocked:  # locked, there is nothing to preview
            columns.insert(2, PreviewColumn("preview", label=_("Preview")))
        desks = tip_policy.listable_desk_ids(self.request.user)
        if (
            desks is not None
            and len(desks) == 1
            and not tip_policy.reader_tip_ids(self.request.user)
        ):
            # Every row would name the same desk: room for the preview instead.
            columns = [c for c in columns if c.name != "desk"]
        return columns

    def _columns(self):
        return [
            SelectColumn("select", label=_("Select")),
            TipTitleColumn(
                "reference",
                label=_("Reference"),
                sort_key="reference",
                # tips_admin:detail is "<int:pk>/" under the index (see viewsets.py).
                detail_prefix=reverse("tips_admin:index"),
            ),
            TextColumn("appeal", label=_("Appeal")),
            TextColumn("desk", label=_("Desk")),
            ReceivedColumn("received_at", label=_("Received"), sort_key="received_at"),
            PriorityColumn("priority", label=_("Priority"), sort_key="priority"),
            TextColumn(
                "status", label=_("Status"), accessor="get_status_display", sort_key="status"
            ),
            TextColumn("assignee", label=_("Assignee")),
            MediaColumn("media", label=_("Photos and videos")),
            UnreadColumn("unread", label=_("Unread")),
        ]

    #: Filters the cached count matrix can answer (see tips.admin.counts).
    COUNTED_FILTERS = frozenset({"desk", "status", "priority"})

    def known_count(self) -> int | None:
        """The number of matching tips without a COUNT query, when the filters allow it."""
        filters = self.filters
        if filters is None or not filters.is_valid():
            return None
        data = filters.form.cleaned_data
        if any(
            value not in (None, "", [], ())
            for name, value in data.items()
            if name not in self.COUNTED_FILTERS
        ):
            return None
        desk = data.get("desk")
        return counts.count(
            self.request.user,
            desk_id=desk.pk if desk is not None else None,
            statuses=frozenset(data.get("status") or ()),
            priorities=frozenset(data.get("priority") or ()),
        )

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        known = self.known_count()
        if known is not None:
            paginator.count = known  # Paginator.count is a cached property
        return paginator

    def paginate_queryset(self, queryset, page_size):
        opened: dict = {}  # tips the capture-time index opened in this request
        ids = self._capture_ordered_ids(queryset, opened) if self.capture_order_asked else None
        if ids is None:
            paginator, page, object_list, is_paginated = super().paginate_queryset(
                queryset, page_size
            )
        else:
            paginator, page, object_list, is_paginated = self._paginate_ids(
                queryset, ids, page_size
            )
        object_list = list(object_list)
        page.object_list = object_list
        if self.unlocked:
            self._open_rows(object_list, opened)
        wanted = self.answered_yes_filter
        if wanted is not None and self.unlocked:
            # Filtering on sealed answers happens here, in memory, on this page only.
            object_list = [t for t in object_list if t._answered_yes is wanted]
            page.object_list = object_list
        if self.capture_order_asked and self.unlocked and ids is None:
            object_list = capture_order.by_capture_time(object_list)  # this page only
            page.object_list = object_list
        return paginator, page, object_list, is_paginated

    def _open_rows(self, object_list, opened: dict) -> None:
        """Preview, sealed answers and capture time of the rows shown, opened in memory."""
        decrypted = []
        try:
            for tip in object_list:
                facts = opened.get(tip.pk)
                if facts is None:
                    try:
                        document = content.open_tip(self.request, tip)
                    except vault.VaultUnavailable:
                        document = None
                    if document is not None:
                        decrypted.append(tip)
                    facts = _row_facts(document)
                tip._preview, tip._answered_yes, tip._captured_at, tip._media = facts
        finally:
            # Every preview is a decryption: one audit entry per tip opened (also when a
            # later row breaks the loop).
            audit.record_many(decrypted, "tips.preview_decrypt", user=self.request.user)

    #: Why the capture-time order covers the page shown only: None, "cap" or "cache".
    capture_order_fallback = None

    def _capture_ordered_ids(self, queryset, opened: dict) -> list | None:
        """Every listed tip's id in capture-time order, or None (this page only)."""
        if not self.unlocked:
            return None

        def keep(tip, document):  # the page's rows among them are not opened twice
            opened[tip.pk] = _row_facts(document)

        try:
            return capture_index.ordered_ids(self.request, queryset, opened=keep)
        except capture_index.TooMany:
            self.capture_order_fallback = "cap"
        except vault.VaultUnavailable:
            self.capture_order_fallback = "cache"
        return None

    def _paginate_ids(self, queryset, ids: list, page_size):
        """Pages over ids already in order; the page's rows fetched by id in that order."""
        paginator = self.paginator_class(
            ids,
            page_size,
            orphans=self.get_paginate_orphans(),
            allow_empty_first_page=self.get_allow_empty(),
        )
        paginator.model = queryset.model  # over ids: "6 tips", not Wagtail's "6 items"
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        rows = {tip.pk: tip for tip in queryset.filter(pk__in=list(page.object_list))}
        object_list = [rows[pk] for pk in page.object_list if pk in rows]
        return paginator, page, object_list, page.has_other_pages()

    @cached_property
    def answered_yes_filter(self) -> bool | None:
        filters = self.filters
        if filters is None or not filters.is_valid():
            return None
        return {"yes": True, "no": False}.get(filters.form.cleaned_data.get("answered_yes"))

    @cached_property
    def capture_order_asked(self) -> bool:
        filters = self.filters
        if filters is None or not filters.is_valid():
            return False
        return filters.form.cleaned_data.get("captured") == capture_order.EARLIEST

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        user = self.request.user
        per_status = counts.status_counts(user)  # shared cache, see tips.admin.counts
        context["status_counts"] = [
            (value, label, per_status.get(value, 0)) for value, label in TipStatus.choices
        ]
        context["unlocked"] = self.unlocked
        if self.answered_yes_filter is not None:
            context["answers_filter_note"] = (
                _(
                    "The answers are sealed: the filter on answers applies to the tips of "
                    "this page only (%(shown)s shown). Other pages may hold more."
                )
                % {"shown": len(context.get("object_list") or [])}
                if self.unlocked
                else _("Unlock the vault to filter on the answers: they are sealed in the tips.")
            )
        if self.capture_order_asked:
            context["capture_order_note"] = self._capture_order_note()
        context["vault_unlock_url"] = reverse("tips_admin:vault_unlock")
        context["vault_lock_url"] = reverse("tips_admin:vault_lock")
        context["bulk_url"] = reverse("tips_admin:bulk")
        context["bulk_statuses"] = TipStatus.choices
        context["bulk_assignees"] = self._bulk_assignees()
        context["is_supervisor"] = tip_policy.is_supervisor(user)
        context["sort_options"] = self._sort_options()
        if not self.results_only:
            # One entry per visit: the in-place refresh of the results (filters changed
            # with JavaScript, ``index_results``) belongs to the visit already logged.
            audit.record(user, "tips.view_list", user=user, data={"unlocked": self.unlocked})
        return context

    def _capture_order_note(self) -> str:
        if not self.unlocked:
            return _("Unlock the vault to order by capture time: it is sealed in the tips.")
        if self.capture_order_fallback == "cap":
            return _(
                "More than %(limit)s tips match: filter on the appeal first to order them all "
                "by when the photos and videos were taken. Only this page is ordered."
            ) % {"limit": capture_index.limit()}
        if self.capture_order_fallback == "cache":
            return _(
                "Ordered by when the photos and videos were taken, as the citizens shared "
                "it (earliest first, then the tips without one): this page only."
            )
        return _(
            "Ordered by when the photos and videos were taken, as the citizens shared it: "
            "earliest first over every page, then the tips without one, in the order they came."
        )

    def _sort_options(self):
        """Links to the two useful orders, keeping the current filters."""
        query = self.request.GET.copy()
        query.pop("p", None)
        query.pop("captured", None)
        options = []
        for value, label in (("urgent", _("Urgent first")), ("-received_at", _("Newest first"))):
            query["ordering"] = value
            options.append(
                {
                    "label": label,
                    "url": f"{reverse('tips_admin:index')}?{query.urlencode()}",
                    "active": self.ordering == value and not self.capture_order_asked,
                }
            )
        if self.unlocked:  # capture times are sealed: offered only when they can be read
            query["captured"] = capture_order.EARLIEST
            options.append(
                {
                    "label": _("Capture time"),
                    "url": f"{reverse('tips_admin:index')}?{query.urlencode()}",
                    "active": self.capture_order_asked,
                }
            )
        return options

    def _bulk_assignees(self):
        """Members of the user's desks. For an investigator that is the assignee filter's
        queryset: the dropdown and the bulk form then share one query."""
        user = self.request.user
        filters = self.filters
        if filters is not None and tip_policy.listable_desk_ids(user) is not None:
            return filters.form.fields["assignee"].queryset
        return _assignable_users(user)


def _row_facts(document: dict | None) -> tuple:
    """(preview, answered yes, earliest capture time, "2 photos, 1 video") of an opened tip
    (None: not opened)."""
    if document is None:
        return "", None, None, None
    return (
        content.preview(document),
        questions.answered_yes(document),
        capture_order.earliest_capture(document),
        tip_media(document).summary(),
    )


def _assignable_users(user):
    desk_ids = tip_policy.member_desk_ids(user)
    return (
        get_user_model()
        .objects.filter(desk_memberships__desk_id__in=desk_ids, desk_memberships__is_active=True)
        .distinct()
        .order_by("username")
    )
