"""Rate limits for the tip form, keyed on a daily-rotating HMAC of the client address.

* **Key.** django-ratelimit's own ``ip`` key is a plain hash of the address, which anyone can
  reverse by hashing the 2^32 IPv4 addresses. Here the key is HMAC-SHA256 of the address
  under a secret derived from ``SECRET_KEY`` and the UTC date: it changes every day, is never
  stored, and the HMAC lives only (hashed again by django-ratelimit) in the cache, for the
  length of the rate window. Neither the address nor a plain hash of it is logged or stored.
* **Limits.** Per source (``TIP_RATE_PER_SOURCE``, default 5 per hour) and for the whole
  site (``TIP_RATE_GLOBAL``, default 600 per minute), both in django-ratelimit's rate
  syntax. A submission that goes over either limit is answered with HTTP 429 and the form,
  text intact.
* **Cache down.** A silent tip line loses the tip that mattered, so when the cache raises,
  the tip is accepted under a per-process in-memory fallback limiter with the same rates,
  the failure is logged (exception class only) and ``/healthz`` reports it
  (``health_problem``, registered by ``TipsConfig.ready``). After a failure the cache is
  left alone for ``CACHE_RETRY_SECONDS`` so a dead Redis does not add its timeout to every
  tip.
* **Client address.** ``REMOTE_ADDR``, which the reverse proxy must set to the visitor's
  address (gunicorn behind nginx: ``proxy_protocol`` or ``--forwarded-allow-ips`` with a
  proxy that rewrites it). ``X-Forwarded-For`` is only used when ``TIP_TRUSTED_PROXY_COUNT``
  says how many proxies in front of the app append to it (the entry that many places from
  the right is the one the nearest trusted proxy saw).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils.crypto import salted_hmac
from django_ratelimit.core import _split_rate, is_ratelimited

logger = logging.getLogger(__name__)

SOURCE_GROUP = "tips.submit.source"
GLOBAL_GROUP = "tips.submit.global"
CACHE_RETRY_SECONDS = 30
#: How long after a cache failure ``/healthz`` keeps reporting it.
HEALTH_WINDOW_SECONDS = 300


def rate_per_source() -> str:
    return getattr(settings, "TIP_RATE_PER_SOURCE", "5/h")


def rate_global() -> str:
    return getattr(settings, "TIP_RATE_GLOBAL", "600/m")


def client_address(request) -> str:
    """The visitor's address as the trusted front proxy saw it (never stored)."""
    proxies = int(getattr(settings, "TIP_TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def daily_secret(day: dt.date | None = None) -> bytes:
    """A secret for ``day`` (UTC), derived from SECRET_KEY; recomputed, never stored."""
    day = day or dt.datetime.now(dt.UTC).date()
    return salted_hmac("tips.ratelimit.daily-secret", day.isoformat(), algorithm="sha256").digest()


def source_key(group, request, *, day: dt.date | None = None) -> str:
    """django-ratelimit key function: HMAC-SHA256(daily secret, client address)."""
    address = client_address(request).encode("utf-8", "replace")
    return hmac.new(daily_secret(day), address, hashlib.sha256).hexdigest()


def global_key(group, request) -> str:
    return "all"


@dataclass(frozen=True)
class RateDecision:
    limited: bool
    scope: str | None = None  # "source" or "global" when limited
    degraded: bool = False  # True when the cache failed and the fallback decided


class FallbackLimiter:
    """Fixed-window counters in this process's memory, used only while the cache is down."""

    MAX_KEYS = 50_000

    def __init__(self):
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, str, int], int] = {}

    def hit(self, group: str, key: str, rate: str) -> bool:
        """Count one request; True if it goes over ``rate``."""
        limit, period = _split_rate(rate)
        window = int(time.time()) // period
        with self._lock:
            if len(self._counts) >= self.MAX_KEYS:
                self._counts = {k: v for k, v in self._counts.items() if k[2] >= window}
                if len(self._counts) >= self.MAX_KEYS:
                    self._counts.clear()
            slot = (group, key, window)
            self._counts[slot] = self._counts.get(slot, 0) + 1
            return self._counts[slot] > limit

    def clear(self):
        with self._lock:
            self._counts.clear()


fallback = FallbackLimiter()
_state: dict[str, float | None] = {"last_failure": None}
_state_lock = threading.Lock()


def _cache_recently_failed(now: float) -> bool:
    last = _state["last_failure"]
    return last is not None and now - last < CACHE_RETRY_SECONDS


def _record_failure(exc: BaseException) -> None:
    with _state_lock:
        _state["last_failure"] = time.monotonic()
    logger.warning(
        "tip rate limit: cache unavailable (%s); using the in-process fallback limit",
        type(exc).__name__,
    )


def reset_state() -> None:
    """Forget cache failures and fallback counts (tests, and after an operator fix)."""
    with _state_lock:
        _state["last_failure"] = None
    fallback.clear()


def health_problem() -> str | None:
    """For ``/healthz``: a problem string while the rate-limit cache has recently failed."""
    last = _state["last_failure"]
    if last is not None and time.monotonic() - last < HEALTH_WINDOW_SECONDS:
        return "tip rate-limit cache unavailable (fallback limiter in use)"
    return None


def check_submission(request) -> RateDecision:
    """Count this submission against both limits and say whether it is over either."""
    return check_limits(
        request,
        source_group=SOURCE_GROUP,
        global_group=GLOBAL_GROUP,
        source_rate=rate_per_source(),
        global_rate=rate_global(),
        on_cache_error=_record_failure,
        use_cache=not _cache_recently_failed(time.monotonic()),
    )


def check_limits(
    request,
    *,
    source_group: str,
    global_group: str,
    source_rate: str,
    global_rate: str,
    on_cache_error: Callable[[BaseException], None],
    use_cache: bool = True,
) -> RateDecision:
    """Count one request against a per-source and a site-wide limit (shared by the tip form
    and the follow-up receipt check, each with its own groups and rates).

    The source is :func:`source_key` (daily HMAC of the address). With ``use_cache``, the
    counts live in the cache (django-ratelimit); if the cache raises, ``on_cache_error`` is
    called with the exception (log its class only) and the in-process :data:`fallback`
    limiter decides with the same rates (``degraded=True``), as it does without
    ``use_cache``.
    """
    source = source_key(None, request)
    if use_cache:
        try:
            over_source = is_ratelimited(
                request,
                group=source_group,
                key=lambda group, req: source,
                rate=source_rate,
                increment=True,
            )
            over_global = is_ratelimited(
                request,
                group=global_group,
                key=global_key,
                rate=global_rate,
                increment=True,
            )
        except Exception as exc:  # any cache failure: accept under the fallback limit
            on_cache_error(exc)
        else:
            return _decision(over_source, over_global, degraded=False)
    over_source = fallback.hit(source_group, source, source_rate)
    over_global = fallback.hit(global_group, "all", global_rate)
    return _decision(over_source, over_global, degraded=True)


def _decision(over_source: bool, over_global: bool, *, degraded: bool) -> RateDecision:
    if over_source:
        return RateDecision(True, "source", degraded)
    if over_global:
        return RateDecision(True, "global", degraded)
    return RateDecision(False, None, degraded)
