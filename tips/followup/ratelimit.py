"""Rate limits on receipt attempts: per source and for the whole site.

The source key is the intake's daily-rotating HMAC of the client address
(:func:`tips.ratelimit.source_key`): no address, nor a plain hash of it, is stored. Every
attempt counts (right or wrong, so the limit says nothing about receipts). Rates:
``TIP_FOLLOWUP_RATE_PER_SOURCE`` (default 10 per hour) and ``TIP_FOLLOWUP_RATE_GLOBAL``
(default 120 per minute, which also caps the Argon2id work an attacker can cause). If the
cache is down, the intake's in-process fallback limiter applies the same rates.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django_ratelimit.core import is_ratelimited

from tips import ratelimit as intake

logger = logging.getLogger(__name__)

SOURCE_GROUP = "tips.followup.source"
GLOBAL_GROUP = "tips.followup.global"


def rate_per_source() -> str:
    return getattr(settings, "TIP_FOLLOWUP_RATE_PER_SOURCE", "10/h")


def rate_global() -> str:
    return getattr(settings, "TIP_FOLLOWUP_RATE_GLOBAL", "120/m")


def check_attempt(request) -> bool:
    """Count one receipt attempt; True if it is over a limit."""
    source = intake.source_key(None, request)
    try:
        over_source = is_ratelimited(
            request,
            group=SOURCE_GROUP,
            key=lambda group, req: source,
            rate=rate_per_source(),
            increment=True,
        )
        over_global = is_ratelimited(
            request,
            group=GLOBAL_GROUP,
            key=intake.global_key,
            rate=rate_global(),
            increment=True,
        )
    except Exception as exc:  # noqa: BLE001 - cache down: in-process fallback limit
        logger.warning("follow-up rate limit: cache unavailable (%s)", type(exc).__name__)
        over_source = intake.fallback.hit(SOURCE_GROUP, source, rate_per_source())
        over_global = intake.fallback.hit(GLOBAL_GROUP, "all", rate_global())
    return bool(over_source or over_global)
