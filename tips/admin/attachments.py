"""Serving decrypted files to investigators: a tip's attachments and the photos sent with
answers go through one helper, :func:`serve_decrypted` (inline for safe image types only,
otherwise a download; never cached, never sniffed, sandboxed; audited)."""

from __future__ import annotations

import logging
import mimetypes

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.cache import never_cache

from mostwanted.storage import STORAGE_ERRORS
from tips import audit, crypto
from tips.admin import content
from tips.admin.detail import visible_tip_or_404
from tips.attachments import (
    INLINE_IMAGE_TYPES,
    attachment_entry,
    attachment_response,
    open_encrypted,
    storage_unavailable_response,
)
from tips.permissions import tip_policy

logger = logging.getLogger(__name__)


def serve_decrypted(
    request,
    *,
    tip,
    entry: dict,
    storage_name: str,
    download: bool,
    audit_action: str,
    audit_data: dict,
    default_name: str,
    log_label: str,
    bin_unknown_types: bool = False,
):
    """Stream the file ``storage_name``, decrypted with the key of its sealed-document
    ``entry`` (name, content_type, key). A store that is down gets the "unavailable"
    answer, a key or file that does not decrypt a 404; the view is audited as
    ``audit_action`` with ``audit_data`` and whether it was a download.

    ``bin_unknown_types``: add ``.bin`` to the name of a type with no known extension."""
    content_type = entry.get("content_type") or "application/octet-stream"
    inline = not download and content_type in INLINE_IMAGE_TYPES
    try:
        reader = open_encrypted(storage_name, entry["key"])
    except (crypto.CryptoError, ValueError):
        raise Http404 from None
    except STORAGE_ERRORS as exc:  # the store is down or timing out: say so, change nothing
        logger.error("%s: storage unavailable (%s)", log_label, type(exc).__name__)
        back = reverse("tips_admin:detail", args=[tip.pk])
        return storage_unavailable_response(request, back_url=back, inline=inline)
    audit.record(tip, audit_action, user=request.user, data={**audit_data, "download": not inline})
    filename = entry.get("name") or default_name
    if bin_unknown_types and not mimetypes.guess_extension(content_type):
        filename = f"{filename}.bin"
    return attachment_response(
        reader,
        content_type=content_type,
        filename=filename,
        inline=inline,
        log_label=f"{log_label} stream failed",
        log=logger,
    )


def viewable_attachment(request, pk, ordinal):
    """(tip, attachment, opened tip document) for a view that serves the attachment: 404 for
    a tip or attachment not there (or not visible), 403 without the right or the key."""
    tip = visible_tip_or_404(request, pk)
    if not tip_policy.can_view_attachment(request.user, tip):
        raise PermissionDenied
    item = get_object_or_404(tip.attachments, ordinal=ordinal)
    return tip, item, content.open_tip_or_403(request, tip)


@never_cache
def attachment(request, pk, ordinal, download=False):
    """Stream a decrypted attachment (inline image, or download). Same-origin, no-store."""
    tip, item, document = viewable_attachment(request, pk, ordinal)
    try:
        entry = attachment_entry(item, document)
    except crypto.CryptoError:
        raise Http404 from None
    return serve_decrypted(
        request,
        tip=tip,
        entry=entry,
        storage_name=item.storage_name,
        download=download,
        audit_action="tips.view_attachment",
        audit_data={"ordinal": item.ordinal},
        default_name=f"{tip.reference}-{item.ordinal + 1}",
        log_label="attachment",
        bin_unknown_types=True,
    )
