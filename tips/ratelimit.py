"""Rate limits for the tip line that shed abuse, not citizens.

* **Order.** The views run the cheap checks first (CSRF, the signed form token, the used-token
  guard, the honeypot) and only then :func:`admit_submission`: a request that fails them
  touches no counter.
* **Per source, only accepted tips.** A source (an IPv4 address, or an IPv6 /64: setting
  ``TIP_IPV6_PREFIX``) has a budget of accepted tips (``TIP_RATE_PER_SOURCE``, default 5 per
  hour). Admission reserves one; the view gives it back (:meth:`Admission.give_back`) when
  the tip is not stored (a validation error, a refused photo, a 503), so a citizen's mistakes
  or a reload do not burn the budget. A separate, larger budget of attempts
  (``TIP_ATTEMPTS_PER_SOURCE``, default six per accepted tip: 30 per hour) caps the work
  one source can cause (every photo is decoded in a sandbox).
* **The site-wide figure sheds load.** ``TIP_RATE_GLOBAL`` (default 600 per minute) counts
  only requests from sources within their own budgets (a source over its limit is refused
  before it is counted), and going over it answers 503 with ``Retry-After`` and the text
  kept: a short wait, not a lock-out.
* **The real wait.** Windows are aligned on the clock (an hourly budget renews on the hour),
  so a refusal says exactly how long to wait (:attr:`Admission.wait_seconds`), and a
  counter's lifetime in the cache says when its window ends, never when its source first
  came.
* **Keys that cannot be turned back into an address.** The key is HMAC-SHA256 of the source
  under a secret for the UTC day derived from a random seed that lives only in the memory of
  the processes (``TIP_RATELIMIT_SECRET_STORE=memory``, the default): never derived from
  ``SECRET_KEY``, never stored in the database, the cache or on disk. gunicorn generates the
  seed in its master process and every worker inherits it (``site/gunicorn.conf.py``), so
  the workers of one node share one limit; the shipped nginx sends a source to the same node
  (``hash $binary_remote_addr consistent``). ``TIP_RATELIMIT_SECRET_STORE=cache`` instead
  keeps a random secret per day in the shared cache (expiring at the end of the day) so
  unpinned nodes share the limits, at the price that a copy of a running Redis gives the
  day's secret.
* **Cache down.** A silent tip line loses the tip that mattered, so when the cache raises,
  the in-process fallback counters decide with the same rates, the failure is logged
  (exception class only) and ``/healthz`` reports it (``health_problem``).
* **Client address.** ``REMOTE_ADDR``, or the ``X-Forwarded-For`` entry added by the nearest
  of ``TIP_TRUSTED_PROXY_COUNT`` trusted proxies.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import secrets
import threading
import time
from dataclasses import dataclass, field

from django.conf import settings

from mostwanted.cache import strict_default_cache as cache

# The counters live in ratelimit_counters; their names stay importable from here.
from .ratelimit_counters import (  # noqa: F401
    _KEY_PREFIX,
    CACHE_RETRY_SECONDS,
    HEALTH_WINDOW_SECONDS,
    Counted,
    FallbackLimiter,
    _record_failure,
    fallback,
    health_problem,
    parse_rate,
    reset_state,
    take,
)

SOURCE_GROUP = "tips.submit.source"
ATTEMPTS_GROUP = "tips.submit.attempts"
GLOBAL_GROUP = "tips.submit.global"


def rate_per_source() -> str:
    return settings.TIP_RATE_PER_SOURCE


def rate_attempts_per_source() -> str:
    """``TIP_ATTEMPTS_PER_SOURCE``, or six attempts per accepted tip of the source's budget
    over the same period (5/h -> 30/h)."""
    explicit = settings.TIP_ATTEMPTS_PER_SOURCE
    if explicit:
        return explicit
    count, period = parse_rate(rate_per_source())
    return f"{count * 6}/{period}s"


def rate_global() -> str:
    return settings.TIP_RATE_GLOBAL


# --------------------------------------------------------------------------- sources


def client_address(request) -> str:
    """The visitor's address as the trusted front proxy saw it (never stored)."""
    proxies = int(settings.TIP_TRUSTED_PROXY_COUNT or 0)
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _tor_circuits():
    """Tor's ``HiddenServiceExportCircuitID haproxy`` gives each circuit an address in this
    network (nginx onion.conf passes it on as the client address)."""
    return ipaddress.ip_network(settings.TIP_TOR_CIRCUIT_NETWORK)


def source_of(address: str) -> str:
    """The unit a limit applies to: an IPv4 address, or the IPv6 network of
    ``TIP_IPV6_PREFIX`` bits (default 64: one subscriber's network, 2^64 addresses)."""
    try:
        ip = ipaddress.ip_address(address.strip().split("%", 1)[0])
    except ValueError:
        return address
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    if ip.version == 6 and ip in _tor_circuits():
        return str(ip)  # one Tor circuit (docs/tor.md), not one network for every onion visitor
    if ip.version == 6:
        prefix = int(settings.TIP_IPV6_PREFIX)
        return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))
    return str(ip)


_seed_lock = threading.Lock()
_seed: dict[str, bytes] = {}


def install_seed(seed: bytes) -> None:
    """Use ``seed`` (from the gunicorn master) for this process's daily secrets."""
    if len(seed) < 32:
        raise ValueError("the rate-limit seed must be at least 32 bytes")
    with _seed_lock:
        _seed["seed"] = bytes(seed)
        _day_secrets.clear()


def _process_seed() -> bytes:
    with _seed_lock:
        if "seed" not in _seed:
            _seed["seed"] = secrets.token_bytes(32)
        return _seed["seed"]


_day_secrets: dict[str, bytes] = {}


def secret_store() -> str:
    return settings.TIP_RATELIMIT_SECRET_STORE


def daily_secret(day: dt.date | None = None) -> bytes:
    """The secret for ``day`` (UTC): random, never derived from settings, never on disk."""
    day = day or dt.datetime.now(dt.UTC).date()
    name = f"{secret_store()}:{day.isoformat()}"
    cached = _day_secrets.get(name)
    if cached is not None:
        return cached
    if secret_store() == "cache":
        secret = _shared_day_secret(day)
    else:
        secret = hmac.new(_process_seed(), day.isoformat().encode(), hashlib.sha256).digest()
    if len(_day_secrets) > 4:
        _day_secrets.clear()
    _day_secrets[name] = secret
    return secret


def _shared_day_secret(day: dt.date) -> bytes:
    """A random secret for ``day`` agreed through the shared cache (first writer wins),
    expiring at the end of the day; this process's own one if the cache is down."""
    key = f"{_KEY_PREFIX}day-secret:{day.isoformat()}"
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), dt.UTC)
    ttl = max(60, int(end.timestamp() - time.time()) + 60)
    try:
        cache.add(key, secrets.token_bytes(32), ttl)
        secret = cache.get(key)
        if isinstance(secret, bytes) and len(secret) == 32:
            return secret
    except Exception as exc:  # noqa: BLE001 - limits work per process meanwhile
        _record_failure(exc)
    return hmac.new(_process_seed(), day.isoformat().encode(), hashlib.sha256).digest()


def source_key(group, request, *, day: dt.date | None = None) -> str:
    """HMAC-SHA256(daily secret, source) of ``request`` (signature of a django-ratelimit
    key function, used by the admin throttle too)."""
    source = source_of(client_address(request)).encode("utf-8", "replace")
    return hmac.new(daily_secret(day), source, hashlib.sha256).hexdigest()


def private_key_for(purpose: str, value: str) -> str:
    """HMAC of any other value a limit is keyed on (e.g. a receipt prefix), same secret."""
    message = f"{purpose}:{value}".encode("utf-8", "replace")
    return hmac.new(daily_secret(), message, hashlib.sha256).hexdigest()


# --------------------------------------------------------------------------- admission


@dataclass
class Admission:
    """The outcome of :func:`admit_submission`.

    ``refused`` is None (admitted), ``"source"`` (this source used its budget: 429) or
    ``"busy"`` (the site sheds load: 503). ``wait_seconds`` is the real wait either way.
    An admitted submission must end in :meth:`accepted` or :meth:`give_back`.
    """

    refused: str | None
    wait_seconds: int = 0
    degraded: bool = False
    reserved: list[Counted] = field(default_factory=list)

    def give_back(self) -> None:
        """The tip was not stored: its reservation does not count against the source."""
        for counted in self.reserved:
            counted.give_back()
        self.reserved = []

    def accepted(self) -> None:
        self.reserved = []


def _refused(scope: str, *counted: Counted) -> Admission:
    over = [c for c in counted if c.over]
    return Admission(
        refused=scope,
        wait_seconds=max(c.wait_seconds for c in over),
        degraded=any(c.degraded for c in counted),
    )


def admit(
    request,
    *,
    budgets: list[tuple[str, str, str, bool]],
    global_group: str,
    global_rate: str,
) -> Admission:
    """Take every per-source ``budgets`` entry ``(group, ident, rate, refundable)`` in
    order, then the site-wide one. Stops at the first one over: nothing after it is counted,
    and what was taken before it is given back."""
    taken: list[Counted] = []
    refundable: list[Counted] = []
    for group, ident, rate, give_back_later in budgets:
        counted = take(group, ident, rate)
        if counted.over:
            for earlier in taken:
                earlier.give_back()
            return _refused("source", counted)
        taken.append(counted)
        if give_back_later:
            refundable.append(counted)
    load = take(global_group, "all", global_rate)
    if load.over:
        for earlier in taken:
            earlier.give_back()
        return _refused("busy", load)
    return Admission(
        refused=None,
        degraded=any(c.degraded for c in [*taken, load]),
        reserved=refundable,
    )


def admit_submission(request) -> Admission:
    """Admit one tip submission that passed the cheap checks (see the module docstring)."""
    source = source_key(None, request)
    return admit(
        request,
        budgets=[
            (SOURCE_GROUP, source, rate_per_source(), True),
            (ATTEMPTS_GROUP, source, rate_attempts_per_source(), False),
        ],
        global_group=GLOBAL_GROUP,
        global_rate=rate_global(),
    )
