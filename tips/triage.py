"""Triage: the investigators' writes on a tip (status, priority, assignment, star, read
marker, notes, readers, export) and bulk actions.

Every service is keyword-only, takes the acting user, asks :data:`tips.permissions.tip_policy`,
writes in one transaction, records a history event (routing values only) and an audit-log
entry. The allowed status changes are :mod:`tips.status`'s; what is sealed, and to whom, is
:mod:`tips.sealing`'s.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tips import audit, keys, memberships, sealing
from tips.models import (
    InvestigatorKey,
    Tip,
    TipEvent,
    TipNote,
    TipPriority,
    TipReader,
    reader_expiry,
)
from tips.permissions import tip_policy
from tips.status import TipStatus, can_move, is_closed, next_statuses

S = TipStatus

NOTE_MAX_CHARS = 20_000


def allowed_statuses(tip: Tip) -> list[str]:
    return next_statuses(tip.status)


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied


def _event(tip, actor, kind, old="", new=""):
    TipEvent.objects.create(
        tip=tip, actor=actor, kind=kind, old_value=str(old or ""), new_value=str(new or "")
    )


@transaction.atomic
def tip_set_status(*, tip: Tip, actor, status: str, duplicate_of: Tip | None = None) -> Tip:
    _require(tip_policy.can_change(actor, tip))
    if status == tip.status:
        return tip
    if not can_move(tip.status, status):
        raise ValidationError(_("This status change is not allowed."), code="transition")
    old = tip.status
    if status == S.CLOSED_DUPLICATE:
        # One answer whether the reference is unknown or on another desk: the error must not
        # tell whether a reference exists elsewhere.
        if (
            duplicate_of is None
            or duplicate_of.pk == tip.pk
            or not tip_policy.can_view(actor, duplicate_of)
            or duplicate_of.desk_id != tip.desk_id
        ):
            raise ValidationError(
                _("The original must be a tip of the same desk that you can see."),
                code="original",
            )
        tip.duplicate_of = duplicate_of
        _event(tip, actor, TipEvent.Kind.DUPLICATE, "", duplicate_of.reference)
    elif old == S.CLOSED_DUPLICATE:
        tip.duplicate_of = None
    tip.status = status
    tip.closed_at = timezone.now() if is_closed(status) else None
    tip.save(update_fields=["status", "closed_at", "duplicate_of"])
    _event(tip, actor, TipEvent.Kind.STATUS, old, status)
    audit.record(tip, "tips.status", user=actor, data={"from": old, "to": status})
    return tip


@transaction.atomic
def tip_set_priority(*, tip: Tip, actor, priority: str) -> Tip:
    _require(tip_policy.can_change(actor, tip))
    if priority not in TipPriority.values:
        raise ValidationError(_("Unknown priority."), code="priority")
    if priority != tip.priority:
        old, tip.priority = tip.priority, priority
        tip.save(update_fields=["priority"])
        _event(tip, actor, TipEvent.Kind.PRIORITY, old, priority)
        audit.record(tip, "tips.priority", user=actor, data={"from": old, "to": priority})
    return tip


@transaction.atomic
def tip_assign(*, tip: Tip, actor, assignee) -> Tip:
    _require(tip_policy.can_change(actor, tip))
    if assignee is not None and not tip_policy.is_member(assignee, tip.desk_id):
        raise ValidationError(_("The assignee must be a member of the tip's desk."), code="member")
    if (assignee and assignee.pk) != tip.assignee_id:
        old = tip.assignee_id
        tip.assignee = assignee
        tip.save(update_fields=["assignee"])
        new = assignee.pk if assignee else ""
        _event(tip, actor, TipEvent.Kind.ASSIGN, old, new)
        audit.record(tip, "tips.assign", user=actor, data={"from": old, "to": new or None})
    return tip


@transaction.atomic
def tip_set_starred(*, tip: Tip, actor, starred: bool) -> Tip:
    return _set_flag(tip, actor, "starred", starred, action="tips.star")


@transaction.atomic
def tip_set_unread(*, tip: Tip, actor, unread: bool) -> Tip:
    return _set_flag(tip, actor, "unread", unread, action="tips.read_marker")


def _set_flag(tip: Tip, actor, field: str, value: bool, *, action: str) -> Tip:
    """A personal marker of the desk (star, read marker): audited, no history event."""
    _require(tip_policy.can_change(actor, tip))
    if getattr(tip, field) != value:
        setattr(tip, field, value)
        tip.save(update_fields=[field])
        audit.record(tip, action, user=actor, data={field: value})
    return tip


# --------------------------------------------------------------------------- notes


@transaction.atomic
def tip_add_note(*, tip: Tip, actor, text: str) -> TipNote:
    """Seal the note to the desk's active key and the recovery key; store only that."""
    _require(tip_policy.can_add_note(actor, tip))
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("The note is empty."), code="empty")
    if len(text) > NOTE_MAX_CHARS:
        raise ValidationError(_("The note is too long."), code="long")
    envelope = sealing.seal_note(tip, text)
    note = TipNote.objects.create(tip=tip, author=actor, ciphertext=envelope)
    _event(tip, actor, TipEvent.Kind.NOTE, "", note.pk)
    audit.record(tip, "tips.note", user=actor, data={"note": note.pk})
    return note


# --------------------------------------------------------------------------- readers


@transaction.atomic
def tip_add_reader(*, tip: Tip, actor, reader, document: dict) -> TipReader:
    """Give ``reader`` read-only access to this one tip: the opened document is sealed to
    their personal key (they need a vault), so they can read it without the desk key."""
    _require(tip_policy.can_add_reader(actor, tip))
    try:
        personal = InvestigatorKey.objects.get(user=reader)
    except InvestigatorKey.DoesNotExist:
        raise ValidationError(
            _("This person has no vault yet: they must set one up first."), code="novault"
        ) from None
    sealed = sealing.seal_reader_copy(tip, reader, personal, document)
    entry, _created = TipReader.objects.update_or_create(
        tip=tip,
        user=reader,
        defaults={"granted_by": actor, "sealed_document": sealed, "expires_at": reader_expiry()},
    )
    _event(tip, actor, TipEvent.Kind.READER, "", reader.pk)
    audit.record(tip, "tips.reader", user=actor, data={"reader": reader.pk})
    return entry


# --------------------------------------------------------------------------- export


@transaction.atomic
def tip_record_export(*, tip: Tip, actor) -> None:
    """History and audit of a case-file export (the ZIP itself is built by the view)."""
    _require(tip_policy.can_export(actor, tip))
    _event(tip, actor, TipEvent.Kind.EXPORT)
    audit.record(tip, "tips.export", user=actor, data={"format": "zip"})


# --------------------------------------------------------------------------- desk members


@transaction.atomic
def desk_member_remove(*, actor, desk, member) -> None:
    """Remove ``member`` from ``desk`` (wraps, membership, key rotation: see
    :func:`tips.keys.revoke_desk_access`), then unassign their tips of that desk.

    Raises ``tips.keys.KeyManagementError`` when the key cannot be rotated (nothing changed).
    """
    _require(tip_policy.can_manage_members(actor, desk))
    keys.revoke_desk_access(desk=desk, member=member)
    Tip.objects.filter(desk=desk, assignee=member).update(assignee=None)
    audit.record(member, "tips.revoke", user=actor, data={"desk": desk.pk})
    transaction.on_commit(lambda: memberships.notify_members(desk))  # no content, every member


# --------------------------------------------------------------------------- bulk


def tips_bulk_apply(*, tips, actor, action: str, value=None) -> tuple[int, int]:
    """Apply one action to several tips, each checked by the policy. Returns (done, refused)."""
    done = refused = 0
    for tip in tips:
        try:
            if action == "assign":
                tip_assign(tip=tip, actor=actor, assignee=value)
            elif action == "status":
                tip_set_status(tip=tip, actor=actor, status=value)
            elif action == "spam":
                tip_set_status(tip=tip, actor=actor, status=S.CLOSED_SPAM)
            else:
                raise ValidationError("unknown action")
        except (PermissionDenied, ValidationError):
            refused += 1
        else:
            done += 1
    return done, refused
