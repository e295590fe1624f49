"""Fixtures for the public intake: a tip line with keys, a clean cache and rate limiter."""

import pytest

from tests.factories import make_tipline, open_intake
from tips import antispam


@pytest.fixture(autouse=True)
def _intake_settings(settings):
    yield from open_intake(settings)


@pytest.fixture
def tipline(db):
    """A desk with an active key and a recovery key; returns (desk, recovery private key)."""
    return make_tipline("Fugitive search")


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
