"""HTTP face of ``tips.resumable`` (tus 1.0): thin views, the protocol lives there.

Not CSRF-protected by token: every request must carry the ``Tus-Resumable`` and
``Upload-Secret`` headers, which a page of another site cannot send without a CORS
preflight that this site never answers, and an upload only ever becomes a tip through the
(CSRF-protected) incident form.
"""

from __future__ import annotations

import logging
from email.utils import format_datetime

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from mostwanted.storage import STORAGE_ERRORS

from . import ratelimit, resumable

logger = logging.getLogger(__name__)


def _response(status: int, **headers) -> HttpResponse:
    response = HttpResponse(status=status)
    response["Tus-Resumable"] = resumable.TUS_VERSION
    response["Cache-Control"] = "no-store"
    for name, value in headers.items():
        response[name.replace("_", "-")] = str(value)
    return response


def _refusal(error: resumable.UploadError) -> HttpResponse:
    response = _response(error.status)
    response.content = error.code.encode()
    response["Content-Type"] = "text/plain; charset=utf-8"
    return response


def _options() -> HttpResponse:
    return _response(
        204,
        Tus_Version=resumable.TUS_VERSION,
        Tus_Extension=resumable.EXTENSIONS,
        Tus_Max_Size=resumable.max_file_bytes(),
        Tus_Checksum_Algorithm=resumable.CHECKSUM_ALGORITHMS,
    )


def _check_version(request) -> None:
    if request.headers.get("Tus-Resumable") != resumable.TUS_VERSION:
        raise resumable.UploadError(412, "version")


def _expires(upload) -> str:
    return format_datetime(upload.expires_at, usegmt=True)


def _appeal(metadata):
    from .incident import open_incident

    value = metadata.get("appeal", "")
    return open_incident(int(value)) if value.isdigit() else None


@csrf_exempt
@never_cache
def collection(request):
    """OPTIONS (discovery) and POST (creation)."""
    if request.method == "OPTIONS":
        return _options()
    if request.method != "POST":
        return _response(405, Allow="OPTIONS, POST")
    try:
        _check_version(request)
        secret = resumable.parse_secret(request.headers.get(resumable.SECRET_HEADER))
        metadata = resumable.parse_metadata(request.headers.get("Upload-Metadata"))
        appeal = _appeal(metadata)
        if appeal is None:
            raise resumable.UploadError(403, "intake_closed")
        try:
            length = int(request.headers.get("Upload-Length", ""))
        except ValueError:
            raise resumable.UploadError(400, "length_missing") from None
        # Files per source (keyed like the tip limits: a daily HMAC, never the address).
        rate = settings.TIP_UPLOAD_CREATE_RATE
        counted = ratelimit.take("tus-create", ratelimit.source_key("tus", request), rate)
        if counted.over:
            return _response(429, Retry_After=counted.wait_seconds)
        upload = resumable.create(length=length, metadata=metadata, secret=secret, appeal=appeal)
    except resumable.UploadError as error:
        return _refusal(error)
    except DatabaseError as exc:
        logger.error("upload: database unavailable (%s)", type(exc).__name__)
        return _response(503, Retry_After=60)
    # A path, resolved by the client against the endpoint: right behind any proxy or onion.
    location = reverse("tips:upload", args=[upload.token])
    return _response(201, Location=location, Upload_Expires=_expires(upload), Upload_Offset=0)


@csrf_exempt
@never_cache
def upload(request, token):
    """HEAD (offset), PATCH (append), DELETE (termination), OPTIONS."""
    if request.method == "OPTIONS":
        return _options()
    if request.method not in ("HEAD", "PATCH", "DELETE"):
        return _response(405, Allow="OPTIONS, HEAD, PATCH, DELETE")
    try:
        _check_version(request)
        secret = resumable.parse_secret(request.headers.get(resumable.SECRET_HEADER))
        item = resumable.get_live(token)
        key = resumable.unwrap_file_key(item, secret)  # only the uploading browser may see or act
        if request.method == "HEAD":
            return _response(
                200,
                Upload_Offset=item.offset,
                Upload_Length=item.length,
                Upload_Expires=_expires(item),
            )
        if request.method == "DELETE":
            resumable.terminate(item)
            return _response(204)
        return _patch(request, item, secret, key)
    except resumable.UploadError as error:
        return _refusal(error)
    except (DatabaseError, *STORAGE_ERRORS) as exc:
        logger.error("upload: store unavailable (%s)", type(exc).__name__)
        return _response(503, Retry_After=60)


def _patch(request, item, secret, key) -> HttpResponse:
    if request.content_type != "application/offset+octet-stream":
        return _response(415)
    try:
        offset = int(request.headers.get("Upload-Offset", ""))
    except ValueError:
        return _response(400)
    length_header = request.headers.get("Content-Length")
    checksum = resumable.parse_checksum(request.headers.get("Upload-Checksum"))
    new_offset = resumable.append(
        item,
        offset=offset,
        body=request,
        content_length=int(length_header) if length_header else None,
        secret=secret,
        checksum=checksum,
        key=key,
    )
    return _response(204, Upload_Offset=new_offset, Upload_Expires=_expires(item))
