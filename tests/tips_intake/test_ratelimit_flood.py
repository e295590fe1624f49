"""The issue's floods against real Redis: one source must not silence everyone.

Shown on the old code: one client posting the form with only a CSRF pair made eight genuine
tips from another address get 429; 125 receipt attempts locked a genuine tipster out of the
follow-up. Both pass now: cheap checks come before any counter, a source over its limit no
longer counts toward the site-wide figure, and only accepted tips use a source's budget.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from tips import services
from tips.keys import active_desk_key
from tips.models import Tip

from .conftest import tip_data

pytestmark = pytest.mark.services

URL = "/en/tip/"
RECEIPT = re.compile(rb"\b\d{4}(?:-\d{4}){6}\b")
FLOODER = "203.0.113.66"


@pytest.fixture(autouse=True)
def _real_redis():
    backend = django_settings.CACHES["default"]["BACKEND"]
    if "redis" not in backend.lower():
        pytest.skip("needs REDIS_URL (a real Redis)")


def _genuine_tips(count: int) -> list[int]:
    statuses = []
    for i in range(count):
        response = Client().post(
            URL,
            tip_data(what=f"Genuine tip {i}: seen at the station"),
            REMOTE_ADDR=f"198.51.100.{i + 10}",
        )
        statuses.append(response.status_code if RECEIPT.search(response.content) else -1)
    return statuses


def test_a_flooding_source_does_not_make_genuine_tips_get_429(tipline, settings):
    settings.TIP_RATE_PER_SOURCE = "5/h"
    settings.TIP_ATTEMPTS_PER_SOURCE = "30/h"
    settings.TIP_RATE_GLOBAL = "40/h"  # an hour window: no boundary inside the test
    flooder = Client()
    flooder.get(URL, REMOTE_ADDR=FLOODER)
    # A CSRF pair and nothing else, as fast as it can: refused by the cheap checks.
    for _ in range(120):
        response = flooder.post(
            URL,
            {"what": "flood", "csrfmiddlewaretoken": flooder.cookies["csrftoken"].value},
            REMOTE_ADDR=FLOODER,
        )
        assert response.status_code == 400
    # Then complete forms: five accepted, every other one refused for this source only.
    statuses = [
        flooder.post(URL, tip_data(what="flood"), REMOTE_ADDR=FLOODER).status_code
        for _ in range(40)
    ]
    assert statuses.count(200) == 5
    assert set(statuses[5:]) == {429}

    assert _genuine_tips(8) == [200] * 8
    assert Tip.objects.count() == 13


def test_mistakes_and_reloads_do_not_burn_a_citizens_budget(tipline, settings):
    settings.TIP_RATE_PER_SOURCE = "2/h"
    settings.TIP_ATTEMPTS_PER_SOURCE = "30/h"
    client = Client()
    address = "198.51.100.77"
    for _ in range(6):  # an impossible date, an empty text: refused, the text kept
        assert (
            client.post(URL, tip_data(when_date="2025-13-45"), REMOTE_ADDR=address).status_code
            == 400
        )
        assert client.post(URL, tip_data(what=""), REMOTE_ADDR=address).status_code == 400
    first = tip_data()
    assert client.post(URL, first, REMOTE_ADDR=address).status_code == 200
    reload = client.post(URL, first, REMOTE_ADDR=address)  # the receipt again, not a 2nd tip
    assert reload.status_code == 200 and RECEIPT.search(reload.content)
    assert client.post(URL, tip_data(), REMOTE_ADDR=address).status_code == 200
    refused = client.post(URL, tip_data(), REMOTE_ADDR=address)
    assert refused.status_code == 429
    wait = int(refused["Retry-After"])
    minutes = -(-wait // 60)
    body = refused.content.decode()
    assert f"in {minutes} minute" in body  # the real remaining window, not "a few minutes"
    assert "I saw him at the Gare du Midi" in body


def test_one_ipv6_64_is_one_source(tipline, settings):
    settings.TIP_RATE_PER_SOURCE = "2/h"
    client = Client()
    for suffix in ("1", "2"):
        assert (
            client.post(URL, tip_data(), REMOTE_ADDR=f"2001:db8:5:6::{suffix}").status_code == 200
        )
    assert client.post(URL, tip_data(), REMOTE_ADDR="2001:db8:5:6:ffff::9").status_code == 429
    assert client.post(URL, tip_data(), REMOTE_ADDR="2001:db8:5:7::1").status_code == 200


def test_receipt_guessing_does_not_lock_out_a_genuine_tipster(tipline, settings):
    desk, _recovery = tipline
    settings.TIP_FOLLOWUP_RATE_PER_SOURCE = "10/h"
    settings.TIP_FOLLOWUP_RATE_PER_PREFIX = "10/h"
    settings.TIP_FOLLOWUP_RATE_GLOBAL = "120/h"  # an hour window: no boundary inside the test
    submitted = services.tip_submit(
        desk_key=active_desk_key(desk), fields={"what": "Seen at the market"}, language="en"
    )
    guesser = Client()
    url = reverse("tips:followup")
    statuses = []
    for i in range(125):
        guess = f"{i:04d}-0000-0000-0000-0000-0000-{i:04d}"
        statuses.append(guesser.post(url, {"receipt": guess}, REMOTE_ADDR=FLOODER).status_code)
    assert statuses[:10] == [200] * 10  # the wrong-receipt page
    assert set(statuses[10:]) == {429}

    tipster = Client()
    response = tipster.post(url, {"receipt": submitted.receipt}, REMOTE_ADDR="198.51.100.3")
    assert response.status_code == 200
    assert "We could not open a conversation" not in response.content.decode()
    assert response.cookies.get("followup") is not None  # the conversation is open


def test_the_right_receipt_is_never_used_up(tipline, settings):
    desk, _recovery = tipline
    settings.TIP_FOLLOWUP_RATE_PER_SOURCE = "3/h"
    submitted = services.tip_submit(
        desk_key=active_desk_key(desk), fields={"what": "Seen"}, language="en"
    )
    url = reverse("tips:followup")
    tipster = Client()
    for _ in range(6):  # opening again and again costs nothing
        response = tipster.post(url, {"receipt": submitted.receipt}, REMOTE_ADDR="198.51.100.4")
        assert response.status_code == 200
        assert response.cookies.get("followup") is not None
