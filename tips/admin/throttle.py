"""Rate limits for the investigators' side: admin logins, 2FA codes and vault unlocks.

Counters live in the shared cache (django-ratelimit), keyed by an HMAC of the account name
or of the client address, so neither a user name nor an address is stored in clear. Only
failures are counted: a check before the attempt refuses it when a counter is over its limit.
"""

import hashlib
import hmac
import logging

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django_ratelimit.core import get_usage

from tips.ratelimit import source_key as tipline_source_key

logger = logging.getLogger(__name__)

#: Failures allowed per account and per source for each guarded action.
RATES = {
    "login": {"account": "5/15m", "source": "20/15m"},
    "otp": {"account": "5/15m", "source": "20/15m"},
    "unlock": {"account": "5/15m", "source": "20/15m"},
}


def _digest(purpose: str, value: str) -> str:
    key = hashlib.sha256(f"mostwanted-throttle:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def source_key(request) -> str:
    """The tip line's daily-rotating HMAC of the client address (tips.ratelimit)."""
    return tipline_source_key(None, request)


def account_key(name: str) -> str:
    return _digest("account", (name or "").strip().lower())


def _usage(request, action: str, scope: str, value: str, *, increment: bool):
    try:
        return get_usage(
            request,
            group=f"tips.{action}.{scope}",
            key=lambda _group, _request: value,
            rate=RATES[action][scope],
            increment=increment,
        )
    except Exception as exc:  # noqa: BLE001 - a cache outage must not lock everyone out
        logger.warning("rate-limit cache unavailable (%s)", exc.__class__.__name__)
        return None


def is_blocked(request, action: str, account: str) -> bool:
    """True when the account or the source has used up its failures for ``action``."""
    for scope, value in (("account", account_key(account)), ("source", source_key(request))):
        usage = _usage(request, action, scope, value, increment=False)
        if usage and usage["count"] >= usage["limit"]:
            return True
    return False


def record_failure(request, action: str, account: str) -> None:
    for scope, value in (("account", account_key(account)), ("source", source_key(request))):
        _usage(request, action, scope, value, increment=True)


def too_many_attempts_response(request) -> HttpResponse:
    html = render_to_string("tips/admin/too_many_attempts.html", request=request)
    response = HttpResponse(html, status=429)
    response["Retry-After"] = "900"
    response["Cache-Control"] = "no-store"
    return response


@receiver(user_login_failed)
def _count_failed_login(sender, credentials, request=None, **kwargs):
    if request is not None:
        record_failure(request, "login", credentials.get("username", ""))


class LoginThrottleMiddleware:
    """Refuses a login attempt to the Wagtail admin once failures exceed the limits.

    Also sends ``Referrer-Policy: same-origin`` on admin pages: with the site-wide
    ``no-referrer``, Chromium sends ``Origin: null`` on form posts, which Django's CSRF
    origin check rejects (no referrer ever leaves the site either way).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path == reverse("wagtailadmin_login"):
            if is_blocked(request, "login", request.POST.get("username", "")):
                return too_many_attempts_response(request)
        response = self.get_response(request)
        if request.path.startswith(reverse("wagtailadmin_home")):
            response.headers.setdefault("Referrer-Policy", "same-origin")
        return response
