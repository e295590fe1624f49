"""Security headers that Django's SecurityMiddleware does not set itself."""

import re
import time

from csp.constants import SELF
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

_POST_FORM = re.compile(rb"<form\b[^>]*method=[\"']?post", re.IGNORECASE)


class SecurityHeadersMiddleware:
    """Adds Permissions-Policy and Cross-Origin-Resource-Policy to every response, and relaxes
    ``Referrer-Policy: no-referrer`` to ``same-origin`` on pages with a POST form (else the
    browser posts ``Origin: null`` and the CSRF check fails). Runs inside SecurityMiddleware,
    whose ``setdefault`` then leaves a policy set here alone."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = settings.PERMISSIONS_POLICY
        self.resource_policy = settings.CROSS_ORIGIN_RESOURCE_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        response.headers.setdefault("Cross-Origin-Resource-Policy", self.resource_policy)
        if "Referrer-Policy" not in response.headers and _has_post_form(response):
            response.headers["Referrer-Policy"] = "same-origin"
        return response


def _has_post_form(response) -> bool:
    if getattr(response, "streaming", False):
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    return bool(_POST_FORM.search(response.content))


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, plus the admin's own directives (docs/admin-csp.md).

    On ``ADMIN_URL_PREFIX`` responses the directives of ``CONTENT_SECURITY_POLICY_ADMIN``
    replace the site-wide ones (the preview panel's iframe, inline styles); scripts stay
    'self' only. A Wagtail preview shown in the editor's preview panel (only editors can ask
    for one; Wagtail sets ``X-Frame-Options: SAMEORIGIN`` on it) may be framed by the admin:
    ``frame-ancestors 'self'``. Every other response keeps ``frame-ancestors 'none'``.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only:
            return parts
        if getattr(request, "is_preview", False) and getattr(request, "in_preview_panel", False):
            # Wagtail renders a preview through the middleware again, with a dummy request
            # for the page's public URL: the public policy, framed by the admin's preview panel.
            replace = {"frame-ancestors": [SELF]}
        elif request.path_info.startswith(settings.ADMIN_URL_PREFIX):
            replace = dict(settings.CONTENT_SECURITY_POLICY_ADMIN)
            if _preview_panel_answer(request, response):
                # The panel's own "preview not available" page (Wagtail answers it while the
                # editor's first form data is not stored yet): framed by the same panel.
                replace["frame-ancestors"] = [SELF]
        else:
            return parts
        parts.replace = {**replace, **(parts.replace or {})}
        return parts


def _preview_panel_answer(request, response) -> bool:
    """An admin answer to the preview panel's iframe: asked with ``in_preview_panel`` and
    marked by Wagtail's preview view as frameable by its own origin."""
    return (
        request.GET.get("in_preview_panel") == "true"
        and response.get("X-Frame-Options") == "SAMEORIGIN"
    )


class SessionIdleTimeoutMiddleware:
    """Ends a signed-in session after ``SESSION_IDLE_SECONDS`` without a request (default 30
    minutes) and, whatever the activity, ``SESSION_COOKIE_AGE`` after sign-in (8 hours).

    Django's own expiry slides each time the session is saved, so it cannot be the absolute
    limit by itself: the sign-in time is kept in the session and checked here. Ending the
    session goes through ``logout()``, which deletes the server-side row and fires
    ``user_logged_out`` (the vault locks on it). Anonymous visitors are never touched (public
    pages set no cookie). The last-seen time is written at most once a minute.
    """

    STARTED = "_mw_auth_started"
    LAST_SEEN = "_mw_last_seen"
    WRITE_EVERY = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Only the admin uses signed-in sessions. Looking at request.user on a public page
        # would load the session and add "Vary: Cookie", making the page uncacheable.
        if request.path_info.startswith("/admin/") and (
            settings.SESSION_COOKIE_NAME in request.COOKIES
        ):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                self._check(request)
        return self.get_response(request)

    def _check(self, request):

        now = int(time.time())
        idle = int(settings.SESSION_IDLE_SECONDS)
        absolute = int(settings.SESSION_COOKIE_AGE)
        session = request.session
        started = session.get(self.STARTED)
        last_seen = session.get(self.LAST_SEEN)
        if (last_seen is not None and now - last_seen > idle) or (
            started is not None and now - started > absolute
        ):
            logout(request)
            return
        if started is None:
            session[self.STARTED] = now
        if last_seen is None or now - last_seen >= self.WRITE_EVERY:
            session[self.LAST_SEEN] = now


@receiver(user_logged_in, dispatch_uid="mostwanted-session-timeouts")
def _restart_session_clocks(sender, request, user, **kwargs):
    """A new sign-in (even on a kept session) restarts both clocks."""
    if request is not None and hasattr(request, "session"):
        request.session.pop(SessionIdleTimeoutMiddleware.STARTED, None)
        request.session.pop(SessionIdleTimeoutMiddleware.LAST_SEEN, None)
