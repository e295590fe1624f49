"""The HTTP toolkit of the public tip-line views (the tip form and the follow-up).

* :func:`no_store`: the response headers of every public tip-line page (nothing kept by a
  browser or a proxy; a Referrer-Policy that keeps form POSTs working).
* :func:`close_uploads`: the clean-up after a request with files (the encrypted temporary
  uploads of :mod:`tips.uploads` are deleted when closed).
"""

from __future__ import annotations

import logging

from django.http import HttpResponse

logger = logging.getLogger(__name__)


def no_store(response: HttpResponse) -> HttpResponse:
    """Mark ``response`` as never to be stored (browser, history, proxy)."""
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, max-age=0, private"
    response["Pragma"] = "no-cache"
    # Not "no-referrer": under it browsers send "Origin: null" with a form POST (Fetch spec),
    # which Django's CSRF check refuses. "same-origin" still sends nothing to any other site;
    # SecurityMiddleware only sets the header when the view has not.
    response["Referrer-Policy"] = "same-origin"
    return response


def close_uploads(request) -> None:
    """Close (and so delete) every encrypted temporary upload of this request."""
    files = getattr(request, "_files", None)  # never trigger parsing here
    if not files:
        return
    for name in list(files.keys()):
        for uploaded in files.getlist(name):
            try:
                uploaded.close()
            except Exception as exc:  # noqa: BLE001 - closing is best effort
                logger.warning("could not close an upload: %s", type(exc).__name__)
