"""What media a tip holds: the one selector the detail page, the queue and the case file
read ("2 photos, 1 video"), so a video's poster frame is never taken for a photo.

A sealed document's ``attachments`` list holds, in order, photos (``kind`` "photo", or no
``kind`` for the general tip form's photos), videos (``kind`` "video", whose ``poster`` is
the ordinal of their poster frame) and those poster frames (``kind`` "poster"). The poster
is shown with its video, never as a photo of its own, and never counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import ngettext

from tips.admin.capture_order import normalise


@dataclass(frozen=True)
class MediaFile:
    """One photo or video: its ordinal in the sealed document and its entry (with its key:
    for the server's eyes only, never a template's)."""

    ordinal: int
    entry: dict = field(repr=False)
    #: A video's poster frame: its ordinal, or None.
    poster: int | None = None


@dataclass(frozen=True)
class TipMedia:
    photos: tuple[MediaFile, ...] = ()
    videos: tuple[MediaFile, ...] = ()
    #: Ordinals of the poster frames (shown with their video only).
    posters: frozenset[int] = frozenset()

    @property
    def count(self) -> int:
        return len(self.photos) + len(self.videos)

    def kind_of(self, ordinal: int) -> str:
        """ "photo", "video" or "poster" for the file at ``ordinal``."""
        if ordinal in self.posters:
            return "poster"
        return "video" if any(v.ordinal == ordinal for v in self.videos) else "photo"

    def summary(self) -> str:
        """ "2 photos, 1 video"; "" for a tip without media."""
        return media_summary(len(self.photos), len(self.videos))


def tip_media(document: dict | None) -> TipMedia:
    """The photos and videos of an opened tip document (posters set apart)."""
    entries = [e if isinstance(e, dict) else {} for e in (document or {}).get("attachments") or []]
    posters = set()
    for entry in entries:
        if entry.get("kind") == "video" and _ordinal(entry.get("poster"), len(entries)) is not None:
            posters.add(entry["poster"])
    posters.update(i for i, e in enumerate(entries) if e.get("kind") == "poster")
    photos, videos = [], []
    for ordinal, entry in enumerate(entries):
        if ordinal in posters:
            continue
        if entry.get("kind") == "video":
            poster = _ordinal(entry.get("poster"), len(entries))
            videos.append(MediaFile(ordinal, entry, poster))
        else:
            photos.append(MediaFile(ordinal, entry))
    return TipMedia(tuple(photos), tuple(videos), frozenset(posters))


def _ordinal(value, length: int) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < length:
        return value
    return None


def media_summary(photos: int, videos: int) -> str:
    """ "2 photos, 1 video", "1 photo", "3 videos"; "" when there are none."""
    parts = []
    if photos:
        parts.append(ngettext("%(count)s photo", "%(count)s photos", photos) % {"count": photos})
    if videos:
        parts.append(ngettext("%(count)s video", "%(count)s videos", videos) % {"count": videos})
    return ", ".join(parts)


def files_summary(count: int) -> str:
    """A locked tip's file count (its kinds are sealed): "3 files"."""
    if not count:
        return ""
    return ngettext("%(count)s file", "%(count)s files", count) % {"count": count}


def position_text(lat, lon) -> str:
    """A link-free text for coordinates: "50.846700 N, 4.352500 E"."""
    return f"{abs(lat):.6f} {'N' if lat >= 0 else 'S'}, {abs(lon):.6f} {'E' if lon >= 0 else 'W'}"


def capture_facts(entry: dict) -> dict:
    """When and where a file was taken, as the citizen chose to share it (or nothing)."""
    facts = {}
    if entry.get("captured_at"):
        # As the queue writes it ("2026-11-28 21:14:05"), not the file's raw ISO tag.
        facts["captured_at"] = normalise(entry.get("captured_at")) or entry["captured_at"]
    if isinstance(entry.get("latitude"), int | float) and isinstance(
        entry.get("longitude"), int | float
    ):
        facts["position"] = position_text(entry["latitude"], entry["longitude"])
    return facts
