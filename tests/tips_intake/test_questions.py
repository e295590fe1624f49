"""Questions per appeal: form fields and messages in four languages, answers kept through
every refusal, sealed as asked (no plaintext at rest), unchanged by later edits."""

import datetime
import re
import time
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone, translation

from appeals import questions as aq
from tips import questions as tq
from tips import services
from tips.forms import TipForm
from tips.models import Tip

from . import images
from .conftest import tip_data
from .test_no_plaintext import assert_nowhere, everywhere
from .test_no_plaintext import capture_all_logs as _capture_all_logs

LANGS = ("fr", "nl", "de", "en")
capture_all_logs = _capture_all_logs  # the no-plaintext test's fixture, under its name


def spec(kind, **extra):
    base = {
        "id": str(uuid.uuid4()),
        "type": kind,
        "label": f"Question {kind}",
        "help": "",
        "required": False,
        "choices": [],
        "allow_future": False,
        "min": None,
        "max": None,
    }
    base.update(extra)
    return base


def errors_for(s, value, lang):
    with translation.override(lang):
        form = TipForm(data={**tip_data(), tq.field_name(s): value}, questions=[s])
        form.is_valid()
        return [str(e) for e in form.errors.get(tq.field_name(s), [])]


# What each language must say (a distinctive part of the message).
EXPECTED = {
    "required": {
        "fr": "Veuillez répondre",
        "nl": "Beantwoord deze vraag",
        "de": "beantworten Sie diese Frage",
        "en": "Please answer this question",
    },
    "choice": {
        "fr": "réponses proposées",
        "nl": "getoonde antwoorden",
        "de": "angezeigten Antworten",
        "en": "answers shown",
    },
    "date": {
        "fr": "une date comme",
        "nl": "datum in zoals",
        "de": "ein Datum wie",
        "en": "date such",
    },
    "future": {
        "fr": "dans le futur",
        "nl": "in de toekomst",
        "de": "in der Zukunft",
        "en": "future",
    },
    "time": {"fr": "une heure comme", "nl": "tijdstip in", "de": "Uhrzeit wie", "en": "time such"},
    "number": {
        "fr": "nombre entier",
        "nl": "geheel getal",
        "de": "ganze Zahl",
        "en": "whole number",
    },
    "min": {"fr": "au moins 1", "nl": "minstens 1", "de": "mindestens 1", "en": "at least 1"},
    "max": {"fr": "au plus 20", "nl": "hoogstens 20", "de": "höchstens 20", "en": "at most 20"},
    "plate": {"fr": "plaque", "nl": "nummerplaat", "de": "Kennzeichen", "en": "plate"},
    "too_long": {"fr": "500", "nl": "500", "de": "500", "en": "500"},
}

# A month ahead, not tomorrow: computed when the tests are collected, "tomorrow" had become
# today in Brussels by the time a long run reached these tests after midnight.
LATER = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
CASES = [
    # (spec, bad value, expected message key)
    (spec(aq.SHORT_TEXT, required=True), "", "required"),
    (spec(aq.SHORT_TEXT), "x" * 501, "too_long"),
    (spec(aq.LONG_TEXT, required=True), "   ", "required"),
    (spec(aq.PLACE, required=True), "", "required"),
    (spec(aq.YES_NO), "maybe", "choice"),
    (spec(aq.CHOICE, choices=["Red", "Blue"]), "3", "choice"),
    (spec(aq.CHOICES, choices=["Car", "Van"]), ["1", "9"], "choice"),
    (spec(aq.DATE), "31/31/2025", "date"),
    (spec(aq.DATE), LATER, "future"),
    (spec(aq.TIME), "25:99", "time"),
    (spec(aq.NUMBER), "three", "number"),
    (spec(aq.NUMBER, min=1, max=20), "0", "min"),
    (spec(aq.NUMBER, min=1, max=20), "21", "max"),
    (spec(aq.PLATE), "1-ABC-123; DROP", "plate"),
]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("s", "value", "key"), CASES, ids=[f"{c[0]['type']}-{c[2]}" for c in CASES]
)
def test_each_type_refuses_bad_input_in_the_citizens_language(s, value, key, lang):
    errors = errors_for(s, value, lang)
    assert len(errors) == 1, errors
    assert EXPECTED[key][lang] in errors[0], errors[0]


GOOD = [
    (spec(aq.SHORT_TEXT), "a red scooter", "a red scooter", "a red scooter"),
    (spec(aq.LONG_TEXT), "line 1\nline 2", "line 1\nline 2", "line 1\nline 2"),
    (spec(aq.PLACE), "Gare de Namur", "Gare de Namur", "Gare de Namur"),
    (spec(aq.YES_NO), "dont_know", "I don't know", "dont_know"),
    (spec(aq.CHOICE, choices=["Red", "Blue"]), "2", "Blue", "2"),
    (spec(aq.CHOICES, choices=["Car", "Van", "Bike"]), ["1", "3"], ["Car", "Bike"], ["1", "3"]),
    (spec(aq.DATE), "2025-05-31", "2025-05-31", "2025-05-31"),
    (spec(aq.DATE, allow_future=True), LATER, LATER, LATER),
    (spec(aq.TIME), "07:05", "07:05", "07:05"),
    (spec(aq.NUMBER, min=1, max=20), "3", "3", "3"),
    (spec(aq.PLATE), "1 abc 123", "1-ABC-123", "1-ABC-123"),
    (spec(aq.PLATE), "abc.123", "ABC-123", "ABC-123"),
    (spec(aq.PLATE), "2-?B?-1??", "2-?B?-1??", "2-?B?-1??"),
    (spec(aq.PLATE), "B MW 1234", "B MW 1234", "B MW 1234"),  # a German plate
    (spec(aq.SHORT_TEXT), "", "", ""),  # optional, not answered
]


@pytest.mark.parametrize(("s", "value", "shown", "canonical"), GOOD)
def test_each_type_accepts_and_seals_its_answer_as_shown(s, value, shown, canonical):
    with translation.override("en"):
        form = TipForm(data={**tip_data(), tq.field_name(s): value}, questions=[s])
        assert form.is_valid(), form.errors
        [item] = form.answers_for_sealing()
    assert item["answer"] == shown and item["value"] == canonical
    assert item["label"] == s["label"] and item["type"] == s["type"]


def test_yes_no_answer_is_shown_in_the_citizens_language():
    s = spec(aq.YES_NO)
    with translation.override("nl"):
        form = TipForm(data={**tip_data(), tq.field_name(s): "yes"}, questions=[s])
        assert form.is_valid()
        assert form.answers_for_sealing()[0]["answer"] == "Ja"


# --------------------------------------------------------------------------- the view


@pytest.fixture
def appeal_with_questions(db):
    """A live appeal (fr) asking one question of each type, with its nl translation."""
    from wagtail.models import Locale, Page

    from appeals.models import AppealIndexPage, AppealPage

    for code in LANGS:
        Locale.objects.get_or_create(language_code=code)
    root = Page.get_first_root_node()
    index = root.add_child(instance=AppealIndexPage(title="Avis", slug="avis-questions"))
    page = index.add_child(
        instance=AppealPage(
            title="Avis questions",
            slug="avis-questions-1",
            kind="wanted",
            questions=STREAM,
        )
    )
    return page


def _q(kind, label, required=False, **extra):
    return {"type": kind, "value": {"label": label, "help_text": "", "required": required, **extra}}


STREAM = [
    _q("short_text", "Couleur de la veste ?", required=True),
    _q("long_text", "Décrivez le véhicule", help_text="Marque, modèle"),
    _q("yes_no", "Était-il armé ?", required=True),
    _q("choice", "Seul ou accompagné ?", choices=["Seul", "Accompagné"]),
    _q("choices", "Véhicules vus", choices=["Voiture", "Moto", "Camionnette"]),
    _q("date", "Date de l'observation", allow_future=False),
    _q("time", "Heure de l'observation"),
    _q("place", "Lieu exact"),
    _q("number", "Combien de personnes ?", min_value=1, max_value=50),
    _q("plate", "Plaque du véhicule"),
]


def answers_post(page, **overrides):
    specs = aq.question_specs(page.questions)
    by_type = {s["type"]: tq.field_name(s) for s in specs}
    values = {
        "short_text": "veste rouge",
        "long_text": "Golf grise",
        "yes_no": "yes",
        "choice": "2",
        "choices": ["1", "3"],
        "date": "2025-05-30",
        "time": "21:15",
        "place": "Rue Neuve, Bruxelles",
        "number": "2",
        "plate": "1abc123",
    }
    values.update(overrides)
    return {by_type[k]: v for k, v in values.items() if v is not None}, by_type


def test_form_shows_the_questions_after_the_standard_fields(client, appeal_with_questions):
    html = client.get(f"/tip/appeal/{appeal_with_questions.pk}/").content.decode()
    assert html.index('name="how_known"') < html.index("Couleur de la veste ?")
    assert html.index("Plaque du véhicule") < html.index('name="contact"')
    for item in STREAM:
        assert item["value"]["label"].replace("'", "&#x27;") in html
    assert "Je ne sais pas" in html and 'type="radio"' in html and 'type="checkbox"' in html


def _kept(html, data):
    for name, value in data.items():
        values = value if isinstance(value, list) else [value]
        for v in values:
            pattern = (
                rf'name="{name}" value="{re.escape(v)}"[^>]*checked'
                if name in CHECKED
                else re.escape(v)
            )
            assert re.search(pattern, html), (name, v)


CHECKED: set = set()


@pytest.fixture
def answers(appeal_with_questions):
    data, by_type = answers_post(appeal_with_questions)
    CHECKED.clear()
    CHECKED.update(by_type[k] for k in ("yes_no", "choice", "choices"))
    return data


def test_answers_survive_a_validation_refusal(client, tipline, appeal_with_questions, answers):
    url = f"/tip/appeal/{appeal_with_questions.pk}/"
    bad = {**answers}
    plate = next(k for k in bad if bad[k] == "1abc123")
    bad[plate] = "1-ABC-123!!"
    response = client.post(url, {**tip_data(), **bad})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Veuillez écrire la plaque" in html
    _kept(html, {k: v for k, v in bad.items() if k != plate})
    assert "1-ABC-123!!" in html


def test_answers_survive_rate_limit_photo_token_csrf_and_503(
    client, tipline, appeal_with_questions, answers, settings, monkeypatch
):
    url = f"/tip/appeal/{appeal_with_questions.pk}/"
    data = {**tip_data(), **answers}
    # A refused photo.
    refused = client.post(
        url, {**data, "photos": [SimpleUploadedFile("x.jpg", images.not_an_image())]}
    )
    assert refused.status_code == 400
    _kept(refused.content.decode(), answers)
    # An expired / forged form token.
    expired = client.post(url, {**data, "form_token": "forged"})
    assert expired.status_code == 400
    _kept(expired.content.decode(), answers)
    # CSRF failure (mostwanted.views.csrf_failure).
    strict = Client(enforce_csrf_checks=True)
    csrf = strict.post(url, data)
    assert csrf.status_code == 403
    _kept(csrf.content.decode(), answers)
    # Tip line unavailable.
    from django.db import OperationalError

    def broken(*args, **kwargs):
        raise OperationalError("database is down")

    with monkeypatch.context() as m:
        m.setattr(Tip.objects, "create", broken)
        down = client.post(url, data)
    assert down.status_code == 503
    _kept(down.content.decode(), answers)
    # Rate limit.
    settings.TIP_RATE_PER_SOURCE = "0/h"
    limited = client.post(url, data)
    assert limited.status_code == 429
    _kept(limited.content.decode(), answers)
    assert Tip.objects.count() == 0


def test_answers_are_sealed_as_asked_and_later_edits_change_nothing(
    client, tipline, appeal_with_questions, answers
):
    _desk, recovery_private = tipline
    page = appeal_with_questions
    response = client.post(f"/tip/appeal/{page.pk}/", {**tip_data(), **answers})
    assert response.status_code == 200, response.content[:2000]
    tip = Tip.objects.get()
    sealed = bytes(tip.ciphertext)
    document = services.tip_open_with_recovery(tip, recovery_private)
    got = {i["type"]: i for i in document["questions"]}
    assert [i["label"] for i in document["questions"]] == [s["value"]["label"] for s in STREAM]
    assert got["yes_no"]["answer"] == "Oui" and got["yes_no"]["value"] == "yes"
    assert got["choice"]["answer"] == "Accompagné"
    assert got["choices"]["answer"] == ["Voiture", "Camionnette"]
    assert got["choices"]["choices"] == ["Voiture", "Moto", "Camionnette"]
    assert got["plate"]["answer"] == "1-ABC-123"
    assert got["number"]["answer"] == "2" and got["time"]["answer"] == "21:15"
    assert tq.answered_yes(document)

    # The editor rewrites, reorders and deletes questions, and publishes.
    page.questions = [
        {"type": "yes_no", "value": {"label": "Avait-il un chien ?", "required": False}},
        {"type": "choice", "value": {"label": "Autre", "choices": ["A", "B"]}},
    ]
    page.save_revision().publish()
    tip.refresh_from_db()
    assert bytes(tip.ciphertext) == sealed
    assert services.tip_open_with_recovery(tip, recovery_private) == document


def test_no_plaintext_of_an_answer_at_rest(
    client, tipline, appeal_with_questions, capture_all_logs, capfd
):
    canary = f"CNRY{uuid.uuid4().hex[:16]}"
    started = time.time()
    data, _by_type = answers_post(
        appeal_with_questions,
        short_text=f"{canary}-short",
        long_text=f"{canary}-long",
        place=f"{canary}-place",
    )
    url = f"/tip/appeal/{appeal_with_questions.pk}/"
    assert client.post(url, {**tip_data(), **data}).status_code == 200
    refused = {**data, next(iter(data)): f"{canary}-x" * 100}  # too long: refused
    assert client.post(url, {**tip_data(), **refused}).status_code == 400
    captured = capfd.readouterr()
    assert_nowhere(
        [canary], everywhere(capture_all_logs.text, captured.out + captured.err, started)
    )
    document = services.tip_open_with_recovery(Tip.objects.get(), tipline[1])
    assert f"{canary}-place" in [i["answer"] for i in document["questions"]]


def test_the_questions_are_asked_in_the_citizens_language(client, appeal_with_questions):
    """Another language's page has its own text; the form follows the active language."""
    from wagtail.models import Locale

    nl = appeal_with_questions.copy_for_translation(
        Locale.objects.get(language_code="nl"), copy_parents=True
    )
    nl.questions = aq.align(appeal_with_questions.questions, nl.questions)
    raw = nl.questions.raw_data
    raw[2]["value"]["label"] = "Was hij gewapend?"
    nl.questions = list(raw)
    nl.save_revision().publish()
    html = client.get(f"/nl/tip/appeal/{appeal_with_questions.pk}/").content.decode()
    assert "Was hij gewapend?" in html and "Ik weet het niet" in html
