"""Fixtures for the public intake: a tip line with keys, a clean cache and rate limiter."""

import pytest
from django.core.cache import cache

from tips import antispam, ratelimit


@pytest.fixture(autouse=True)
def _intake_settings(settings):
    settings.TIP_FORM_MIN_SECONDS = 0
    settings.TIP_RATE_PER_SOURCE = "1000/h"
    settings.TIP_RATE_GLOBAL = "1000/m"
    cache.clear()
    ratelimit.reset_state()
    yield
    try:
        cache.clear()
    except Exception:  # noqa: S110 - a test may have pointed the cache at a dead server
        pass
    ratelimit.reset_state()


@pytest.fixture
def tipline(db):
    """A desk with an active key and a recovery key; returns (desk, recovery private key)."""
    from appeals.models import Desk
    from tests.tips_core.helpers import make_tip_line_ready
    from tips import keys

    desk = Desk.objects.create(name="Fugitive search")
    _rk, recovery_private = keys.create_recovery_key()
    make_tip_line_ready(desk)  # a member holding the key; the default desk
    return desk, recovery_private


def tip_data(**overrides):
    data = {
        "what": "I saw him at the Gare du Midi, platform 3, wearing a red jacket.",
        "when_date": "2025-05-01",
        "when_time": "14:30",
        "place": "Bruxelles-Midi",
        "how_known": "I saw him myself.",
        "contact": "",
        "website": "",
        "form_token": antispam.issue_token(),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
