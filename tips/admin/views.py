"""The tip queue (listing), the detail page, workflow actions, attachments and bulk actions.

Views are thin: access is decided by :data:`tips.permissions.tip_policy`, writes happen in
:mod:`tips.admin.workflow`, decryption in :mod:`tips.admin.content` (in memory only).
"""

from __future__ import annotations

import logging
import mimetypes

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Q, Value, When
from django.forms.utils import flatatt
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import capfirst
from django.template.defaultfilters import date as date_filter
from django.template.response import TemplateResponse
from django.templatetags.l10n import unlocalize
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from wagtail.admin.templatetags.wagtailadmin_tags import timesince_simple
from wagtail.admin.ui.tables import Column, DateColumn, Table, TitleColumn
from wagtail.admin.views.generic import IndexView

from mostwanted.storage import STORAGE_ERRORS
from tips import audit, crypto, questions, vault
from tips.admin import capture_order, content, counts, workflow
from tips.admin.filters import TipFilterSet
from tips.models import (
    CLOSED_STATUSES,
    PRIORITY_ORDER,
    Tip,
    TipEvent,
    TipNote,
    TipPriority,
    TipStatus,
)
from tips.permissions import tip_policy

logger = logging.getLogger(__name__)

#: Image types shown inline (sanitised re-encoded images only; anything else downloads).
INLINE_IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp"}


#: Sort key of the "urgent first" order: open urgent tips (0) before everything else (1).
URGENT_FIRST = Case(
    When(Q(priority=TipPriority.URGENT) & ~Q(status__in=CLOSED_STATUSES), then=Value(0)),
    default=Value(1),
    output_field=IntegerField(),
)

#: Tips per status among those a user may see (shared cache, see tips.admin.counts).
status_counts = counts.status_counts


class TextColumn(Column):
    """A plain-text column rendered without a template per cell.

    Same markup as Wagtail's ``wagtailadmin/tables/cell.html`` (value escaped, empty values
    shown as ``empty_value_display``); one template render per cell was the queue's largest
    cost (rows × columns renders per page)."""

    def render_cell_html(self, instance, parent_context):
        value = self.get_value(instance)
        if isinstance(value, int) and not isinstance(value, bool):
            value = unlocalize(value)
        if value is None or not str(value).strip():
            value = self.empty_value_display
        if self.classname:
            return format_html('<td class="{}">{}</td>', self.classname, value)
        return format_html("<td>{}</td>", value)


class PreviewColumn(TextColumn):
    """A one-line preview of the tip text, only for visible rows of an unlocked vault."""

    def get_value(self, instance):
        return getattr(instance, "_preview", "")

    def render_cell_html(self, instance, parent_context):
        captured = getattr(instance, "_captured_at", None)
        return format_html(
            '<td class="tips-queue-preview">{}<span class="tips-queue-preview-text">{}</span></td>',
            format_html(
                '<span class="tips-captured">{}</span> ',
                _("Taken %(when)s") % {"when": captured},
            )
            if captured
            else "",
            self.get_value(instance) or self.empty_value_display,
        )


class SelectColumn(Column):
    """A checkbox per row for the bulk-action form (works without JavaScript)."""

    def render_header_html(self, parent_context):
        # Each checkbox carries its own label; the header is for screen readers only.
        return format_html('<th><span class="w-sr-only">{}</span></th>', self.label)

    def render_cell_html(self, instance, parent_context):
        return format_html(
            '<td><input type="checkbox" name="id" value="{}" form="tips-bulk" '
            'aria-label="{}"></td>',
            instance.pk,
            _("Select %(ref)s") % {"ref": instance.reference},
        )


class ReceivedColumn(DateColumn):
    """Wagtail's human-readable date cell (relative time, exact time in the tooltip),
    built without a template per row."""

    def render_cell_html(self, instance, parent_context):
        value = self.get_value(instance)
        if not value:
            return format_html("<td></td>")
        local = timezone.localtime(value)
        return format_html(
            '<td><button type="button" class="w-human-readable-date" data-controller="w-tooltip"'
            ' data-w-tooltip-content-value="{}" data-w-tooltip-placement-value="top">'
            '<time class="w-human-readable-date__date" datetime="{}">{}</time></button></td>',
            date_filter(local, get_format("DATETIME_FORMAT") or "N j, Y, P"),
            local.isoformat(),
            capfirst(timesince_simple(value)),
        )


class UnreadColumn(Column):
    """ "Unread" as a badge (a dot and the word); read tips show nothing but a screen-reader
    text (a check for unread and a cross for read said "good"/"bad" the wrong way round)."""

    def render_cell_html(self, instance, parent_context):
        if instance.unread:
            return format_html(
                '<td><span class="tips-badge tips-badge--unread">'
                '<span class="tips-dot" aria-hidden="true"></span>{}</span></td>',
                _("Unread"),
            )
        return format_html('<td><span class="w-sr-only">{}</span></td>', _("Read"))


class PriorityColumn(TextColumn):
    """Priority as text; "Urgent" is a badge (an icon and the word, not colour alone)."""

    def render_cell_html(self, instance, parent_context):
        label = instance.get_priority_display()
        if instance.priority == TipPriority.URGENT:
            return format_html("<td>{}</td>", urgent_badge())
        if instance.priority == TipPriority.HIGH:
            return format_html('<td><strong class="tips-priority-high">{}</strong></td>', label)
        return format_html("<td>{}</td>", label)


def urgent_badge():
    return format_html(
        '<span class="tips-badge tips-badge--urgent"><svg class="icon icon-warning" '
        'aria-hidden="true"><use href="#icon-warning"></use></svg>{}</span>',
        TipPriority.URGENT.label,
    )


class TipTitleColumn(TitleColumn):
    """Reference with the unread marker and the star, linked to the detail page; the same
    markup as Wagtail's title cell, without a template per row."""

    def __init__(self, *args, detail_prefix: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.detail_prefix = detail_prefix

    def get_value(self, instance):
        return instance.reference

    def render_cell_html(self, instance, parent_context):
        star = ""
        if instance.starred:
            star = format_html(
                ' <span class="tips-star" title="{0}"><span aria-hidden="true">★</span>'
                '<span class="w-sr-only">{0}</span></span>',
                _("Starred"),
            )
        return format_html(
            '<td class="title"><div class="title-wrapper"><a class="tips-ref" href="{}{}/">{}</a>'
            "{}</div></td>",
            self.detail_prefix,
            instance.pk,
            instance.reference,
            star,
        )


class TipTable(Table):
    """Wagtail's table, whose rows are joined from the columns' hand-built cells."""

    template_name = "tips/admin/table.html"

    def get_row_classname(self, instance):
        classes = []
        if instance.priority == TipPriority.URGENT and not instance.is_closed:
            classes.append("tips-row--urgent")
        if instance.unread:
            classes.append("tips-row--unread")
        return " ".join(classes)

    def body_html(self):
        columns = list(self.columns.values())
        parts = []
        for instance in self.data:
            parts.append(format_html("<tr{}>", flatatt(self.get_row_attrs(instance))))
            parts.extend(column.render_cell_html(instance, None) for column in columns)
            parts.append("</tr>")
        return mark_safe("".join(parts))  # noqa: S308 - every part is built by format_html


class TipIndexView(IndexView):
    """The queue. No decryption except the preview of the rows on screen."""

    filterset_class = TipFilterSet
    #: Open urgent tips first, then newest first ("seen now" must not hide on page 3).
    default_ordering = "urgent"
    paginate_by = 50
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
            return queryset.order_by(URGENT_FIRST, "-received_at", "-pk")
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
            TextColumn("attachment_count", label=_("Photos")),
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
        paginator, page, object_list, is_paginated = super().paginate_queryset(queryset, page_size)
        object_list = list(object_list)
        page.object_list = object_list
        if self.unlocked:
            for tip in object_list:
                try:
                    document = content.open_tip(self.request, tip)
                except vault.VaultUnavailable:
                    document = None
                tip._preview = content.preview(document) if document else ""
                tip._answered_yes = questions.answered_yes(document) if document else None
                tip._captured_at = capture_order.earliest_capture(document)
        wanted = self.answered_yes_filter
        if wanted is not None and self.unlocked:
            # Filtering on sealed answers happens here, in memory, on this page only.
            object_list = [t for t in object_list if t._answered_yes is wanted]
            page.object_list = object_list
        if self.capture_order_asked and self.unlocked:
            object_list = capture_order.by_capture_time(object_list)  # this page only
            page.object_list = object_list
        return paginator, page, object_list, is_paginated

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
        counts = status_counts(user)
        context["status_counts"] = [
            (value, label, counts.get(value, 0)) for value, label in TipStatus.choices
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
            context["capture_order_note"] = (
                _(
                    "Ordered by when the photos and videos were taken, as the citizens shared "
                    "it (earliest first, then the tips without one): this page only."
                )
                if self.unlocked
                else _("Unlock the vault to order by capture time: it is sealed in the tips.")
            )
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
                    "label": _("Capture time (this page)"),
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


def _assignable_users(user):
    desk_ids = tip_policy.member_desk_ids(user)
    return (
        get_user_model()
        .objects.filter(desk_memberships__desk_id__in=desk_ids, desk_memberships__is_active=True)
        .distinct()
        .order_by("username")
    )


# --------------------------------------------------------------------------- detail


def _get_tip(request, pk) -> Tip:
    tip = get_object_or_404(
        Tip.objects.select_related("desk", "appeal", "assignee", "desk_key", "duplicate_of"),
        pk=pk,
    )
    if not tip_policy.can_view(request.user, tip):
        raise Http404  # do not even confirm that the reference exists
    return tip


@never_cache
def tip_detail(request, pk):
    tip = _get_tip(request, pk)
    user = request.user
    document = None
    unavailable = False
    try:
        document = content.open_tip(request, tip)
        unlocked = vault.desk_keys(request) is not None
    except vault.VaultUnavailable:
        unavailable, unlocked = True, False
    notes = []
    if document is not None:
        audit.record(tip, "tips.decrypt", user=user)
        if tip_policy.can_change(user, tip):
            keys = vault.desk_keys(request) or {}
            key_ids = workflow.desk_key_ids(keys)
            for note in TipNote.objects.filter(tip=tip).select_related("author"):
                notes.append(
                    {
                        "note": note,
                        "text": workflow.open_note(note, keys, key_ids),
                    }
                )
        if tip.unread and tip_policy.can_change(user, tip):
            workflow.set_unread(tip, actor=user, unread=False)
    else:
        audit.record(tip, "tips.view", user=user)
    can_change = tip_policy.can_change(user, tip)
    fields = content.text_fields(document) if document else {}
    attachments = []
    if document:
        for attachment, entry in zip(
            tip.attachments.order_by("ordinal"), content.attachment_entries(document), strict=False
        ):
            attachments.append(
                {
                    "entry": entry,
                    "inline": entry["content_type"] in INLINE_IMAGE_TYPES,
                    "view_url": reverse("tips_admin:attachment", args=[tip.pk, attachment.ordinal]),
                    "download_url": reverse(
                        "tips_admin:attachment_download", args=[tip.pk, attachment.ordinal]
                    ),
                }
            )
    context = {
        "page_title": _("Tip %(reference)s") % {"reference": tip.reference},
        "tip": tip,
        "document": document,
        "fields": fields,
        "field_labels": FIELD_LABELS,
        "answers": questions.answers_for_display(document),
        "attachments": attachments,
        "notes": notes,
        "events": _history(tip),
        "unlocked": unlocked,
        "vault_unavailable": unavailable,
        "can_change": can_change,
        "can_export": tip_policy.can_export(user, tip) and document is not None,
        "can_purge": tip_policy.can_purge(user, tip),
        "allowed_statuses": [(s, TipStatus(s).label) for s in workflow.allowed_statuses(tip)],
        "priorities": TipPriority.choices,
        "assignees": _desk_members(tip) if can_change else [],
        "readers": tip.readers.select_related("user"),
        "unlock_url": f"{reverse('tips_admin:vault_unlock')}?next={request.path}",
    }
    response = TemplateResponse(request, "tips/admin/detail.html", context)
    response["Cache-Control"] = "no-store"
    return response


FIELD_LABELS = {
    "what": gettext_lazy("What they saw or know"),
    "when_date": gettext_lazy("Date"),
    "when_time": gettext_lazy("Time"),
    "place": gettext_lazy("Place"),
    "how_known": gettext_lazy("How they know"),
    "contact": gettext_lazy("Contact details"),
}


def _desk_members(tip):
    return (
        get_user_model()
        .objects.filter(desk_memberships__desk_id=tip.desk_id, desk_memberships__is_active=True)
        .order_by("username")
    )


def _history(tip):
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=_event_user_ids(tip))}
    rows = []
    for event in TipEvent.objects.filter(tip=tip).select_related("actor"):
        rows.append(
            {
                "event": event,
                "old": _fmt(event, event.old_value, users),
                "new": _fmt(event, event.new_value, users),
            }
        )
    return rows


def _event_user_ids(tip):
    ids = set()
    for old, new in TipEvent.objects.filter(
        tip=tip, kind__in=[TipEvent.Kind.ASSIGN, TipEvent.Kind.READER]
    ).values_list("old_value", "new_value"):
        ids.update(int(v) for v in (old, new) if v.isdigit())
    return ids


def _fmt(event, value, users):
    if not value or event.kind == TipEvent.Kind.NOTE:
        return ""  # a note's row id tells the reader nothing; the note is listed above
    if event.kind == TipEvent.Kind.STATUS:
        return str(TipStatus(value).label) if value in TipStatus.values else value
    if event.kind == TipEvent.Kind.PRIORITY:
        return str(TipPriority(value).label) if value in TipPriority.values else value
    if event.kind in (TipEvent.Kind.ASSIGN, TipEvent.Kind.READER) and value.isdigit():
        user = users.get(int(value))
        return user.get_full_name() or user.get_username() if user else value
    return value


# --------------------------------------------------------------------------- actions


@require_POST
def tip_action(request, pk):
    tip = _get_tip(request, pk)
    user = request.user
    action = request.POST.get("action", "")
    back = reverse("tips_admin:detail", args=[tip.pk])
    try:
        if action == "status":
            original = None
            if request.POST.get("status") == TipStatus.CLOSED_DUPLICATE:
                ref = (request.POST.get("duplicate_of") or "").strip()
                original = Tip.objects.filter(reference__iexact=ref).first() if ref else None
            workflow.set_status(
                tip, actor=user, status=request.POST.get("status", ""), duplicate_of=original
            )
        elif action == "priority":
            workflow.set_priority(tip, actor=user, priority=request.POST.get("priority", ""))
        elif action == "assign":
            assignee = _user_or_none(request.POST.get("assignee"))
            workflow.assign(tip, actor=user, assignee=assignee)
        elif action == "star":
            workflow.set_starred(tip, actor=user, starred=request.POST.get("value") == "1")
        elif action == "unread":
            workflow.set_unread(tip, actor=user, unread=request.POST.get("value") == "1")
            if request.POST.get("value") == "1":
                back = reverse("tips_admin:index")
        elif action == "note":
            workflow.add_note(tip, actor=user, text=request.POST.get("text", ""))
        elif action == "reader":
            reader = _user_or_none(request.POST.get("reader"), username=True)
            if reader is None:
                raise ValidationError(_("No such user."))
            document = content.open_tip(request, tip)
            if document is None:
                raise ValidationError(_("Unlock the vault to share this tip."))
            workflow.add_reader(tip, actor=user, reader=reader, document=document)
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
    done, refused = workflow.bulk_apply(tips, actor=user, action=action, value=value)
    refused += refused_missing
    if done:
        messages.success(request, _("%(count)d tips updated.") % {"count": done})
    if refused:
        messages.warning(
            request, _("%(count)d tips were not changed (not allowed).") % {"count": refused}
        )
    return redirect(reverse("tips_admin:index"))


# --------------------------------------------------------------------------- attachments


@never_cache
def attachment(request, pk, ordinal, download=False):
    """Stream a decrypted attachment (inline image, or download). Same-origin, no-store."""
    tip = _get_tip(request, pk)
    if not tip_policy.can_view_attachment(request.user, tip):
        raise PermissionDenied
    item = get_object_or_404(tip.attachments, ordinal=ordinal)
    try:
        document = content.open_tip(request, tip)
    except vault.VaultUnavailable:
        document = None
    if document is None:
        raise PermissionDenied  # locked: no key, no content
    from tips.attachments import (
        attachment_entry,
        attachment_response,
        open_attachment,
        storage_unavailable_response,
    )

    try:
        entry = attachment_entry(item, document)
        content_type = entry.get("content_type") or "application/octet-stream"
        inline = not download and content_type in INLINE_IMAGE_TYPES
        reader = open_attachment(item, document)
    except crypto.CryptoError:
        raise Http404 from None
    except STORAGE_ERRORS as exc:  # the store is down or timing out: say so, change nothing
        logger.error("attachment: storage unavailable (%s)", type(exc).__name__)
        back = reverse("tips_admin:detail", args=[tip.pk])
        return storage_unavailable_response(request, back_url=back, inline=inline)
    audit.record(
        tip,
        "tips.view_attachment",
        user=request.user,
        data={"ordinal": item.ordinal, "download": not inline},
    )
    filename = entry.get("name") or f"{tip.reference}-{item.ordinal + 1}"
    if not mimetypes.guess_extension(content_type):
        filename = f"{filename}.bin"
    return attachment_response(
        reader,
        content_type=content_type,
        filename=filename,
        inline=inline,
        log_label="attachment stream failed",
        log=logger,
    )
