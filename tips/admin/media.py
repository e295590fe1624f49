"""Incident media in the tip detail: videos streamed and decrypted on the fly, with HTTP
Range requests (seeking), the sealed hash, capture time and position shown beside them.

The stored file is the clean re-mux (``tips.video_sandbox``); it is decrypted 64 KiB chunk
by chunk from the requested offset (``crypto.SeekableDecryptingReader``: each chunk is
authenticated before a byte of it is sent). Opening a video (a request from its first byte)
is audited as an attachment view; the further range requests of the same playback are not
(they would flood the trail); the download link is the ordinary, audited attachment
download of the clean file.
"""

from __future__ import annotations

import logging
import re

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache

from mostwanted.storage import STORAGE_ERRORS
from tips import audit, crypto, media_store
from tips.admin.attachments import viewable_attachment
from tips.admin.tip_media import capture_facts
from tips.attachments import attachment_entry

logger = logging.getLogger(__name__)

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_PIECE = 64 * 1024
#: At most this much is sent for an open-ended range: the browser asks again.
_MAX_RANGE = 8 * 1024 * 1024


def media_items(tip, media) -> list[dict]:
    """The videos of an opened tip (``tips.admin.tip_media.TipMedia``) with what the
    template shows beside each: the poster is the video's, never a photo of its own."""
    items = []
    for video in media.videos:
        entry = video.entry
        item = {
            "ordinal": video.ordinal,
            "number": len(items) + 1,
            "name": entry.get("name", ""),
            "stream_url": reverse("tips_admin:video", args=[tip.pk, video.ordinal]),
            "download_url": reverse("tips_admin:attachment_download", args=[tip.pk, video.ordinal]),
            "poster_url": reverse("tips_admin:attachment", args=[tip.pk, video.poster])
            if video.poster is not None
            else "",
            "content_type": entry.get("content_type", ""),
            "size": entry.get("size"),
            "sha256": entry.get("sha256", ""),
            "original_size": entry.get("original_size"),
            "duration": entry.get("duration"),
            "resolution": f"{entry.get('width')}×{entry.get('height')}",
            "codec": entry.get("codec", ""),
            **capture_facts(entry),
        }
        items.append(item)
    return items


def _parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(start, end inclusive) of a single "bytes=" range, or None for the whole file."""
    match = _RANGE.match((header or "").strip())
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":  # the last N bytes
        start = max(0, size - int(last))
        end = size - 1
    else:
        start = int(first)
        end = min(size - 1, int(last)) if last else min(size - 1, start + _MAX_RANGE - 1)
    if start >= size or end < start:
        raise ValueError("unsatisfiable")
    return start, end


def _stream(reader, start: int, length: int):
    try:
        reader.seek(start)
        left = length
        while left > 0:
            data = reader.read(min(_PIECE, left))
            if not data:
                break
            left -= len(data)
            yield data
    except (crypto.CryptoError, *STORAGE_ERRORS) as exc:
        logger.warning("video stream failed: %s", type(exc).__name__)
    finally:
        reader.close()


@never_cache
def video(request, pk, ordinal):
    tip, item, document = viewable_attachment(request, pk, ordinal)
    try:
        entry = attachment_entry(item, document)
        if entry.get("kind") != "video":
            raise Http404
        fh = media_store.open_ranged(item.storage_name)  # ranged GETs on S3
        reader = crypto.SeekableDecryptingReader(fh, bytes.fromhex(entry["key"]), close_source=True)
    except crypto.CryptoError:
        raise Http404 from None
    except STORAGE_ERRORS as exc:
        logger.error("video: storage unavailable (%s)", type(exc).__name__)
        return HttpResponse(status=503, headers={"Retry-After": "60"})
    size = reader.size
    try:
        wanted = _parse_range(request.headers.get("Range"), size)
    except ValueError:
        reader.close()
        return HttpResponse(status=416, headers={"Content-Range": f"bytes */{size}"})
    start, end = wanted if wanted else (0, size - 1)
    if start == 0:  # a playback starts (the seeks within it are not separate views)
        audit.record(
            tip,
            "tips.view_attachment",
            user=request.user,
            data={"ordinal": item.ordinal, "download": False},
        )
    response = StreamingHttpResponse(
        _stream(reader, start, end - start + 1),
        status=206 if wanted else 200,
        content_type=entry.get("content_type") or "video/mp4",
    )
    response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    if wanted:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
