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
import time

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from .storage import STORAGE_ERRORS, is_s3

logger = logging.getLogger(__name__)
_CHUNK = 64 * 1024


def clean_media_path(path: str) -> str | None:
    """``path`` if it is a plain relative name under a public prefix, else None."""
    if not path or "\\" in path or "\x00" in path or path.startswith("/"):
        return None
    normal = posixpath.normpath(path)
    if normal != path or normal.startswith("..") or "/../" in f"/{normal}/":
        return None
    prefixes = tuple(settings.MEDIA_PUBLIC_PREFIXES)
    if not normal.startswith(prefixes):
        return None
    return normal


@require_safe
def serve_media(request, path):
    name = clean_media_path(path)
    if name is None:
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    try:
        if is_s3(default_storage):
            response = _from_bucket(default_storage, name, content_type)
        else:
            response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
            response.block_size = _CHUNK
    except FileNotFoundError:
        raise Http404 from None
    except STORAGE_ERRORS as exc:
        logger.error("media: storage unavailable (%s)", type(exc).__name__)
        response = HttpResponse(status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "30"
        response["Cache-Control"] = "no-store"
        return response
    seconds = int(settings.MEDIA_CACHE_SECONDS)
    response["Cache-Control"] = f"public, max-age={seconds}"
    response["Expires"] = http_date(_now() + seconds)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


def _from_bucket(storage, name: str, content_type: str) -> StreamingHttpResponse:
    """One GET streamed from the bucket (S3File would HEAD first, then download it whole)."""
    from botocore.exceptions import ClientError  # S3 only

    key = storage._normalize_name(name)
    try:
        got = storage.bucket.Object(key).get()
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
            raise FileNotFoundError(name) from None
        raise
    body = got["Body"]

    def chunks():
        try:
            yield from body.iter_chunks(_CHUNK)
        finally:
            body.close()

    response = StreamingHttpResponse(chunks(), content_type=content_type)
    response["Content-Length"] = str(got["ContentLength"])
    if got.get("LastModified"):
        response["Last-Modified"] = http_date(got["LastModified"].timestamp())
    return response


def _now() -> float:
    return time.time()
