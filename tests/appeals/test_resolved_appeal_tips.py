"""The tip form of a resolved appeal says so, and still takes the information as a general tip."""

import re

import pytest
from django.core.cache import cache
from django.utils import translation
from wagtail.models import Locale

from appeals.choices import Status
from appeals.models import AppealPage, Desk
from tips import antispam, keys, ratelimit, services
from tips.models import Tip

from .conftest import LANGS

RECEIPT = re.compile(rb"\b\d{4}(?:-\d{4}){6}\b")
NOTICE = (
    "It no longer asks for help. You can still send information: "
    "it will be handled as a general tip."
)


@pytest.fixture
def tip_line(db, settings):
    """A general desk (keyed first: the general tip line's desk today) and the appeal's own
    desk, both with keys, and a recovery key. Returns (general, appeal_desk, recovery)."""
    settings.TIP_FORM_MIN_SECONDS = 0
    settings.TIP_RATE_PER_SOURCE = "1000/h"
    settings.TIP_RATE_GLOBAL = "1000/m"
    cache.clear()
    ratelimit.reset_state()
    default = Locale.get_default()
    general = Desk.objects.create(name="General desk", locale=default)
    appeal_desk = Desk.objects.create(name="Fugitive search", locale=default)
    _rk, recovery = keys.create_recovery_key()
    keys.create_desk_key(general)
    keys.create_desk_key(appeal_desk)
    settings.TIP_DEFAULT_DESK_ID = general.pk
    yield general, appeal_desk, recovery
    cache.clear()
    ratelimit.reset_state()


def tip_form_url(page, code):
    return page.get_tip_url(code)


def send(client, url, text):
    data = {
        "what": text,
        "when_date": "2026-11-01",
        "when_time": "14:30",
        "place": "Bruxelles-Midi",
        "how_known": "I saw him myself.",
        "contact": "",
        "website": "",
        "form_token": antispam.issue_token(),
    }
    response = client.post(url, data)
    assert response.status_code == 200, response.content.decode()[:2000]
    assert RECEIPT.search(response.content)


def test_active_appeal_tip_goes_to_its_desk(client, make_appeal, tip_line):
    general, appeal_desk, _recovery = tip_line
    page = make_appeal(desk=appeal_desk)
    html = client.get(tip_form_url(page, "fr")).content.decode()
    assert 'class="tip-resolved"' not in html
    send(client, tip_form_url(page, "fr"), "I saw him yesterday near the station.")
    tip = Tip.objects.get()
    assert tip.desk == appeal_desk and tip.appeal_id == page.pk


@pytest.mark.parametrize("status", [Status.ARRESTED, Status.IDENTIFIED, Status.CLOSED])
def test_resolved_appeal_tip_form_says_so_in_every_language(client, make_appeal, status):
    for code in LANGS:
        page = make_appeal(code, status=status)
        response = client.get(tip_form_url(page, code))
        html = response.content.decode()
        assert response.status_code == 200
        assert 'class="tip-resolved"' in html, code
        with translation.override(code):
            assert translation.gettext(NOTICE) in html.replace("\n    ", " "), code
            assert str(status.label) in html, code
        assert 'id="tip-form"' in html  # the form is still there


def test_resolved_appeal_tip_is_taken_as_a_general_tip(client, make_appeal, tip_line):
    general, appeal_desk, recovery = tip_line
    page = make_appeal("nl", desk=appeal_desk, status=Status.ARRESTED)
    text = "He was seen with two other people who are still free."
    send(client, tip_form_url(page, "nl"), text)
    tip = Tip.objects.get()
    assert tip.desk == general  # routed like a general tip
    assert tip.appeal_id == page.pk  # the reader still knows what it is about
    document = services.tip_open_with_recovery(tip, recovery)
    assert document["fields"]["what"] == text


def test_a_tip_form_opened_before_the_arrest_still_sends(client, make_appeal, tip_line):
    general, appeal_desk, _recovery = tip_line
    page = make_appeal(desk=appeal_desk)
    url = tip_form_url(page, "fr")
    client.get(url)
    page = AppealPage.objects.get(pk=page.pk)
    page.status = Status.ARRESTED
    page.save_revision().publish()
    send(client, url, "I saw him this morning.")
    assert Tip.objects.get().desk == general
