"""The vault: set-up, unlock, expiry, lock, logout, cache outage, cross-process reading."""

import json
import subprocess
import sys

import pytest
from django.core.cache import cache
from django.urls import reverse

from tips import cache_session, vault

from .conftest import PASSPHRASE, unlock, verified_login


def _cookie(client):
    return client.cookies["vault"].value


@pytest.mark.django_db
def test_unlock_sets_a_strict_httponly_cookie_and_holds_no_key_in_cache(client, world, tip_a):
    verified_login(client, world.inv_a)
    response = unlock(client)
    morsel = response.cookies["vault"]
    assert morsel["httponly"] and morsel["samesite"] == "Strict" and morsel["path"] == "/"
    vault_id, key_b64 = morsel.value.split(".")
    entry = cache.get("tips:vault:" + vault_id)
    assert entry and entry["u"] == world.inv_a.pk
    assert key_b64.encode() not in json.dumps(entry, default=repr).encode()


@pytest.mark.django_db
def test_cache_alone_and_cookie_alone_cannot_decrypt(client, world, tip_a):
    verified_login(client, world.inv_a)
    unlock(client)
    value = _cookie(client)
    vault_id, _key = value.split(".")
    # Cache alone: the entry with any other key does not open.
    forged = vault_id + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    assert vault.load(world.inv_a, forged) is None
    # Cookie alone: without the cache entry, nothing.
    cache.delete("tips:vault:" + vault_id)
    assert vault.load(world.inv_a, value) is None
    # And another user cannot use someone's cookie.
    client2_value = value
    assert vault.load(world.inv_b, client2_value) is None


@pytest.mark.django_db
def test_wrong_passphrase_refused_and_rate_limited(client, world):
    verified_login(client, world.inv_a)
    statuses = [unlock(client, "not the passphrase at all").status_code for _ in range(6)]
    assert statuses[:5] == [400] * 5
    assert statuses[5] == 429
    assert unlock(client).status_code == 429  # even the right one, until the window passes


@pytest.mark.django_db
def test_lock_logout_and_expiry_end_access(client, world, tip_a, settings):
    detail = reverse("tips_admin:detail", args=[tip_a.pk])
    verified_login(client, world.inv_a)
    unlock(client)
    assert b"CANARY-TIP-A" in client.get(detail).content
    client.post(reverse("tips_admin:vault_lock"))
    assert b"CANARY-TIP-A" not in client.get(detail).content

    unlock(client)
    value = _cookie(client)
    client.post(reverse("wagtailadmin_logout"))
    assert vault.load(world.inv_a, value) is None

    verified_login(client, world.inv_a)
    unlock(client)
    value = _cookie(client)
    cache.delete("tips:vault:" + value.split(".")[0])  # what the idle timeout does
    assert b"CANARY-TIP-A" not in client.get(detail).content

    settings.VAULT_MAX_SECONDS = 0  # absolute expiry
    unlock(client)
    assert b"CANARY-TIP-A" not in client.get(detail).content


@pytest.mark.django_db
def test_idle_expiry_is_set_in_cache(client, world, settings):
    settings.VAULT_IDLE_SECONDS = 1
    verified_login(client, world.inv_a)
    unlock(client)
    import time

    time.sleep(1.5)
    assert vault.load(world.inv_a, _cookie(client)) is None


@pytest.mark.django_db
def test_cache_outage_says_vault_unavailable(client, world, tip_a, monkeypatch):
    verified_login(client, world.inv_a)

    def boom(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(cache_session.cache, "set", boom)
    monkeypatch.setattr(cache_session.cache, "get", boom)
    response = unlock(client)
    assert response.status_code == 503
    from django.utils.translation import gettext, override

    with override("fr"):  # the admin's default language
        expected = gettext(
            "The vault service is unavailable right now, so tips cannot be decrypted. Their "
            "details are still listed. Try again in a few minutes; if it lasts, tell the "
            "system administrator."
        )
    assert expected.encode() in response.content
    page = client.get(reverse("tips_admin:detail", args=[tip_a.pk]))
    assert page.status_code == 200 and tip_a.reference.encode() in page.content


@pytest.mark.django_db(transaction=True)
def test_unlock_in_one_process_read_in_another(client, world, tip_a, redis_url, settings):
    """Two web processes sharing Redis: unlocked here, read by a separate Python process."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL (shared between processes)")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "mw-triage-test",
        }
    }
    from django.core.cache import caches

    caches._settings = caches.settings = settings.CACHES
    caches._connections.__dict__.pop("default", None)
    from django.core import cache as cache_module

    monkey_cache = caches["default"]
    cache_session.cache = monkey_cache
    try:
        verified_login(client, world.inv_a)
        unlock(client)
        value = _cookie(client)
        code = (
            "import django, os, sys\n"
            "django.setup()\n"
            "from django.contrib.auth import get_user_model\n"
            "from tips import vault\n"
            "from tips.models import Tip\n"
            "from tips.services import tip_open\n"
            "user = get_user_model().objects.get(username='inv_a')\n"
            "keys = vault.load(user, sys.argv[1])[0]\n"
            "tip = Tip.objects.get(pk=int(sys.argv[2]))\n"
            "print(tip_open(tip, keys)['fields']['what'])\n"
        )
        from django.db import connection

        env = {
            **__import__("os").environ,
            "DJANGO_SETTINGS_MODULE": "mostwanted.settings.test",
            "REDIS_URL": redis_url,
            "CACHE_KEY_PREFIX": "mw-triage-test",
            "DATABASE_URL": _database_url(connection),
        }
        out = subprocess.run(
            [sys.executable, "-c", code, value, str(tip_a.pk)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert "CANARY-TIP-A" in out.stdout, out.stderr[-2000:]
    finally:
        cache_session.cache = cache_module.cache


def _database_url(connection):
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.django_db
def test_vault_setup_checks_passphrase_strength(client, world):
    from tips.models import InvestigatorKey

    InvestigatorKey.objects.filter(user=world.inv_a).delete()
    verified_login(client, world.inv_a)
    url = reverse("tips_admin:vault_setup")
    for weak in ("short", "password1234", "login-inv_a-pw-0123"):
        response = client.post(url, {"passphrase": weak, "passphrase2": weak})
        assert response.status_code == 200
        assert not InvestigatorKey.objects.filter(user=world.inv_a).exists()
    ok = client.post(url, {"passphrase": PASSPHRASE, "passphrase2": PASSPHRASE})
    assert ok.status_code == 302
    assert InvestigatorKey.objects.filter(user=world.inv_a).exists()
