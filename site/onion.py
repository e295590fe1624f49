"""The onion service (docs/tor.md): the same site under ``ONION_HOST``, over plain HTTP
inside Tor (the onion address is the authentication and the encryption).

``OnionAwareSecurityMiddleware`` replaces Django's ``SecurityMiddleware``: on the onion host
it neither redirects to HTTPS (there is no certificate for it, and Tor Browser would leave the
onion) nor sends HSTS; on the clear-web host it adds ``Onion-Location`` to HTML pages, which
Tor Browser offers to follow. ``SECURE_REDIRECT_EXEMPT`` matches paths only, hence this class.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks.security import base
from django.middleware.security import SecurityMiddleware


def onion_host() -> str:
    return (settings.ONION_HOST or "").strip().lower()


def is_onion(request) -> bool:
    host = onion_host()
    if not host:
        return False
    return request.get_host().split(":", 1)[0].lower() == host


class OnionAwareSecurityMiddleware(SecurityMiddleware):
    def process_request(self, request):
        if is_onion(request):
            return None  # no HTTPS redirect inside Tor
        return super().process_request(request)

    def process_response(self, request, response):
        response = super().process_response(request, response)
        host = onion_host()
        if not host:
            return response
        if is_onion(request):
            if "Strict-Transport-Security" in response:
                del response["Strict-Transport-Security"]
        elif response.get("Content-Type", "").startswith("text/html"):
            response.headers.setdefault("Onion-Location", f"http://{host}{request.get_full_path()}")
        return response


def check_security_middleware(app_configs=None, **kwargs):
    """Django's deploy checks look for ``SecurityMiddleware`` by its exact path (security.W001,
    silenced in settings): run them for this subclass instead."""
    from unittest import mock  # only this check: web workers need not load unittest

    if "mostwanted.onion.OnionAwareSecurityMiddleware" not in settings.MIDDLEWARE:
        return [base.W001]
    checks = (
        base.check_sts,
        base.check_sts_include_subdomains,
        base.check_sts_preload,
        base.check_content_type_nosniff,
        base.check_ssl_redirect,
        base.check_referrer_policy,
        base.check_cross_origin_opener_policy,
    )
    with mock.patch.object(base, "_security_middleware", return_value=True):
        return [warning for check in checks for warning in check(app_configs)]
