"""Tip counts for the menu badge, the queue header and the queue's paginator, cached in
the shared cache.

Every admin page of a user with tip access shows the counts in the Tips menu, and the
queue's paginator needs the number of matching tips, so they must not cost a GROUP BY or a
COUNT over all the desk's tips on each request. One query counts the visible tips per
(desk, status, priority), index-only; the badge, the header and the total of a listing
filtered on desk, status and priority only are sums over it. They are cached per *scope*
(the set of tips a user may see: all for supervisors, else their desks and the tips they
read) for :data:`COUNTS_TTL` seconds, and all cached counts are invalidated at once
when a tip is created, deleted or changes status or priority (a new random generation
token, so concurrent processes sharing Redis agree without a race on a counter). A cache
outage costs the query, never an error. The counts hold numbers only: no tip content, no
reference. ``QuerySet.update()`` and ``bulk_create`` send no signal: call
:func:`invalidate` after them (or live with counts up to ``COUNTS_TTL`` old).
"""

from __future__ import annotations

import hashlib
import logging
import secrets

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count
from django.db.models.signals import post_delete, post_save

from tips.models import Tip
from tips.permissions import tip_policy

logger = logging.getLogger(__name__)

#: Upper bound on how stale a badge may be if an invalidation is missed (bulk SQL updates).
COUNTS_TTL = 30
GENERATION_KEY = "tips:counts:generation"
_MEMO_ATTR = "_tip_count_matrix"


def _generation() -> str:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = secrets.token_hex(8)
        if not cache.add(GENERATION_KEY, generation, None):
            generation = cache.get(GENERATION_KEY) or generation
    return generation


def _scope_key(user) -> str:
    digest = hashlib.sha256(repr(tip_policy.scope(user)).encode()).hexdigest()[:32]
    return f"tips:counts:{_generation()}:{digest}"


def _query(user) -> list[tuple[int, str, str, int]]:
    # Index-only on PostgreSQL and SQLite: tips_tip_desk_status_prio covers these columns.
    rows = (
        tip_policy.visible_tips(user)
        .order_by()
        .values_list("desk_id", "status", "priority")
        .annotate(n=Count("*"))  # COUNT(id) would rule out an index-only scan on PostgreSQL
    )
    return [tuple(row) for row in rows]


def matrix(user) -> list[tuple[int, str, str, int]]:
    """``(desk_id, status, priority, count)`` of the tips ``user`` may see, cached (see the
    module docstring) and memoised on the user for the request."""
    memo = getattr(user, _MEMO_ATTR, None)
    if memo is not None:
        return memo
    if not tip_policy.can_access_area(user):
        rows: list = []
    else:
        try:
            key = _scope_key(user)
            rows = cache.get(key)
        except Exception as exc:  # noqa: BLE001 - a cache outage costs the query
            logger.warning("tip counts cache unavailable: %s", type(exc).__name__)
            key, rows = None, None
        if rows is None:
            rows = _query(user)
            if key is not None:
                try:
                    cache.set(key, rows, COUNTS_TTL)
                except Exception as exc:  # noqa: BLE001
                    logger.warning("tip counts cache unavailable: %s", type(exc).__name__)
    setattr(user, _MEMO_ATTR, rows)
    return rows


def status_counts(user) -> dict[str, int]:
    """Tips per status among those ``user`` may see."""
    counts: dict[str, int] = {}
    for _desk, status, _priority, n in matrix(user):
        counts[status] = counts.get(status, 0) + n
    return counts


def count(user, *, desk_id=None, statuses=(), priorities=()) -> int:
    """How many visible tips match these filters (empty means any), from :func:`matrix`."""
    return sum(
        n
        for desk, status, priority, n in matrix(user)
        if (desk_id is None or desk == desk_id)
        and (not statuses or status in statuses)
        and (not priorities or priority in priorities)
    )


def invalidate() -> None:
    """Drop every cached count (a new generation; old entries expire on their own)."""
    try:
        cache.set(GENERATION_KEY, secrets.token_hex(8), None)
    except Exception as exc:  # noqa: BLE001 - then counts are at most COUNTS_TTL stale
        logger.warning("tip counts cache unavailable: %s", type(exc).__name__)


def _invalidate_now_and_on_commit() -> None:
    # Now (this transaction's own requests) and after commit (a request of another
    # process may have cached the pre-commit counts in between).
    invalidate()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(invalidate)


def _on_save(sender, instance, created, update_fields=None, **kwargs):
    if created or update_fields is None or {"status", "priority", "desk"} & set(update_fields):
        _invalidate_now_and_on_commit()


def _on_delete(sender, instance, **kwargs):
    _invalidate_now_and_on_commit()


def connect() -> None:
    post_save.connect(_on_save, sender=Tip, dispatch_uid="tips_counts_save")
    post_delete.connect(_on_delete, sender=Tip, dispatch_uid="tips_counts_delete")
