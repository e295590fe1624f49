"""Investigator side: send a question, view the photos sent with answers.

Access is decided by :data:`tips.permissions.tip_policy`; the URLs are mounted by the Tips
viewset (:mod:`tips.admin.viewsets`), in its namespace and behind its second-factor guard.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tips import sealing, vault
from tips.admin.attachments import serve_decrypted
from tips.admin.detail import visible_tip_or_404
from tips.models import Message, MessageDirection
from tips.permissions import tip_policy

from . import selectors, services
from .forms import QuestionForm

logger = logging.getLogger(__name__)


@require_POST
def question(request, pk):
    tip = visible_tip_or_404(request, pk)
    if not tip_policy.can_change(request.user, tip):
        raise PermissionDenied
    form = QuestionForm(data=request.POST)
    back = reverse("tips_admin:detail", args=[tip.pk]) + "#followup"
    text = ""
    if form.is_valid():
        text = form.cleaned_data["text"].strip()
        if not text and form.cleaned_data["canned"]:
            text = selectors.canned_text(tip, form.cleaned_data["canned"]) or ""
    try:
        services.question_send(tip=tip, actor=request.user, text=text)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Your question was sent to the tipster."))
    return redirect(back)


@never_cache
def photo(request, pk, message_id, ordinal, download=False):
    """Stream a decrypted answer photo (inline image or download). Same-origin, no-store."""
    tip = visible_tip_or_404(request, pk)
    if not tip_policy.can_view_attachment(request.user, tip):
        raise PermissionDenied
    message = get_object_or_404(
        Message.objects.select_related("tip"),
        pk=message_id,
        tip=tip,
        direction=MessageDirection.FROM_TIPSTER,
    )
    item = get_object_or_404(message.attachments, ordinal=ordinal)
    try:
        keys = vault.desk_keys(request)
    except vault.VaultUnavailable:
        keys = None
    if not keys:
        raise PermissionDenied
    document = sealing.open_message_for_desk(message, tip, keys, sealing.desk_key_ids(keys))
    entries = (document or {}).get("attachments") or []
    if ordinal >= len(entries) or entries[ordinal].get("storage_name") != item.storage_name:
        raise PermissionDenied
    return serve_decrypted(
        request,
        tip=tip,
        entry=entries[ordinal],
        storage_name=item.storage_name,
        download=download,
        audit_action="tips.followup.view_photo",
        audit_data={"message": message.pk, "ordinal": ordinal},
        default_name=f"{tip.reference}-answer-{ordinal + 1}",
        log_label="answer photo",
    )


urlpatterns = [
    path("<int:pk>/question/", question, name="followup_question"),
    path(
        "<int:pk>/message/<int:message_id>/photo/<int:ordinal>/",
        photo,
        name="followup_photo",
    ),
    path(
        "<int:pk>/message/<int:message_id>/photo/<int:ordinal>/download/",
        photo,
        {"download": True},
        name="followup_photo_download",
    ),
]
