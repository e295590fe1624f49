"""Ordering an incident's tips by when their photos and videos were taken.

The capture time is sealed in the tip, and only there when the citizen agreed to share it
(``tips.incident``): the queue cannot ask the database to sort on it. In the unlocked vault
the queue orders every page from an index of the listed tips' times
(``tips.admin.capture_index``); when there are too many tips for it, only the rows of the
page shown (:func:`by_capture_time`).
"""

from __future__ import annotations

import re

#: ISO 8601 from video tags ("2026-11-28T21:14:05.000000Z") or EXIF from photos
#: ("2026:11:28 21:09:30"). EXIF carries no time zone (the camera's clock): both are
#: compared as written, to the second.
_WHEN = re.compile(r"^(\d{4})[-:](\d{2})[-:](\d{2})[T ](\d{2}):(\d{2}):(\d{2})")

#: The value of the queue's "captured" parameter that asks for this order.
EARLIEST = "earliest"


def normalise(value) -> str | None:
    """``YYYY-MM-DD HH:MM:SS`` from a sealed capture time, or None if it is not one."""
    match = _WHEN.match(str(value or ""))
    if not match:
        return None
    y, mo, d, h, mi, s = match.groups()
    return f"{y}-{mo}-{d} {h}:{mi}:{s}"


def earliest_capture(document: dict | None) -> str | None:
    """The earliest shared capture time among a tip's files (None: none shared)."""
    times = [
        normalise(entry.get("captured_at"))
        for entry in (document or {}).get("attachments") or ()
        if isinstance(entry, dict)
    ]
    times = [t for t in times if t]
    return min(times) if times else None


def by_capture_time(tips: list) -> list:
    """Tips with a shared capture time first, earliest first; then the others, in the
    order they came (a stable sort). Reads ``tip._captured_at``."""
    return sorted(
        tips, key=lambda t: (getattr(t, "_captured_at", None) is None, t._captured_at or "")
    )
