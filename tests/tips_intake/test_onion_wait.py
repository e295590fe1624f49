"""The onion host's longer wait before a tip can be sent (docs/tor.md): the application's
own cost per tip for Tor circuits, which works without JavaScript. The form says how long;
a tip sent sooner is refused with the real wait and its text kept; after the wait it is
accepted. The clear-web host keeps ``TIP_FORM_MIN_SECONDS``."""

import re
import time

import pytest
from django.utils import translation

from tips import antispam

from .conftest import tip_data

ONION = "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz2345.onion"
RECEIPT = re.compile(rb"\b\d{4}(?:-\d{4}){6}\b")
WAIT = {
    "fr": "peut être envoyé 20 secondes après son ouverture",
    "nl": "pas 20 seconden na het openen",
    "de": "erst 20 Sekunden nach dem Öffnen",
    "en": "can be sent 20 seconds after it was opened",
}


@pytest.fixture
def onion(settings):
    settings.ONION_HOST = ONION
    settings.ALLOWED_HOSTS = ["testserver", ONION]
    settings.TIP_ONION_FORM_MIN_SECONDS = 20


def _form(client, host, lang="en"):
    prefix = "" if lang == "fr" else f"/{lang}"
    return client.get(f"{prefix}/tip/", HTTP_HOST=host).content.decode()


def test_the_onion_form_says_how_long_to_wait_in_every_language(client, tipline, onion):
    for lang, text in WAIT.items():
        body = _form(client, ONION, lang)
        assert 'id="tip-onion-wait"' in body and text in body, lang
    assert 'id="tip-onion-wait"' not in _form(client, "testserver")


def test_a_tip_sent_too_soon_on_the_onion_is_refused_then_accepted_after_the_wait(
    client, tipline, onion, monkeypatch
):
    data = tip_data(what="Seen him at the harbour, blue cap")
    soon = client.post("/en/tip/", data, HTTP_HOST=ONION)
    body = soon.content.decode()
    assert soon.status_code == 400
    with translation.override("en"):
        assert "a tip can be sent 20 seconds after the form was opened" in body
    assert "Seen him at the harbour, blue cap" in body

    real_time = time.time
    token = tip_data()[antispam.TOKEN_FIELD]
    monkeypatch.setattr(antispam.time, "time", lambda: real_time() + 21)
    later = client.post("/en/tip/", {**data, antispam.TOKEN_FIELD: token}, HTTP_HOST=ONION)
    assert later.status_code == 200 and RECEIPT.search(later.content)


def test_the_clear_web_keeps_its_own_minimum(client, tipline, onion):
    sent = client.post("/en/tip/", tip_data(), HTTP_HOST="testserver")
    assert sent.status_code == 200 and RECEIPT.search(sent.content)


def test_min_seconds_for_takes_the_longer_of_the_two(rf, onion, settings):
    settings.TIP_FORM_MIN_SECONDS = 30
    assert antispam.min_seconds_for(rf.get("/tip/", HTTP_HOST=ONION)) == 30
    settings.TIP_FORM_MIN_SECONDS = 3
    assert antispam.min_seconds_for(rf.get("/tip/", HTTP_HOST=ONION)) == 20
    assert antispam.min_seconds_for(rf.get("/tip/")) == 3
