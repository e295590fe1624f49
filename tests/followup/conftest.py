"""Fixtures for the follow-up tests: the triage world (desks, roles, vaults), fast Argon2id,
open rate limits, and helpers to send a tip through the public form."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.triage.conftest import (  # noqa: F401 - fixtures re-exported
    PASSPHRASE,
    make_user,
    png_bytes,
    unlock,
    verified_login,
    world,
)
from tips import antispam, ratelimit

FAST_ARGON2 = {"memory_cost": 64, "iterations": 1, "lanes": 1}


@pytest.fixture(autouse=True)
def _english_urls():
    """reverse() gives /en/... URLs, so the public pages answer in English."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _followup_settings(settings):
    settings.TIP_PASSPHRASE_ARGON2 = FAST_ARGON2
    settings.TIP_RECEIPT_ARGON2 = FAST_ARGON2
    settings.TIP_FORM_MIN_SECONDS = 0
    settings.TIP_RATE_PER_SOURCE = "1000/h"
    settings.TIP_RATE_GLOBAL = "1000/m"
    settings.TIP_FOLLOWUP_RATE_PER_SOURCE = "1000/h"
    settings.TIP_FOLLOWUP_RATE_GLOBAL = "1000/m"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    cache.clear()
    ratelimit.reset_state()
    yield
    cache.clear()
    ratelimit.reset_state()


_RECEIPT = re.compile(rb'name="receipt" value="([0-9-]{34})"')


def send_tip_through_form(client, text="I saw him at the Gare du Midi", photos=()):
    """POST the public form; returns the receipt shown on the receipt page."""
    data = {
        "what": text,
        "when_date": "",
        "when_time": "",
        "place": "Bruxelles-Midi",
        "how_known": "I saw him myself.",
        "contact": "",
        "website": "",
        "form_token": antispam.issue_token(),
    }
    if photos:
        data["photos"] = list(photos)
    response = client.post(reverse("tips:submit"), data)
    assert response.status_code == 200, response.content[:2000]
    match = _RECEIPT.search(response.content)
    assert match, "no receipt on the receipt page"
    return match.group(1).decode()


def open_conversation(client, receipt):
    return client.post(reverse("tips:followup"), {"receipt": receipt})


@pytest.fixture
def investigator_client(client, world):  # noqa: F811 - the fixture
    """inv_a (desk A) logged in with a verified second factor and an unlocked vault."""
    verified_login(client, world.inv_a)
    response = unlock(client)
    assert response.status_code in (200, 302)
    return client
