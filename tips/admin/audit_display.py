"""Human-readable audit entries: every action's label and its details as "label: value".

The stored ``data`` holds routing values only (ids, status names, counts, flags); here they
become words in the reader's language (a status label, a user name, "viewed in the
browser") instead of ``unlocked=True``.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import registry

from appeals.models import Desk
from tips.models import TipPriority, TipStatus

_PURGE_REASONS = {
    "manual": gettext_lazy("purged by hand"),
    "retention": gettext_lazy("retention period over"),
}


def action_label(action: str) -> str:
    """The registered label of ``action`` (tips and follow-up actions alike)."""
    registry.scan_for_actions()
    formatter = registry.formatters.get(action)
    return str(formatter.label) if formatter is not None else action


def _yes_no(value, yes, no):
    return yes if value else no


def _status(value):
    return str(TipStatus(value).label) if value in TipStatus.values else str(value or "—")


def _priority(value):
    return str(TipPriority(value).label) if value in TipPriority.values else str(value or "—")


def _count(value):
    return str(len(value)) if isinstance(value, list | tuple) else str(value)


class Describer:
    """Details of many entries, with the users and desks they name looked up at once."""

    def __init__(self, entries):
        user_ids, desk_ids = set(), set()
        for entry in entries:
            data = entry.data or {}
            if entry.action == "tips.assign":
                user_ids.update(int(v) for v in (data.get("from"), data.get("to")) if _is_id(v))
            if _is_id(data.get("reader")):
                user_ids.add(int(data["reader"]))
            if _is_id(data.get("desk")):
                desk_ids.add(int(data["desk"]))
        self.users = {u.pk: u for u in get_user_model().objects.filter(pk__in=user_ids)}
        self.desks = {d.pk: d for d in Desk.objects.filter(pk__in=desk_ids)}

    def _user(self, pk):
        if not _is_id(pk):
            return _("nobody")
        user = self.users.get(int(pk))
        return (user.get_full_name() or user.get_username()) if user else f"#{pk}"

    def _desk(self, pk):
        desk = self.desks.get(int(pk)) if _is_id(pk) else None
        return str(desk) if desk else f"#{pk}"

    def details(self, entry) -> list[str]:
        """``entry.data`` as short sentences ("Status: In review → Closed: spam")."""
        data = dict(entry.data or {})
        action = entry.action
        lines = []
        if action in ("tips.status", "tips.priority", "tips.assign") and (
            "from" in data or "to" in data
        ):
            show = {"tips.status": _status, "tips.priority": _priority}.get(action, self._user)
            lines.append(f"{show(data.pop('from', None))} → {show(data.pop('to', None))}")
        for key, value in data.items():
            lines.append(self._one(key, value))
        return lines

    def _one(self, key, value) -> str:  # noqa: PLR0911 - one line per known key
        if key == "unlocked":
            return _yes_no(value, _("vault unlocked"), _("vault locked"))
        if key == "desk_keys":
            return _("desk keys unlocked: %(n)s") % {"n": value}
        if key == "ordinal":
            return _("photo %(n)s") % {"n": int(value) + 1 if _is_id(value) else value}
        if key == "download":
            return _yes_no(value, _("downloaded"), _("viewed in the browser"))
        if key == "format":
            return _("format: %(format)s") % {"format": str(value).upper()}
        if key == "desk":
            return _("desk: %(desk)s") % {"desk": self._desk(value)}
        if key == "wraps":
            return _("keys passed on: %(n)s") % {"n": value}
        if key == "starred":
            return _yes_no(value, _("starred"), _("star removed"))
        if key == "unread":
            return _yes_no(value, _("marked unread"), _("marked read"))
        if key == "note":
            return _("note no. %(n)s") % {"n": value}
        if key == "reader":
            return _("reader: %(user)s") % {"user": self._user(value)}
        if key == "reason":
            return _("reason: %(reason)s") % {"reason": _PURGE_REASONS.get(value, value)}
        if key == "status":
            return _("status: %(status)s") % {"status": _status(value)}
        if key == "message":
            return _("message no. %(n)s") % {"n": value}
        if key == "messages":
            return _("messages: %(n)s") % {"n": _count(value)}
        if key == "photos":
            return _("photos: %(n)s") % {"n": value}
        if key == "new":
            return _("newly read: %(n)s") % {"n": value}
        return f"{key.replace('_', ' ')}: {value}"


def _is_id(value) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, str) and value.isdigit())
