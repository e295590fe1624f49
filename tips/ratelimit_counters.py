"""The counters behind the tip line's rate limits (tips/ratelimit.py decides who is counted
and against which budget): clock-aligned windows in the shared cache, the in-process
fallback while the cache is down, and the failure state ``/healthz`` reports."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from mostwanted.cache import strict_default_cache as cache

logger = logging.getLogger("tips.ratelimit")


CACHE_RETRY_SECONDS = 30
#: How long after a cache failure ``/healthz`` keeps reporting it.
HEALTH_WINDOW_SECONDS = 300
_KEY_PREFIX = "tips:rl:"
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"5/h"`` -> (5, 3600); ``"10/15m"`` -> (10, 900)."""
    count, _, period = rate.partition("/")
    multiplier = "".join(ch for ch in period if ch.isdigit()) or "1"
    unit = period[len(multiplier) :] if period[:1].isdigit() else period
    return int(count), int(multiplier) * _PERIODS[unit[:1].lower()]


class FallbackLimiter:
    """Fixed-window counters in this process's memory, used only while the cache is down."""

    MAX_KEYS = 50_000

    def __init__(self):
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}

    def incr(self, key: str, window: int) -> int:
        with self._lock:
            if len(self._counts) >= self.MAX_KEYS:
                self._counts.clear()
            self._counts[key] = self._counts.get(key, 0) + 1
            return self._counts[key]

    def decr(self, key: str) -> None:
        with self._lock:
            if self._counts.get(key, 0) > 0:
                self._counts[key] -= 1

    def get(self, key: str) -> int:
        with self._lock:
            return self._counts.get(key, 0)

    def hit(self, group: str, key: str, rate: str) -> bool:
        """Count one request; True if it goes over ``rate`` (kept for old callers)."""
        limit, period = parse_rate(rate)
        return self.incr(_counter_key(group, key, period, time.time()), period) > limit

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


def _window(period: int, now: float) -> tuple[int, int]:
    """The clock-aligned window containing ``now`` and the whole seconds left in it."""
    index = int(now) // period
    return index, max(1, (index + 1) * period - int(now))


def _counter_key(group: str, ident: str, period: int, now: float) -> str:
    return f"{_KEY_PREFIX}{group}:{period}:{_window(period, now)[0]}:{ident}"


@dataclass
class Counted:
    """One count taken in one window (given back with :meth:`give_back`)."""

    key: str
    over: bool
    wait_seconds: int
    degraded: bool
    _given_back: bool = field(default=False, repr=False)

    def give_back(self) -> None:
        if self._given_back:
            return
        self._given_back = True
        _decr(self.key, degraded=self.degraded)


def _decr(key: str, *, degraded: bool) -> None:
    if degraded:
        fallback.decr(key)
        return

    try:
        cache.decr(key)
    except ValueError:  # the window ended meanwhile: nothing to give back
        pass
    except Exception as exc:  # noqa: BLE001 - a lost give-back only costs one count
        _record_failure(exc)


def take(group: str, ident: str, rate: str, *, now: float | None = None) -> Counted:
    """Count one request of ``ident`` in ``group``; a request over ``rate`` is not counted
    (so a source over its limit adds nothing anywhere) and says how long to wait."""
    limit, period = parse_rate(rate)
    now = time.time() if now is None else now
    _index, wait = _window(period, now)
    key = _counter_key(group, ident, period, now)
    count, degraded = None, True
    if not _cache_recently_failed(time.monotonic()):
        try:
            # The entry lives until its window ends: its lifetime tells nothing else.
            cache.add(key, 0, wait + 1)
            count = cache.incr(key)
            degraded = False
        except Exception as exc:  # noqa: BLE001 - any cache failure: the fallback decides
            _record_failure(exc)
    if count is None:
        count = fallback.incr(key, period)
    counted = Counted(key=key, over=count > limit, wait_seconds=wait, degraded=degraded)
    if counted.over:
        counted.give_back()
    return counted
