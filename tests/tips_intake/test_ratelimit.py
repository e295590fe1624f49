"""tips.ratelimit: HMAC keys that rotate daily, per-source and global limits, cache failure."""

import datetime as dt
import hashlib
import logging

import pytest
from django.core.cache import cache
from django.test import RequestFactory, override_settings

from mostwanted import health
from tips import ratelimit

ADDRESS = "203.0.113.77"


@pytest.fixture(autouse=True)
def _clean():
    cache.clear()
    ratelimit.reset_state()
    yield
    cache.clear()
    ratelimit.reset_state()


def request_from(address=ADDRESS, **meta):
    return RequestFactory().post("/tip/", REMOTE_ADDR=address, **meta)


def test_key_is_hmac_not_plain_hash_and_rotates_daily():
    day1, day2 = dt.date(2025, 5, 1), dt.date(2025, 5, 2)
    k1 = ratelimit.source_key(None, request_from(), day=day1)
    assert k1 == ratelimit.source_key(None, request_from(), day=day1)
    assert k1 != ratelimit.source_key(None, request_from(), day=day2)
    assert k1 != ratelimit.source_key(None, request_from("203.0.113.78"), day=day1)
    for digest in (hashlib.sha256, hashlib.md5, hashlib.sha1):
        assert k1 != digest(ADDRESS.encode()).hexdigest()  # noqa: S324
    assert ADDRESS not in k1


def test_daily_secret_depends_on_secret_key():
    day = dt.date(2025, 5, 1)
    a = ratelimit.daily_secret(day)
    with override_settings(SECRET_KEY="another-secret-key-for-this-test-only-0123456789"):
        assert ratelimit.daily_secret(day) != a


def test_forwarded_for_ignored_unless_configured():
    req = request_from("10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.9, 192.0.2.1")
    assert ratelimit.client_address(req) == "10.0.0.1"
    with override_settings(TIP_TRUSTED_PROXY_COUNT=1):
        assert ratelimit.client_address(req) == "192.0.2.1"
    with override_settings(TIP_TRUSTED_PROXY_COUNT=2):
        assert ratelimit.client_address(req) == "198.51.100.9"
    with override_settings(TIP_TRUSTED_PROXY_COUNT=3):  # fewer entries than proxies: socket
        assert ratelimit.client_address(req) == "10.0.0.1"


@override_settings(TIP_RATE_PER_SOURCE="3/h", TIP_RATE_GLOBAL="100/m")
def test_per_source_limit():
    decisions = [ratelimit.check_submission(request_from()) for _ in range(4)]
    assert [d.limited for d in decisions] == [False, False, False, True]
    assert decisions[-1].scope == "source" and not decisions[-1].degraded
    assert not ratelimit.check_submission(request_from("198.51.100.1")).limited


@override_settings(TIP_RATE_PER_SOURCE="100/h", TIP_RATE_GLOBAL="3/m")
def test_global_limit():
    decisions = [ratelimit.check_submission(request_from(f"198.51.100.{i}")) for i in range(4)]
    assert [d.limited for d in decisions] == [False, False, False, True]
    assert decisions[-1].scope == "global"


def _everything_in_the_cache() -> str:
    raw = getattr(cache, "_cache", None)
    if isinstance(raw, dict):  # the in-process cache
        return repr(list(raw.items()))
    client = raw.get_client()  # Redis
    return repr([(key, client.get(key)) for key in client.scan_iter("*")])


def test_cache_stores_neither_address_nor_plain_hash():
    ratelimit.check_submission(request_from())
    stored = _everything_in_the_cache()
    for needle in (
        ADDRESS,
        hashlib.sha256(ADDRESS.encode()).hexdigest(),
        hashlib.md5(ADDRESS.encode()).hexdigest(),  # noqa: S324
    ):
        assert needle not in stored


class BrokenCache:
    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("cache down at 203.0.113.77")

        return fail


@override_settings(TIP_RATE_PER_SOURCE="2/h", TIP_RATE_GLOBAL="100/m")
def test_cache_down_falls_back_logs_class_only_and_reports_health(monkeypatch, caplog):
    from django_ratelimit import core

    monkeypatch.setattr(core, "caches", {"default": BrokenCache()})
    with caplog.at_level(logging.WARNING, logger="tips.ratelimit"):
        decisions = [ratelimit.check_submission(request_from()) for _ in range(3)]
    assert [d.limited for d in decisions] == [False, False, True]
    assert all(d.degraded for d in decisions)
    assert "ConnectionError" in caplog.text
    assert ADDRESS not in caplog.text and "cache down" not in caplog.text
    assert ratelimit.health_problem()
    assert ratelimit.health_problem in health.EXTRA_CHECKS
    ratelimit.reset_state()
    assert ratelimit.health_problem() is None


def test_fallback_limiter_bounded():
    limiter = ratelimit.FallbackLimiter()
    limiter.MAX_KEYS = 10
    for i in range(25):
        limiter.hit("g", str(i), "5/m")
    assert len(limiter._counts) <= 10
