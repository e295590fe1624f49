"""Site-wide error views: a failed CSRF check (``CSRF_FAILURE_VIEW``) and bad requests
(``handler400``), as translated pages instead of Django's bare English ones.

A citizen whose CSRF cookie expired or was blocked must not lose what they wrote: when the
refused request is a POST of the tip form or of a follow-up answer, that form is shown
again with the text kept, a fresh form token and a fresh CSRF cookie. Not when the request
came from another site (Origin or Referer check failed): a forged cross-site POST only gets
the plain 403 page, so another site cannot fill our form in someone's browser.
"""

from __future__ import annotations

import logging

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpResponseBadRequest, HttpResponseForbidden
from django.http.multipartparser import MultiPartParserError
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import Resolver404, resolve

from tips import views as tip_views
from tips.followup import views as followup_views
from tips.padding import pad_page

logger = logging.getLogger(__name__)

#: Reasons (django.middleware.csrf) that mean the POST came from elsewhere.
_CROSS_SITE_REASONS = ("Origin checking failed", "Referer checking failed")

_FALLBACK_400 = (
    "Demande incorrecte · Ongeldig verzoek · Ungültige Anfrage · Bad request. "
    "Urgence / Noodgeval / Notfall / Emergency: 112"
)
_FALLBACK_403 = (
    "Accès refusé · Toegang geweigerd · Zugriff verweigert · Access refused. "
    "Urgence / Noodgeval / Notfall / Emergency: 112"
)


def _match(request):
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
    return match


def _refill_view(request):
    """The tip-line view that can show the refused form again, or None."""
    if request.method != "POST":
        return None
    match = _match(request)
    if match is None or match.namespace != "tips":
        return None
    if match.url_name in ("submit", "submit_for_appeal"):
        return lambda: tip_views.csrf_refused(request, match.kwargs.get("appeal_id"))
    if match.url_name == "followup_answer":
        return lambda: followup_views.csrf_refused(request)
    return None


def _pad_on_tip_line(request, response):
    """The tip line's pages all have one length bucket (tips.padding): these error pages are
    answered by the middleware, outside the tip-line views' own padding, so pad them here."""
    match = _match(request)
    if match is not None and match.namespace == "tips":
        return pad_page(response)
    return response


def csrf_failure(request, reason: str = ""):
    """``CSRF_FAILURE_VIEW``: the tip form or answer again (403, text kept), else a
    translated 403 page. Either way a new CSRF cookie is set for the next try. On the tip
    line, padded like its other pages."""
    return _pad_on_tip_line(request, _csrf_failure(request, reason))


def _csrf_failure(request, reason: str):
    cross_site = reason.startswith(_CROSS_SITE_REASONS)
    if not cross_site:
        get_token(request)  # the response (re)sets the CSRF cookie; forms get a matching token
    refill = None if cross_site else _refill_view(request)
    try:
        if refill is not None:
            try:
                request.POST  # noqa: B018 - the cookie is checked first: the body may be unread
            except (MultiPartParserError, SuspiciousOperation, RequestDataTooBig) as exc:
                logger.warning("unreadable POST after a CSRF failure (%s)", type(exc).__name__)
                return _bad_request(request)
            return refill()
        return render(request, "403.html", {"csrf_failure": True}, status=403)
    except Exception as exc:  # the error page itself must not fail
        logger.error("CSRF failure page could not be rendered (%s)", type(exc).__name__)
        return HttpResponseForbidden(_FALLBACK_403, content_type="text/plain; charset=utf-8")


def bad_request(request, exception=None):
    """``handler400``: a translated page (Django's default renders 400.html without the
    request, so the site's base template could not be used); padded on the tip line."""
    return _pad_on_tip_line(request, _bad_request(request))


def _bad_request(request):
    try:
        return render(request, "400.html", status=400)
    except Exception as exc:  # the error page itself must not fail
        logger.error("400 page could not be rendered (%s)", type(exc).__name__)
        return HttpResponseBadRequest(_FALLBACK_400, content_type="text/plain; charset=utf-8")
