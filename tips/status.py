"""A tip's status: the values, what "closed" means, and which changes are allowed.

The triage services (:mod:`tips.triage`) enforce the transitions; the queue, the dashboard
panel, the health counts and retention ask :data:`CLOSED_STATUSES` what is closed.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TipStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_REVIEW = "in_review", _("In review")
    ACTIONABLE = "actionable", _("Actionable")
    FORWARDED = "forwarded", _("Forwarded to case")
    CLOSED_NO_ACTION = "closed_no_action", _("Closed: no action")
    CLOSED_DUPLICATE = "closed_duplicate", _("Closed: duplicate")
    CLOSED_SPAM = "closed_spam", _("Closed: spam")


S = TipStatus

#: The closed statuses: a closed tip has ``closed_at`` set and is purged after retention.
CLOSED_STATUSES = (S.CLOSED_NO_ACTION, S.CLOSED_DUPLICATE, S.CLOSED_SPAM)

_CLOSED = set(CLOSED_STATUSES)

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


def is_closed(status: str) -> bool:
    return status in _CLOSED


def can_move(old: str, new: str) -> bool:
    return new in TRANSITIONS.get(old, set())


def next_statuses(status: str) -> list[str]:
    """The statuses a tip in ``status`` may move to, in the choices' order."""
    return [s for s in S.values if can_move(status, s)]
