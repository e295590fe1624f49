"""Security state (rate limits, used-token guard, follow-up sessions) lives in the ``security``
cache alias, apart from the page cache: a flood of cached pages cannot evict it (issue 15)."""

import pytest
from django.core.cache import caches
from django.http import HttpResponse
from django.test import RequestFactory

from tips import ratelimit
from tips.followup import session as followup_session

from .conftest import tip_data

URL = "/en/tip/"


@pytest.fixture
def two_stores(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "split-default",
        },
        "security": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "split-security",
        },
    }
    settings.TIP_RATELIMIT_SECRET_STORE = "cache"
    for alias in ("default", "security"):
        caches[alias].clear()
    ratelimit.reset_state()
    yield caches["default"], caches["security"]
    for alias in ("default", "security"):
        caches[alias].clear()
    ratelimit.reset_state()


def test_tip_submission_state_lands_in_the_security_store(client, tipline, two_stores):
    default, security = two_stores
    response = client.post(URL, tip_data())
    assert response.status_code == 200
    keys = list(security._cache)
    assert keys, "no rate limit, secret or used-token entry in the security store"
    assert any("tip-token" in key or "token" in key for key in keys), keys
    # The default store holds only rebuildable lookups (page tree, counts), no security state.
    shared = ("appeals:", "tips:counts:", "pagecache:")
    assert not [key for key in default._cache if not any(part in key for part in shared)]


def test_followup_session_lands_in_the_security_store(two_stores):
    default, security = two_stores
    request = RequestFactory().get("/en/tip/follow-up/")
    followup_session.start(request, HttpResponse(), tip_id=1, suite="x", private_key=b"k" * 32)
    assert len(security._cache) == 1
    assert not default._cache


def test_security_alias_defaults_to_another_database_of_the_same_redis():
    from mostwanted.settings.base import _security_redis_url

    assert _security_redis_url("redis://:pw@redis:6379/0") == "redis://:pw@redis:6379/1"
    assert _security_redis_url("redis://127.0.0.1:6379/13") == "redis://127.0.0.1:6379/14"
    assert _security_redis_url("redis://127.0.0.1:6379") == "redis://127.0.0.1:6379/1"


def test_security_store_without_an_alias_falls_back_to_default(settings):
    from mostwanted.cache import security_alias

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    assert security_alias() == "default"
