"""The capture-time order over every page of the queue, in the unlocked vault.

Capture times are sealed in the tips (and only there when the citizen shared them): the
database cannot sort on them. When an investigator asks for this order with the vault
unlocked, the queue takes the ids of every tip it lists under the current filters (at most
``TIP_CAPTURE_ORDER_MAX``: above it, :class:`TooMany`), opens in memory the tips whose capture
time this vault session does not know yet, and keeps an index {tip id: earliest capture time
or None} beside the vault's keys (:func:`tips.vault.store_extra`: sealed under the key that
only the vault cookie holds, never in clear in the cache, deleted with the vault). The next
pages and later visits open only new tips. Each tip opened here is audited as a preview is
(``tips.preview_decrypt``), in one insert per batch.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from tips import audit, padding, vault
from tips.admin import capture_order, content
from tips.permissions import tip_policy

#: Name of the index beside the vault's keys (``tips.vault``'s session extras).
NAME = "capture"
_VERSION = 1
#: Tips opened per query: their ciphertexts are held in memory together.
_BATCH = 200


class TooMany(Exception):
    """More tips match than ``TIP_CAPTURE_ORDER_MAX``: ask for a narrower filter."""

    def __init__(self, limit: int):
        super().__init__(limit)
        self.limit = limit


@dataclass(frozen=True)
class _Ref:
    """What the policy reads to decide whether a tip may be opened (no row fetched)."""

    pk: int
    desk_id: int


def limit() -> int:
    return int(settings.TIP_CAPTURE_ORDER_MAX)


def _load(request) -> dict[int, str | None]:
    raw = vault.load_extra(request, NAME)
    if not raw:
        return {}
    data = json.loads(raw)
    if data.get("v") != _VERSION:
        return {}
    return {int(pk): when for pk, when in data["t"].items()}


def _store(request, index: dict[int, str | None]) -> None:
    payload = {"v": _VERSION, "t": {str(pk): when for pk, when in index.items()}}
    serialised = json.dumps(payload, separators=(",", ":")).encode()
    # Padded to a size bucket: the sealed length must not tell how many citizens shared a time.
    vault.store_extra(request, NAME, padding.pad_json(serialised))


def ordered_ids(request, queryset, *, opened: Callable[[object, dict], None] | None = None):
    """The ids of ``queryset``'s tips: those with a shared capture time first, earliest
    first, then the others; ties and the others in the order they arrived.

    ``queryset`` is the queue's (the policy's tips, filtered). ``opened(tip, document)`` is
    called for each tip opened here, so that the page shown need not open it again.
    Raises :class:`TooMany`, and :class:`tips.vault.VaultUnavailable` if the cache is down.
    """
    cap = limit()
    rows = list(queryset.order_by("received_at", "pk").values_list("pk", "desk_id")[: cap + 1])
    if len(rows) > cap:
        raise TooMany(cap)
    index = _load(request)
    user = request.user
    readable = [pk for pk, desk_id in rows if tip_policy.can_decrypt(user, _Ref(pk, desk_id))]
    new = [pk for pk in readable if pk not in index]
    for start in range(0, len(new), _BATCH):
        decrypted = []
        batch = queryset.filter(pk__in=new[start : start + _BATCH]).order_by()
        try:  # what was opened is audited even if a later tip breaks the loop
            # Opening needs the desk key's row only, not the rest the queue shows.
            for tip in batch.select_related(None).select_related("desk_key"):
                document = content.open_tip(request, tip)
                if document is not None:
                    decrypted.append(tip)
                # A tip that does not open with this vault's keys will not open later in
                # the same vault session either: remembered as "no time", not retried.
                index[tip.pk] = capture_order.earliest_capture(document)
                if document is not None and opened is not None:
                    opened(tip, document)
        finally:
            audit.record_many(decrypted, "tips.preview_decrypt", user=user)
    if new:
        if len(index) > 2 * cap:  # other filters' tips: keep the index bounded
            listed = {pk for pk, _desk in rows}
            index = {pk: when for pk, when in index.items() if pk in listed}
        _store(request, index)
    # Only what this user may read now places a tip (a membership may end mid-session).
    known = {pk: index.get(pk) for pk in readable}
    ids = [pk for pk, _desk in rows]
    return sorted(ids, key=lambda pk: (known.get(pk) is None, known.get(pk) or ""))
