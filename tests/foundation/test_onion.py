"""The onion service: Onion-Location on the clear web, no HTTPS redirect and no HSTS on the
onion host, the host allowed, and each Tor circuit its own rate-limit source (issue 15)."""

import importlib

import pytest
from django.test import override_settings

from tips import ratelimit

ONION = "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz2345.onion"
CLEAR = "mostwanted.example"


@pytest.fixture
def onion_site(settings):
    settings.ONION_HOST = ONION
    settings.ALLOWED_HOSTS = [CLEAR, ONION, "testserver"]
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


@pytest.mark.django_db
def test_clear_web_page_announces_the_onion(client, onion_site):
    response = client.get("/fr/", HTTP_HOST=CLEAR, HTTP_X_FORWARDED_PROTO="https")
    assert response["Onion-Location"] == f"http://{ONION}/fr/"
    assert "Strict-Transport-Security" in response


@pytest.mark.django_db
def test_clear_web_http_still_redirects(client, onion_site):
    response = client.get("/fr/", HTTP_HOST=CLEAR)
    assert response.status_code == 301 and response["Location"].startswith("https://")


@pytest.mark.django_db
def test_onion_host_has_no_redirect_no_hsts_no_onion_location(client, onion_site):
    response = client.get("/fr/", HTTP_HOST=ONION)
    assert response.status_code != 301  # served over plain HTTP (a 404 without a site tree)
    assert "Strict-Transport-Security" not in response
    assert "Onion-Location" not in response


@pytest.mark.django_db
def test_without_onion_host_nothing_changes(client, settings):
    settings.ONION_HOST = ""
    assert "Onion-Location" not in client.get("/fr/")


def test_onion_host_is_allowed_and_trusted(monkeypatch):
    monkeypatch.setenv("ONION_HOST", ONION.upper())
    from mostwanted.settings import base

    try:
        reloaded = importlib.reload(base)
        assert ONION in reloaded.ALLOWED_HOSTS
        assert f"http://{ONION}" in reloaded.CSRF_TRUSTED_ORIGINS
    finally:
        monkeypatch.delenv("ONION_HOST")
        importlib.reload(base)


@override_settings(TIP_IPV6_PREFIX=64)
def test_each_tor_circuit_is_its_own_source():
    one = ratelimit.source_of("fc00:dead:beef:4dad::1:2")
    two = ratelimit.source_of("fc00:dead:beef:4dad::1:3")
    assert one != two
    # An ordinary IPv6 network stays one source.
    assert ratelimit.source_of("2001:db8::1") == ratelimit.source_of("2001:db8::ffff")
