"""Info-only readers can be removed; they also expire (``TipReader.expires_at``).

A member of the tip's desk or a supervisor removes a reader: their sealed copy of the tip is
deleted with the row, so nothing is left for them to open.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import audit
from .models import Tip, TipEvent, TipReader
from .permissions import tip_policy


def can_remove(actor, tip) -> bool:
    return tip_policy.can_add_reader(actor, tip) or tip_policy.is_supervisor(actor)


@transaction.atomic
def remove_reader(tip, *, actor, reader) -> None:
    if not can_remove(actor, tip):
        raise PermissionDenied
    deleted, _ = TipReader.objects.filter(tip=tip, user=reader).delete()
    if deleted:
        TipEvent.objects.create(
            tip=tip, actor=actor, kind=TipEvent.Kind.READER, old_value=str(reader.pk)
        )
        audit.record(tip, "tips.reader_removed", user=actor, data={"reader": reader.pk})
        tip_policy.forget(reader)


@require_POST
def remove_view(request, pk, user_pk):
    tip = get_object_or_404(Tip, pk=pk)
    entry = get_object_or_404(TipReader, tip=tip, user_id=user_pk)
    remove_reader(tip, actor=request.user, reader=entry.user)
    messages.success(request, _("Info-only reader removed."))
    return redirect(reverse("tips_admin:detail", args=[tip.pk]))
