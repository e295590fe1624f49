"""``/media/<path>`` streamed from the public media storage (the object store).

Used when public images live in a bucket and no proxy serves ``/media/`` (``make run`` with
the S3 variables, or a deployment without the shipped nginx media location): pages name the
site's own ``/media/…`` URLs, never the store. Only the public media storage
(``storages["default"]``) is read, never the tips store, and only Wagtail's image prefixes
(``MEDIA_PUBLIC_PREFIXES``). A store that fails answers 503 with ``Retry-After``.
"""

from __future__ import annotations

import logging
import mimetypes
import posixpath

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from .storage import STORAGE_ERRORS

logger = logging.getLogger(__name__)
_CHUNK = 64 * 1024


def clean_media_path(path: str) -> str | None:
    """``path`` if it is a plain relative name under a public prefix, else None."""
    if not path or "\\" in path or "\x00" in path or path.startswith("/"):
        return None
    normal = posixpath.normpath(path)
    if normal != path or normal.startswith("..") or "/../" in f"/{normal}/":
        return None
    prefixes = tuple(getattr(settings, "MEDIA_PUBLIC_PREFIXES", ()))
    if not normal.startswith(prefixes):
        return None
    return normal


@require_safe
def serve_media(request, path):
    name = clean_media_path(path)
    if name is None:
        raise Http404
    try:
        fh = default_storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    except STORAGE_ERRORS as exc:
        logger.error("media: storage unavailable (%s)", type(exc).__name__)
        response = HttpResponse(status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "30"
        response["Cache-Control"] = "no-store"
        return response
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(fh, content_type=content_type)
    response.block_size = _CHUNK
    seconds = int(getattr(settings, "MEDIA_CACHE_SECONDS", 7 * 24 * 3600))
    response["Cache-Control"] = f"public, max-age={seconds}"
    response["Expires"] = http_date(_now() + seconds)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


def _now() -> float:
    import time

    return time.time()
