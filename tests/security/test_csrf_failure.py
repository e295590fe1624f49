"""A failed CSRF check never loses a citizen's text and never shows Django's bare English
page; a malformed body gets a translated 400 page."""

import html
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import make_tipline, open_intake
from tips import antispam, forms
from tips.models import Tip

TEXT = "Je l'ai vu ce matin rue Neuve, veste rouge <b>&</b> sac noir"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _intake(settings):
    yield from open_intake(settings)


@pytest.fixture
def tipline(db):
    return make_tipline("Fugitive search")[0]


def _in(language, message):
    with translation.override(language):
        return html.escape(str(gettext(message)), quote=True)


def _hidden(body: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', body) or re.search(
        rf'value="([^"]*)" name="{name}"', body
    )
    assert match, f"no hidden field {name}"
    return html.unescape(match.group(1))


def test_tip_form_without_csrf_keeps_the_text_and_can_be_sent_again(tipline):
    client = Client(enforce_csrf_checks=True)
    data = {
        "what": TEXT,
        "place": "Bruxelles",
        "how_known": "Je l'ai vu",
        "website": "",
        "form_token": antispam.issue_token(),
    }
    response = client.post("/en/tip/", data)  # no CSRF cookie, no token
    assert response.status_code == 403
    body = response.content.decode()
    assert TEXT not in body  # escaped, never raw HTML
    assert TEXT in html.unescape(body) and "Bruxelles" in body and "Je l&#x27;ai vu" in body
    with translation.override("en"):
        assert str(forms.SESSION_EXPIRED_MESSAGE) in html.unescape(body)
    assert response["Cache-Control"].startswith("no-store")
    cookie = response.cookies[settings.CSRF_COOKIE_NAME]
    assert cookie.value and cookie["samesite"] == "Strict"
    token = _hidden(body, "csrfmiddlewaretoken")
    assert token
    assert Tip.objects.count() == 0

    # Sent again from the page as shown (the browser now has the fresh cookie): accepted.
    again = {
        "what": TEXT,
        "place": "Bruxelles",
        "how_known": "Je l'ai vu",
        "website": "",
        "form_token": _hidden(body, "form_token"),
        "csrfmiddlewaretoken": token,
    }
    response = client.post("/en/tip/", again)
    assert response.status_code == 200
    assert Tip.objects.count() == 1


def test_tip_form_is_refilled_in_the_page_language(tipline, settings):
    response = Client(enforce_csrf_checks=True).post(
        "/de/tip/", {"what": TEXT, "form_token": antispam.issue_token()}
    )
    assert response.status_code == 403
    body = html.unescape(response.content.decode())
    with translation.override("de"):
        expected = str(forms.SESSION_EXPIRED_MESSAGE)
    assert expected in body and expected != "Your session expired for safety"
    assert TEXT in body


def test_appeal_tip_form_without_csrf_keeps_the_appeal_and_text(site_tree, tipline):
    appeal = site_tree["appeal"]
    url = reverse("tips:submit_for_appeal", args=[appeal.pk])
    response = Client(enforce_csrf_checks=True).post(url, {"what": TEXT})
    assert response.status_code == 403
    body = html.unescape(response.content.decode())
    assert TEXT in body and "Jean Exemple" in body


def test_cross_site_post_gets_the_plain_403_not_the_refilled_form(tipline):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/en/tip/", {"what": TEXT}, headers={"origin": "https://evil.example"})
    assert response.status_code == 403
    body = html.unescape(response.content.decode())
    assert TEXT not in body
    assert 'name="what"' not in body
    assert "CSRF verification failed" not in body


def test_followup_answer_without_csrf_keeps_the_answer(db):
    response = Client(enforce_csrf_checks=True).post(
        "/en/tip/follow-up/answer/", {"text": "He has a scar on his left hand"}
    )
    assert response.status_code == 403
    body = html.unescape(response.content.decode())
    assert "He has a scar on his left hand" in body  # kept as the draft of the receipt form
    assert "CSRF verification failed" not in body


@pytest.mark.parametrize("language", ["fr", "nl", "de", "en"])
def test_other_path_gets_a_translated_403(db, language):
    prefix = "" if language == "fr" else f"/{language}"
    response = Client(enforce_csrf_checks=True).post(f"{prefix}/tip/receipt/", {"receipt": "x"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "CSRF verification failed" not in body and "Forbidden (403)" not in body
    assert f'<html lang="{language}"' in body
    assert _in(language, "Access refused") in body
    if language != "en":
        assert _in(language, "Access refused") != "Access refused"
    assert settings.CSRF_COOKIE_NAME in response.cookies  # a fresh cookie for the next try


def _malformed(client, path):
    return client.generic(
        "POST", path, b"garbage without any boundary", content_type="multipart/form-data"
    )


@pytest.mark.parametrize("language", ["fr", "nl", "de", "en"])
def test_malformed_multipart_on_the_tip_form_is_a_translated_400(db, language):
    prefix = "" if language == "fr" else f"/{language}"
    response = _malformed(Client(enforce_csrf_checks=True), f"{prefix}/tip/")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Bad Request (400)" not in body
    assert _in(language, str(forms.UNREADABLE_REQUEST_MESSAGE)) in body
    assert 'name="what"' in body  # the form, ready to be filled again


@pytest.mark.parametrize("with_cookie", [False, True])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_malformed_multipart_elsewhere_is_a_translated_400(db, language, with_cookie):
    client = Client(enforce_csrf_checks=True)
    if with_cookie:  # the CSRF check then reads the body first: Django's handler400
        client.get(f"/{language}/tip/")
        assert settings.CSRF_COOKIE_NAME in client.cookies
    response = _malformed(client, f"/{language}/tip/follow-up/answer/")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Bad Request (400)" not in body
    assert f'<html lang="{language}"' in body
    assert _in(language, "Bad request") in body
