"""A tip's detail page: the opened document, notes, attachments and history.

Access is decided by :data:`tips.permissions.tip_policy`, writes happen in :mod:`tips.triage`,
decryption in :mod:`tips.admin.content` (in memory only)."""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from tips import audit, questions, sealing, triage, vault
from tips.admin import content
from tips.admin.tip_media import capture_facts, files_summary, tip_media
from tips.attachments import INLINE_IMAGE_TYPES
from tips.followup.desk import desk_conversation
from tips.models import (
    Tip,
    TipEvent,
    TipNote,
    TipPriority,
    TipStatus,
)
from tips.permissions import tip_policy

logger = logging.getLogger(__name__)


def visible_tip_or_404(request, pk) -> Tip:
    tip = get_object_or_404(
        Tip.objects.select_related("desk", "appeal", "assignee", "desk_key", "duplicate_of"),
        pk=pk,
    )
    if not tip_policy.can_view(request.user, tip):
        raise Http404  # do not even confirm that the reference exists
    return tip


@never_cache
def tip_detail(request, pk):
    tip = visible_tip_or_404(request, pk)
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
            key_ids = sealing.desk_key_ids(keys)
            for note in TipNote.objects.filter(tip=tip).select_related("author"):
                notes.append(
                    {
                        "note": note,
                        "text": sealing.open_note(note, keys, key_ids),
                    }
                )
        if tip.unread and tip_policy.can_change(user, tip):
            triage.tip_set_unread(tip=tip, actor=user, unread=False)
    else:
        audit.record(tip, "tips.view", user=user)
    can_change = tip_policy.can_change(user, tip)
    fields = content.text_fields(document) if document else {}
    media = tip_media(document) if document else None
    photos = []
    if media is not None:
        entries = content.attachment_entries(document)
        for number, photo in enumerate(media.photos, start=1):
            entry = entries[photo.ordinal]
            photos.append(
                {
                    "number": number,
                    "entry": entry,
                    "inline": entry["content_type"] in INLINE_IMAGE_TYPES,
                    "view_url": reverse("tips_admin:attachment", args=[tip.pk, photo.ordinal]),
                    "download_url": reverse(
                        "tips_admin:attachment_download", args=[tip.pk, photo.ordinal]
                    ),
                    **capture_facts(entry),
                }
            )
    context = {
        "page_title": _("Tip %(reference)s") % {"reference": tip.reference},
        "tip": tip,
        "document": document,
        "fields": fields,
        "field_labels": FIELD_LABELS,
        "answers": questions.answers_for_display(document),
        "media": media,
        "photos": photos,
        # "2 photos, 1 video" (opened) or "3 files" (locked: their kinds are sealed).
        "media_summary": media.summary()
        if media is not None
        else files_summary(tip.attachment_count),
        "notes": notes,
        "events": _history(tip),
        "unlocked": unlocked,
        "vault_unavailable": unavailable,
        "can_change": can_change,
        "can_export": tip_policy.can_export(user, tip) and document is not None,
        "can_purge": tip_policy.can_purge(user, tip),
        "allowed_statuses": [(s, TipStatus(s).label) for s in triage.allowed_statuses(tip)],
        "priorities": TipPriority.choices,
        "assignees": _desk_members(tip) if can_change else [],
        "readers": tip.readers.select_related("user"),
        "unlock_url": f"{reverse('tips_admin:vault_unlock')}?next={request.path}",
    }
    # After the tip's own audit entry, as when the section was built during the render.
    context["followup"] = desk_conversation(request, tip)
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
