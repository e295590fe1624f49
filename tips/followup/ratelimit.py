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

from tips import ratelimit as intake

logger = logging.getLogger(__name__)

SOURCE_GROUP = "tips.followup.source"
GLOBAL_GROUP = "tips.followup.global"


def rate_per_source() -> str:
    return getattr(settings, "TIP_FOLLOWUP_RATE_PER_SOURCE", "10/h")


def rate_global() -> str:
    return getattr(settings, "TIP_FOLLOWUP_RATE_GLOBAL", "120/m")


def _log_cache_failure(exc: BaseException) -> None:
    logger.warning("follow-up rate limit: cache unavailable (%s)", type(exc).__name__)


def check_attempt(request) -> bool:
    """Count one receipt attempt; True if it is over a limit."""
    return intake.check_limits(
        request,
        source_group=SOURCE_GROUP,
        global_group=GLOBAL_GROUP,
        source_rate=rate_per_source(),
        global_rate=rate_global(),
        on_cache_error=_log_cache_failure,
    ).limited
