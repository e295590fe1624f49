"""Triage writes: status, priority, assignment, readers, notes, star, read marker.

Every function takes the acting user, asks :data:`tips.permissions.tip_policy`, writes in one
transaction, records a history event (routing values only) and an audit-log entry.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tips import audit, crypto
from tips.models import (
    CLOSED_STATUSES,
    Tip,
    TipEvent,
    TipNote,
    TipPriority,
    TipReader,
    TipStatus,
)
from tips.permissions import tip_policy

S = TipStatus
_CLOSED = {S.CLOSED_NO_ACTION, S.CLOSED_DUPLICATE, S.CLOSED_SPAM}

#: Allowed status transitions (closed tips may be reopened for review).
TRANSITIONS: dict[str, set[str]] = {
    S.NEW: {S.IN_REVIEW, S.ACTIONABLE} | _CLOSED,
    S.IN_REVIEW: {S.ACTIONABLE} | _CLOSED,
    S.ACTIONABLE: {S.IN_REVIEW, S.FORWARDED} | _CLOSED,
    S.FORWARDED: {S.ACTIONABLE, S.CLOSED_NO_ACTION},
    S.CLOSED_NO_ACTION: {S.IN_REVIEW},
    S.CLOSED_DUPLICATE: {S.IN_REVIEW},
    S.CLOSED_SPAM: {S.IN_REVIEW},
}

NOTE_MAX_CHARS = 20_000


def allowed_statuses(tip: Tip) -> list[str]:
    return [s for s in S.values if s in TRANSITIONS.get(tip.status, set())]


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied


def _event(tip, actor, kind, old="", new=""):
    TipEvent.objects.create(
        tip=tip, actor=actor, kind=kind, old_value=str(old or ""), new_value=str(new or "")
    )


@transaction.atomic
def set_status(tip: Tip, *, actor, status: str, duplicate_of: Tip | None = None) -> Tip:
    _require(tip_policy.can_change(actor, tip))
    if status == tip.status:
        return tip
    if status not in TRANSITIONS.get(tip.status, set()):
        raise ValidationError(_("This status change is not allowed."), code="transition")
    old = tip.status
    if status == S.CLOSED_DUPLICATE:
        # One answer whether the reference is unknown or on another desk: the error must not
        # tell whether a reference exists elsewhere (issue 14).
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
    tip.closed_at = timezone.now() if status in CLOSED_STATUSES else None
    tip.save(update_fields=["status", "closed_at", "duplicate_of"])
    _event(tip, actor, TipEvent.Kind.STATUS, old, status)
    audit.record(tip, "tips.status", user=actor, data={"from": old, "to": status})
    return tip


@transaction.atomic
def set_priority(tip: Tip, *, actor, priority: str) -> Tip:
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
def assign(tip: Tip, *, actor, assignee) -> Tip:
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
def set_starred(tip: Tip, *, actor, starred: bool) -> Tip:
    _require(tip_policy.can_change(actor, tip))
    if tip.starred != starred:
        tip.starred = starred
        tip.save(update_fields=["starred"])
        audit.record(tip, "tips.star", user=actor, data={"starred": starred})
    return tip


@transaction.atomic
def set_unread(tip: Tip, *, actor, unread: bool) -> Tip:
    _require(tip_policy.can_change(actor, tip))
    if tip.unread != unread:
        tip.unread = unread
        tip.save(update_fields=["unread"])
        audit.record(tip, "tips.read_marker", user=actor, data={"unread": unread})
    return tip


# --------------------------------------------------------------------------- notes


def _note_context(tip: Tip) -> bytes:
    return f"tip-note:{tip.reference}".encode()


def _note_recipients(tip: Tip) -> list[crypto.Recipient]:
    from tips.keys import active_desk_key
    from tips.trust import sealing_recipients

    desk_key = active_desk_key(tip.desk) or tip.desk_key
    return sealing_recipients(desk_key)  # anchored keys only (issue 14)


@transaction.atomic
def add_note(tip: Tip, *, actor, text: str) -> TipNote:
    """Seal the note to the desk's active key and the recovery key; store only that."""
    _require(tip_policy.can_add_note(actor, tip))
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("The note is empty."), code="empty")
    if len(text) > NOTE_MAX_CHARS:
        raise ValidationError(_("The note is too long."), code="long")
    envelope = crypto.seal(text.encode(), _note_recipients(tip), context=_note_context(tip))
    note = TipNote.objects.create(tip=tip, author=actor, ciphertext=envelope)
    _event(tip, actor, TipEvent.Kind.NOTE, "", note.pk)
    audit.record(tip, "tips.note", user=actor, data={"note": note.pk})
    return note


def open_note(note: TipNote, desk_keys: dict[int, bytes], key_ids: dict[str, int]) -> str | None:
    """The note's text, or None if none of the unlocked keys opens it.

    ``key_ids`` maps key fingerprints to DeskKey ids (see :func:`desk_key_ids`).
    """
    envelope = bytes(note.ciphertext)
    for key_id, _suite in crypto.envelope_recipients(envelope):
        pk = key_ids.get(key_id)
        if pk is not None and pk in desk_keys:
            try:
                return crypto.open_sealed(
                    envelope,
                    key_id=key_id,
                    private_key=desk_keys[pk],
                    context=_note_context(note.tip),
                ).decode()
            except crypto.CryptoError:
                return None
    return None


def desk_key_ids(desk_keys: dict[int, bytes]) -> dict[str, int]:
    from tips.models import DeskKey

    return {dk.key_id: dk.pk for dk in DeskKey.objects.filter(pk__in=list(desk_keys))}


# --------------------------------------------------------------------------- readers


def _reader_context(tip: Tip, user) -> bytes:
    return f"tip-reader:{tip.reference}:{user.pk}".encode()


@transaction.atomic
def add_reader(tip: Tip, *, actor, reader, document: dict) -> TipReader:
    """Give ``reader`` read-only access to this one tip: the opened document is sealed to
    their personal key (they need a vault), so they can read it without the desk key."""
    import json

    from tips.models import InvestigatorKey, reader_expiry

    _require(tip_policy.can_add_reader(actor, tip))
    try:
        personal = InvestigatorKey.objects.get(user=reader)
    except InvestigatorKey.DoesNotExist:
        raise ValidationError(
            _("This person has no vault yet: they must set one up first."), code="novault"
        ) from None
    from tips.trust import check_investigator_key

    check_investigator_key(personal)  # never seal to a key swapped in the database
    sealed = crypto.seal(
        json.dumps(document).encode(), [personal.recipient], context=_reader_context(tip, reader)
    )
    entry, _created = TipReader.objects.update_or_create(
        tip=tip,
        user=reader,
        defaults={"granted_by": actor, "sealed_document": sealed, "expires_at": reader_expiry()},
    )
    _event(tip, actor, TipEvent.Kind.READER, "", reader.pk)
    audit.record(tip, "tips.reader", user=actor, data={"reader": reader.pk})
    return entry


def open_reader_copy(tip: Tip, user, personal_private: bytes) -> dict | None:
    import json

    from tips.models import InvestigatorKey

    entry = TipReader.objects.filter(tip=tip, user=user).first()
    if entry is None or not entry.sealed_document:
        return None
    personal = InvestigatorKey.objects.filter(user=user).first()
    if personal is None:
        return None
    try:
        raw = crypto.open_sealed(
            bytes(entry.sealed_document),
            key_id=personal.key_id,
            private_key=personal_private,
            context=_reader_context(tip, user),
        )
    except crypto.CryptoError:
        return None
    return json.loads(raw)


# --------------------------------------------------------------------------- bulk


def bulk_apply(tips, *, actor, action: str, value=None) -> tuple[int, int]:
    """Apply one action to several tips, each checked by the policy. Returns (done, refused)."""
    done = refused = 0
    for tip in tips:
        try:
            if action == "assign":
                assign(tip, actor=actor, assignee=value)
            elif action == "status":
                set_status(tip, actor=actor, status=value)
            elif action == "spam":
                set_status(tip, actor=actor, status=S.CLOSED_SPAM)
            else:
                raise ValidationError("unknown action")
        except (PermissionDenied, ValidationError):
            refused += 1
        else:
            done += 1
    return done, refused
