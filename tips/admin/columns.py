"""The queue's columns: cells built as strings (one template render per cell was the
queue's largest cost), and the table that joins them."""

from __future__ import annotations

import logging

from django.forms.utils import flatatt
from django.template.defaultfilters import capfirst
from django.template.defaultfilters import date as date_filter
from django.templatetags.l10n import unlocalize
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from wagtail.admin.templatetags.wagtailadmin_tags import timesince_simple
from wagtail.admin.ui.tables import Column, DateColumn, Table, TitleColumn

from tips.admin.tip_media import files_summary
from tips.models import (
    TipPriority,
)

logger = logging.getLogger(__name__)


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


class MediaColumn(TextColumn):
    """ "2 photos, 1 video" for a row opened in the unlocked vault (``tips.admin.tip_media``,
    as the detail page says it), else the number of files sent: their kinds are sealed."""

    def get_value(self, instance):
        summary = getattr(instance, "_media", None)
        if summary is not None:
            return summary
        return files_summary(instance.attachment_count)


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
