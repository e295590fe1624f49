"""The cluster-wide cap on background cleanings (``tips.cleaning``).

``TIP_VIDEO_CLEANERS_PER_PROCESS`` bounds one web process; every process of every node
also needs one of ``TIP_VIDEO_CLEANERS_TOTAL`` places, rows of ``CleaningSlot`` in the
shared database (SQLite or PostgreSQL alike: no lock held, no advisory lock). A place is
taken by a conditional UPDATE (free, or its expiry passed) naming the cleaning's claim as
holder, renewed with the upload's claim while the cleaning runs (``keep_alive``), and
released when it ends, whatever the ending. A worker killed mid-cleaning releases
nothing: its place lapses ``CLAIM_SECONDS`` after its last renewal, and a later poll takes
it. The rows are made on first need (``number`` 0 to total - 1); lowering the setting
leaves the rows above it unused.
"""

from __future__ import annotations

import datetime
import logging
import threading

from django.conf import settings
from django.db import connections
from django.db.models import Q
from django.utils import timezone

from .models import CleaningSlot

logger = logging.getLogger(__name__)


def total() -> int:
    return max(1, int(settings.TIP_VIDEO_CLEANERS_TOTAL))


def _free(now):
    return Q(until__isnull=True) | Q(until__lt=now)


def take(holder: str, seconds: float) -> int | None:
    """A free place for ``holder`` until ``seconds`` from now (its number), or None when
    all are held. Raises ``DatabaseError`` (the caller answers 503)."""
    count = total()
    for _attempt in range(2):
        now = timezone.now()
        until = now + datetime.timedelta(seconds=seconds)
        places = CleaningSlot.objects.filter(number__lt=count)
        for number in list(places.filter(_free(now)).values_list("number", flat=True)):
            # Conditional: of two processes that saw it free, one wins.
            if places.filter(_free(now), number=number).update(holder=holder, until=until):
                return number
        if places.count() >= count:
            return None
        rows = [CleaningSlot(number=n) for n in range(count)]
        CleaningSlot.objects.bulk_create(rows, ignore_conflicts=True)
    return None


def renew(number: int, holder: str, seconds: float) -> int:
    until = timezone.now() + datetime.timedelta(seconds=seconds)
    return CleaningSlot.objects.filter(number=number, holder=holder).update(until=until)


def release(number: int, holder: str) -> None:
    """Free the place (a database error only lets it lapse)."""
    try:
        CleaningSlot.objects.filter(number=number, holder=holder).update(holder="", until=None)
    except Exception as exc:  # noqa: BLE001 - never in the way of the rest of the clean-up
        logger.warning("cleaning slot not released (%s)", type(exc).__name__)


def release_held(holders) -> None:
    """The places of a process that exits (``cleaning.release_claims``)."""
    holders = [h for h in holders if h]
    if holders:
        CleaningSlot.objects.filter(holder__in=holders).update(holder="", until=None)


def keep_alive(tick, every: float) -> threading.Event:
    """Call ``tick()`` every ``every`` seconds in a daemon thread until the returned event
    is set; a failing tick (a database blip) is logged and the next one tried (claims
    not renewed for ``CLAIM_SECONDS`` lapse on their own)."""
    stop = threading.Event()

    def body():
        try:
            while not stop.wait(every):
                try:
                    tick()
                except Exception as exc:  # noqa: BLE001 - a missed renewal only lets it lapse
                    logger.warning("cleaning claim not renewed (%s)", type(exc).__name__)
                    connections.close_all()  # a broken connection is opened again
        finally:
            connections.close_all()  # this thread's own connections

    threading.Thread(target=body, name="tip-clean-renew", daemon=True).start()
    return stop
