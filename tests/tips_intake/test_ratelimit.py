"""tips.ratelimit: HMAC keys that rotate daily, per-source and global limits, cache failure."""

import datetime as dt
import hashlib
import logging
import time

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


def test_daily_secret_is_not_derived_from_the_settings():
    """Same SECRET_KEY, another process (another seed): another secret. Same seed, another
    SECRET_KEY: the same secret (SECRET_KEY plays no part)."""
    day = dt.date(2025, 5, 1)
    a = ratelimit.daily_secret(day)
    with override_settings(SECRET_KEY="another-secret-key-for-this-test-only-0123456789"):
        assert ratelimit.daily_secret(day) == a
    ratelimit.install_seed(b"\x01" * 32)
    assert ratelimit.daily_secret(day) != a


def test_ipv6_is_grouped_by_64_and_configurable():
    one = ratelimit.source_key(None, request_from("2001:db8:1:2:aaaa::1"))
    same_64 = ratelimit.source_key(None, request_from("2001:db8:1:2:ffff:ffff:ffff:ffff"))
    other_64 = ratelimit.source_key(None, request_from("2001:db8:1:3::1"))
    assert one == same_64 and one != other_64
    with override_settings(TIP_IPV6_PREFIX=48):
        assert ratelimit.source_of("2001:db8:1:3::1") == "2001:db8:1::/48"
    assert ratelimit.source_of("::ffff:198.51.100.4") == "198.51.100.4"
    assert ratelimit.source_of("198.51.100.4") == "198.51.100.4"


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
def test_per_source_budget_counts_only_what_is_not_given_back():
    for _ in range(10):  # mistakes: admitted, then given back
        admission = ratelimit.admit_submission(request_from())
        assert admission.refused is None
        admission.give_back()
    for _ in range(3):  # accepted tips use the budget
        admission = ratelimit.admit_submission(request_from())
        assert admission.refused is None
        admission.accepted()
    refused = ratelimit.admit_submission(request_from())
    assert refused.refused == "source" and not refused.degraded
    assert ratelimit.admit_submission(request_from("198.51.100.1")).refused is None


@override_settings(TIP_RATE_PER_SOURCE="3/h", TIP_RATE_GLOBAL="100/m")
def test_refusal_announces_the_real_remaining_window():
    for _ in range(3):
        ratelimit.admit_submission(request_from()).accepted()
    before = time.time()
    refused = ratelimit.admit_submission(request_from())
    after = time.time()
    assert refused.refused == "source"
    longest = 3600 - int(before) % 3600
    shortest = 3600 - int(after) % 3600
    assert min(shortest, longest) <= refused.wait_seconds <= max(shortest, longest)


@override_settings(TIP_RATE_PER_SOURCE="100/h", TIP_RATE_GLOBAL="3/m")
def test_global_figure_sheds_load_with_a_short_wait():
    decisions = [ratelimit.admit_submission(request_from(f"198.51.100.{i}")) for i in range(4)]
    assert [d.refused for d in decisions] == [None, None, None, "busy"]
    assert 1 <= decisions[-1].wait_seconds <= 60


@override_settings(
    TIP_RATE_PER_SOURCE="2/h", TIP_ATTEMPTS_PER_SOURCE="100/h", TIP_RATE_GLOBAL="5/m"
)
def test_a_source_over_its_limit_does_not_count_toward_the_global_one():
    for _ in range(2):
        ratelimit.admit_submission(request_from()).accepted()
    for _ in range(50):
        assert ratelimit.admit_submission(request_from()).refused == "source"
    # Only the two accepted tips used the site-wide figure: three more sources get in.
    assert [
        ratelimit.admit_submission(request_from(f"198.51.100.{i}")).refused for i in range(3)
    ] == [None, None, None]


@override_settings(TIP_RATE_PER_SOURCE="100/h", TIP_ATTEMPTS_PER_SOURCE="4/h")
def test_attempts_per_source_cap_the_work_even_without_accepted_tips():
    for _ in range(4):
        ratelimit.admit_submission(request_from()).give_back()
    assert ratelimit.admit_submission(request_from()).refused == "source"


def _everything_in_the_cache() -> str:
    raw = getattr(cache, "_cache", None)
    if isinstance(raw, dict):  # the in-process cache
        return repr(list(raw.items()))
    client = raw.get_client()  # Redis
    return repr([(key, client.get(key)) for key in client.scan_iter("*")])


def test_cache_stores_neither_address_nor_plain_hash():
    ratelimit.admit_submission(request_from()).accepted()
    stored = _everything_in_the_cache()
    for needle in (
        ADDRESS,
        hashlib.sha256(ADDRESS.encode()).hexdigest(),
        hashlib.md5(ADDRESS.encode()).hexdigest(),  # noqa: S324
    ):
        assert needle not in stored


class BrokenCache:
    def __getattr__(self, name):
        if name == "strict":
            raise AttributeError(name)

        def fail(*args, **kwargs):
            raise ConnectionError("cache down at 203.0.113.77")

        return fail


@override_settings(TIP_RATE_PER_SOURCE="2/h", TIP_RATE_GLOBAL="100/m")
def test_cache_down_falls_back_logs_class_only_and_reports_health(monkeypatch, caplog):
    from mostwanted import cache as shared_cache

    broken = BrokenCache()
    monkeypatch.setattr(shared_cache, "caches", {"default": broken, "security": broken})
    with caplog.at_level(logging.WARNING, logger="tips.ratelimit"):
        decisions = [ratelimit.admit_submission(request_from()) for _ in range(3)]
        for decision in decisions[:2]:
            decision.accepted()
    assert [d.refused for d in decisions] == [None, None, "source"]
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


def test_rate_syntax():
    assert ratelimit.parse_rate("5/h") == (5, 3600)
    assert ratelimit.parse_rate("600/m") == (600, 60)
    assert ratelimit.parse_rate("10/15m") == (10, 900)
