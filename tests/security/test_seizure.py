"""Seizure of a running server: nothing in the database, the cache or the settings gives back
a tipster's address or links a tip to a source.

Before: the rate-limit key was an HMAC under a daily secret derived from ``SECRET_KEY``; with
``SECRET_KEY`` and a copy of Redis, every test source was recovered by trying the addresses
of a /16, and key lifetimes gave the second of each source's first request; follow-up
session entries held the tip id in clear.

Here the attacker takes a full copy of the database (every row of every table), of the
cache (every key and value, unpickled) and of the settings including ``SECRET_KEY``, then
tries every IPv4 address of the /16 the test sources come from, with every derivation at
hand: plain hashes, the old ``SECRET_KEY``-derived daily secret, and every byte string
found in the copy used as an HMAC key. None of the sources' keys comes out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import pickle
import re
import time
import zlib

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils.crypto import salted_hmac

from tests.tips_core.helpers import make_tip_line_ready
from tips import antispam, ratelimit, services
from tips.followup import session as followup_session
from tips.keys import active_desk_key

NETWORK = ipaddress.ip_network("10.77.0.0/16")
SOURCES = [
    "10.77.0.9",
    "10.77.1.200",
    "10.77.13.37",
    "10.77.42.1",
    "10.77.99.99",
    "10.77.128.3",
    "10.77.200.17",
    "10.77.254.254",
    "10.77.255.1",
]
HEX64 = re.compile(rb"[0-9a-f]{64}")


@pytest.fixture
def tipline(db, settings):
    from appeals.models import Desk

    settings.TIP_FORM_MIN_SECONDS = 0
    settings.TIP_RATE_PER_SOURCE = "1000/h"
    settings.TIP_RATE_GLOBAL = "1000/m"
    settings.TIP_FOLLOWUP_RATE_PER_SOURCE = "1000/h"
    settings.TIP_FOLLOWUP_RATE_GLOBAL = "1000/m"
    settings.TIP_RECEIPT_ARGON2 = {"memory_cost": 64, "iterations": 1, "lanes": 1}
    cache.clear()
    ratelimit.reset_state()
    desk = Desk.objects.create(name="Fugitive search")
    make_tip_line_ready(desk)  # recovery key, a member who can read, the default desk
    yield desk
    cache.clear()
    ratelimit.reset_state()


def _activity(desk):
    """Each source sends a tip through the form; some also try receipts; one tipster
    opens the follow-up with a real receipt."""
    for i, address in enumerate(SOURCES):
        response = Client().post(
            "/en/tip/",
            {
                "what": f"Seizure test tip {i}",
                "how_known": "I saw him myself.",
                "website": "",
                antispam.TOKEN_FIELD: antispam.issue_token(),
            },
            REMOTE_ADDR=address,
        )
        assert response.status_code == 200, response.content[:1000]
        if i % 3 == 0:
            Client().post(
                reverse("tips:followup"),
                {"receipt": "1111-2222-3333-4444-5555-6666-7777"},
                REMOTE_ADDR=address,
            )
    submitted = services.tip_submit(
        desk_key=active_desk_key(desk), fields={"what": "Followed up"}, language="en"
    )
    tipster = Client()
    opened = tipster.post(
        reverse("tips:followup"), {"receipt": submitted.receipt}, REMOTE_ADDR=SOURCES[4]
    )
    assert opened.cookies.get(followup_session.cookie_name(opened.wsgi_request)) is not None
    return submitted


def _copy_of_the_cache() -> tuple[list[bytes], list[object], dict[bytes, int]]:
    """Every key, every raw value, every value unpickled, and each key's remaining life."""
    raw_keys, values, ttls = [], [], {}
    backend = cache._cache if hasattr(cache, "_cache") else None
    if isinstance(backend, dict):  # the in-process cache
        for key, value in backend.items():
            raw_keys.append(key.encode())
            values.append(value)
        return raw_keys, values, ttls
    client = backend.get_client()
    for key in client.scan_iter("*"):
        raw_keys.append(key)
        values.append(client.get(key))
        ttls[key] = client.ttl(key)
    return raw_keys, values, ttls


def _unpickled(values):
    for value in values:
        yield value
        if isinstance(value, bytes):
            try:
                yield pickle.loads(value)  # noqa: S301 - the attacker's own copy
            except Exception:  # noqa: BLE001, S112 - an int or plain bytes
                continue


def _flatten(value):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _flatten(k)
            yield from _flatten(v)
    elif isinstance(value, list | tuple | set):
        for item in value:
            yield from _flatten(item)
    else:
        yield value


def _copy_of_the_database() -> bytes:
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - introspected names
            rows.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(rows).encode()


def _candidate_secrets(cache_values) -> list[bytes]:
    """Everything an attacker could try as the HMAC key."""
    today = dt.datetime.now(dt.UTC).date()
    candidates = [
        salted_hmac("tips.ratelimit.daily-secret", day.isoformat(), algorithm="sha256").digest()
        for day in (today, today - dt.timedelta(days=1))
    ]
    candidates.append(settings.SECRET_KEY.encode())
    for value in _flatten(list(_unpickled(cache_values))):
        if isinstance(value, bytes | bytearray) and 16 <= len(value) <= 128:
            candidates.append(bytes(value))
        elif isinstance(value, str) and 16 <= len(value) <= 128:
            candidates.append(value.encode())
    return list(dict.fromkeys(candidates))


def _limiter_key_maker():
    """A function giving the cache keys django-ratelimit (the old limiter) makes of a value
    for the tip line's groups: the attacker knows the code. It is django-ratelimit's own
    ``_get_window`` and ``_make_cache_key``, with the settings they read looked up once
    (the search calls it millions of times)."""
    from django.utils.module_loading import import_string
    from django_ratelimit.core import _split_rate

    now = int(time.time())
    prefix = getattr(settings, "RATELIMIT_CACHE_PREFIX", "rl:")
    algorithm = getattr(settings, "RATELIMIT_HASH_ALGORITHM", hashlib.sha256)
    algorithm = import_string(algorithm) if isinstance(algorithm, str) else algorithm
    groups = []
    for group, rate in (
        ("tips.submit.source", settings.TIP_RATE_PER_SOURCE),
        ("tips.followup.source", settings.TIP_FOLLOWUP_RATE_PER_SOURCE),
    ):
        count, period = _split_rate(rate)
        groups.append((group, f"{count}/{period}s", period))

    def keys(value: str) -> set[bytes]:
        made = set()
        for group, safe_rate, period in groups:
            window = now - (now % period) + (zlib.crc32(value.encode()) % period)
            window = window + period if window < now else window
            digest = algorithm(f"{group}{safe_rate}{value}{window}".encode()).hexdigest()
            made.add(f"{prefix}{digest}".split(":")[-1].encode())
        return made

    return keys


def _recover(haystack: bytes, secrets_to_try: list[bytes]) -> set[str]:
    """Exhaustive search over the /16: the addresses whose key appears in the copy."""
    tokens = set(HEX64.findall(haystack))
    limiter_keys = _limiter_key_maker()
    found = set()
    for ip in NETWORK:
        address = str(ip).encode()
        plain = {
            hashlib.sha256(address).hexdigest().encode(),
            hashlib.md5(address).hexdigest().encode(),  # noqa: S324
        }
        if plain & tokens:
            found.add(str(ip))
            continue
        for secret in secrets_to_try:
            value = hmac.new(secret, address, hashlib.sha256).hexdigest()
            if value.encode() in tokens or limiter_keys(value) & tokens:
                found.add(str(ip))
                break
    return found


def _seize():
    raw_keys, values, ttls = _copy_of_the_cache()
    haystack = b"\n".join(
        [
            *raw_keys,
            *(repr(v).encode() for v in _flatten(list(_unpickled(values)))),
            _copy_of_the_database(),
        ]
    )
    return haystack, _candidate_secrets(values), raw_keys, values, ttls


@pytest.mark.django_db(transaction=True)
def test_no_source_address_recoverable_from_database_cache_and_settings(tipline):
    _activity(tipline)
    haystack, secrets_to_try, raw_keys, values, ttls = _seize()

    for address in SOURCES:
        assert address.encode() not in haystack
    # The copy does hold the rate-limit keys: the search below has something to work on.
    assert any(b"rl:" in key for key in raw_keys)
    assert _recover(haystack, secrets_to_try) == set()

    # Key lifetimes tell when a window ends, never when a source came: every source's
    # per-hour counter has the same remaining life (the hour's end), to a second or two.
    hourly = [ttl for key, ttl in ttls.items() if b"tips.submit.source:3600:" in key]
    if hourly:
        assert len(hourly) == len(SOURCES)
        assert max(hourly) - min(hourly) <= 2

    # The follow-up session entry says nothing about which tip is followed up.
    entries = [
        v
        for key, v in zip(raw_keys, _unpickled_by_key(values), strict=True)
        if b"tips:followup:session:" in key
    ]
    assert len(entries) == 1
    entry = entries[0]
    assert set(entry) == {"c", "b"}
    assert entry["c"] % 60 == 0  # the start to the minute only
    assert isinstance(entry["b"], bytes) and b"Followed" not in entry["b"]


def _unpickled_by_key(values):
    for value in values:
        yield _unpickle(value) if isinstance(value, bytes) else value


def _unpickle(value: bytes):
    try:
        return pickle.loads(value)  # noqa: S301 - the attacker's own copy
    except Exception:  # noqa: BLE001 - not pickled: the raw value
        return value


@pytest.mark.django_db(transaction=True)
def test_the_search_does_recover_sources_when_the_secret_is_in_the_cache(tipline, settings):
    """The control: the same search finds every source when the day's secret is kept in the
    shared cache (``TIP_RATELIMIT_SECRET_STORE=cache``, for unpinned multi-node setups), as
    it did with the old ``SECRET_KEY``-derived secret. So the search is able to find them,
    and the default (``memory``) is what protects them."""
    settings.TIP_RATELIMIT_SECRET_STORE = "cache"
    _activity(tipline)
    haystack, secrets_to_try, *_ = _seize()
    assert _recover(haystack, secrets_to_try) == set(SOURCES)


@pytest.mark.django_db
def test_the_citizens_csrf_cookie_dies_with_the_browser_session(tipline):
    """A year-long cookie would mark a seized or shared browser as one that opened the tip
    form: the CSRF cookie has no Max-Age and no Expires."""
    response = Client().get("/en/tip/")
    cookie = response.cookies[settings.CSRF_COOKIE_NAME]
    assert cookie.value
    assert not cookie["max-age"] and not cookie["expires"]
    header = response.cookies.output()
    assert "Max-Age" not in header and "expires" not in header.lower()


def test_the_search_makes_the_same_keys_as_the_old_limiter():
    """The search's fast key maker is django-ratelimit's own derivation."""
    from django_ratelimit.core import _get_window, _make_cache_key, _split_rate

    keys = _limiter_key_maker()
    for value in ("10.77.0.9", hashlib.sha256(b"10.77.13.37").hexdigest()):
        expected = set()
        for group, rate in (
            ("tips.submit.source", settings.TIP_RATE_PER_SOURCE),
            ("tips.followup.source", settings.TIP_FOLLOWUP_RATE_PER_SOURCE),
        ):
            window = _get_window(value, _split_rate(rate)[1])
            key = _make_cache_key(group, window, rate, value, None)
            expected.add(key.split(":")[-1].encode())
        assert keys(value) == expected
