"""HTTP face of ``tips.cleaning``: ``/tip/upload/<token>/clean/``.

``POST`` asks for the cleaning of a complete upload and answers 202 at once; ``GET``
answers its state as JSON (and starts it again when a claim lapsed without a result).
Both need the ``Upload-Secret`` header, like the tus requests, so, like them, they need
no CSRF token: a page of another site cannot send that header without a CORS preflight
that this site never answers. ``?keep=1`` when "keep when and where" is ticked; ``?n=``
the file's place in the form (for the refusal message, "File 2 …").
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import DatabaseError
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from mostwanted.storage import STORAGE_ERRORS

from . import cleaning, incident, ratelimit, resumable

logger = logging.getLogger(__name__)


def _json(body: dict, status: int) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _admit(request) -> bool:
    """Cleanings started per source (keyed like the tip limits, never the address): as many
    as files begun, so an honest browser never meets it, and a loop of restarts (ticking
    and unticking "keep when and where") cannot hold the cleaners."""
    key = ratelimit.source_key("tus", request)
    return not ratelimit.take("tus-clean", key, settings.TIP_UPLOAD_CREATE_RATE).over


def _number(value: str) -> int:
    # ASCII and short: int() refuses "²" (a digit to isdigit) and numbers of 4 301 digits.
    short = value.isascii() and value.isdigit() and len(value) < 4
    return min(max(int(value), 1), 100) if short else 1


@csrf_exempt
@never_cache
def clean(request, token):
    if request.method not in ("GET", "POST"):
        response = _json({"state": "error"}, 405)
        response["Allow"] = "GET, POST"
        return response
    try:
        secret = resumable.parse_secret(request.headers.get(resumable.SECRET_HEADER))
        upload = resumable.get_live(token)
        state = cleaning.status(
            upload, secret, keep=request.GET.get("keep") == "1", admit=lambda: _admit(request)
        )
    except resumable.UploadError as error:
        return _json({"state": "error", "code": error.code}, error.status)
    except (DatabaseError, *STORAGE_ERRORS) as exc:
        logger.error("cleaning: store unavailable (%s)", type(exc).__name__)
        return _json({"state": "error", "code": "unavailable"}, 503)
    body = {"state": state.state}
    if state.refusal:
        body["message"] = incident.refusal_message(_number(request.GET.get("n", "")), state.refusal)
    waiting = state.state in (cleaning.QUEUED, cleaning.CLEANING)
    return _json(body, 202 if waiting and request.method == "POST" else 200)
