"""Real browser: an appeal's own questions in Dutch and German, JavaScript off and on.

The appeal (one question of each type, translated into nl, de and en) is set up in the live
server's database; building it in the admin is what ``test_questions_journey`` walks. Here a
citizen answers in nl and in de, with JavaScript off and on (four runs): a refusal first (a
number in words, a date in the future) that keeps every answer, then the corrected tip is
accepted; the investigator reads the answers, labelled in the citizen's language, in the
tip's detail. The tip form with every question passes axe (0 serious or critical) and the Nu
Html Checker (0 errors) in the four languages; the page editor refuses a number question
whose smallest number is above its largest. Screenshots: /tmp/shots/questions-i18n/.
"""

import base64
import json
import re
import shutil
from pathlib import Path

import pytest

from .conftest import (
    E2E_TIMEOUT_MS,
    assert_clean_console,
    console_problems,
    live_manage,
    pass_totp,
    run_axe,
)
from .test_editor_journey import french_index_id, log_in
from .test_kinds_browser import _vnu_errors
from .test_questions_journey import PASSPHRASE, TOTP_SECRET, send

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots/questions-i18n")
LANGS = ("fr", "nl", "de", "en")
INVESTIGATOR = ("investigator-fugitives", "demo-investigator-password")

# (type, {lang: label}, options); the choices are per language too.
QUESTIONS = [
    (
        "short_text",
        {"fr": "Couleur de la veste", "nl": "Kleur van de jas", "de": "Farbe der Jacke",
         "en": "Colour of the jacket"},
        {"required": True},
    ),
    (
        "long_text",
        {"fr": "Décrivez le véhicule", "nl": "Beschrijf het voertuig",
         "de": "Beschreiben Sie das Fahrzeug", "en": "Describe the vehicle"},
        {},
    ),
    (
        "yes_no",
        {"fr": "Était-elle armée", "nl": "Was ze gewapend", "de": "War sie bewaffnet",
         "en": "Was she armed"},
        {},
    ),
    (
        "choice",
        {"fr": "Seule ou accompagnée", "nl": "Alleen of vergezeld", "de": "Allein oder begleitet",
         "en": "Alone or with someone"},
        {"choices": {"fr": ["Seule", "Accompagnée"], "nl": ["Alleen", "Vergezeld"],
                     "de": ["Allein", "Begleitet"], "en": ["Alone", "With someone"]}},
    ),
    (
        "choices",
        {"fr": "Véhicules vus", "nl": "Geziene voertuigen", "de": "Gesehene Fahrzeuge",
         "en": "Vehicles seen"},
        {"choices": {"fr": ["Voiture", "Moto", "Camionnette"],
                     "nl": ["Auto", "Motorfiets", "Bestelwagen"],
                     "de": ["Auto", "Motorrad", "Lieferwagen"],
                     "en": ["Car", "Motorbike", "Van"]}},
    ),
    (
        "date",
        {"fr": "Date de l'observation", "nl": "Datum van de waarneming",
         "de": "Datum der Beobachtung", "en": "Date seen"},
        {},
    ),
    (
        "time",
        {"fr": "Heure de l'observation", "nl": "Uur van de waarneming",
         "de": "Uhrzeit der Beobachtung", "en": "Time seen"},
        {},
    ),
    (
        "place",
        {"fr": "Lieu exact", "nl": "Precieze plaats", "de": "Genauer Ort", "en": "Exact place"},
        {},
    ),
    (
        "number",
        {"fr": "Combien de personnes", "nl": "Hoeveel personen", "de": "Wie viele Personen",
         "en": "How many people"},
        {"min_value": 1, "max_value": 50},
    ),
    (
        "plate",
        {"fr": "Plaque du véhicule", "nl": "Nummerplaat", "de": "Kennzeichen",
         "en": "Number plate"},
        {},
    ),
]  # fmt: skip
LABEL = {kind: labels for kind, labels, _options in QUESTIONS}
CHOICES = {kind: options["choices"] for kind, _labels, options in QUESTIONS if "choices" in options}

# What the refusal says in each language (tips/locale): a number in words, a future date.
NUMBER_MESSAGE = {"nl": "geheel getal", "de": "ganze Zahl"}
FUTURE_MESSAGE = {"nl": "ligt in de toekomst", "de": "liegt in der Zukunft"}
YES = {"nl": "Ja", "de": "Ja"}

_BUILD = """
import json
from wagtail.models import Locale
from appeals.models import AppealIndexPage, AppealPage, Desk
questions = json.loads({questions!r})
fr = Locale.objects.get(language_code="fr")
index = AppealIndexPage.objects.get(locale=fr, title="Tous les avis")
desk = Desk.objects.get(locale=fr, name="Cellule de recherche des fugitifs")

def stream(code):
    out = []
    for kind, labels, options in questions:
        value = {{"label": labels[code], "help_text": "", "required": False}}
        value.update({{k: v for k, v in options.items() if k != "choices"}})
        if "choices" in options:
            value["choices"] = options["choices"][code]
        out.append({{"type": kind, "value": value}})
    return out

page = AppealPage(title="Quinta Vraagsteller", slug="quinta-vraagsteller",
                  full_name="Quinta Vraagsteller", desk=desk, questions=stream("fr"))
index.add_child(instance=page)
page.save_revision().publish()
for code in ("nl", "de", "en"):
    locale = Locale.objects.get(language_code=code)
    copy = AppealPage.objects.get(pk=page.copy_for_translation(locale).pk)
    raw = copy.questions.raw_data  # the same block ids as in French: only the text changes
    for item, own in zip(raw, stream(code)):
        item["value"]["label"] = own["value"]["label"]
        if "choices" in own["value"]:
            item["value"]["choices"] = own["value"]["choices"]
    copy.questions = list(raw)
    copy.save_revision().publish()
print("PAGE", page.pk)
"""


@pytest.fixture(scope="module")
def appeal_id(live_site) -> str:
    out = live_manage(live_site, _BUILD.format(questions=json.dumps(QUESTIONS)))
    return re.search(r"PAGE (\d+)", out).group(1)


@pytest.fixture(scope="module")
def investigator(chromium, live_url):
    """One investigator session for the module (a TOTP code is accepted once per window)."""

    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(E2E_TIMEOUT_MS)
    page = context.new_page()
    page.goto(live_url + "/admin/login/")
    page.fill("input[name=username]", INVESTIGATOR[0])
    page.fill("input[name=password]", INVESTIGATOR[1])
    page.click("button[type=submit]")
    page.goto(live_url + "/admin/tips/")
    pass_totp(page, base64.b32decode(TOTP_SECRET))
    page.goto(live_url + "/admin/tips/vault/unlock/")
    page.fill("input[name=passphrase]", PASSPHRASE)
    page.click("main button[type=submit]")
    yield page
    context.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _group(fields, kind, lang):
    return fields.locator("fieldset", has_text=LABEL[kind][lang])


def fill_answers(page, lang: str, *, number: str, date: str) -> dict:
    """Answer every question; returns what each text box should show afterwards."""
    fields = page.locator(".tip-questions")
    typed = {
        "short_text": "rood" if lang == "nl" else "rot",
        "long_text": "Grijze Golf, voorvelg beschadigd" if lang == "nl" else "Grauer Golf, Delle",
        "date": date,
        "time": "21:15",
        "place": "Grote Markt, Brussel" if lang == "nl" else "Marktplatz, Eupen",
        "number": number,
        "plate": "1abc123",
    }
    page.fill("#id_what", f"Gezien bij het station / am Bahnhof gesehen ({lang}).")
    for kind, value in typed.items():
        fields.get_by_label(LABEL[kind][lang]).fill(value)
    _group(fields, "yes_no", lang).locator("input").first.check()  # yes
    _group(fields, "choice", lang).locator("input").nth(1).check()
    vehicles = _group(fields, "choices", lang).locator("input")
    vehicles.nth(0).check()
    vehicles.nth(2).check()
    return typed


def assert_answers_kept(page, lang: str, typed: dict) -> None:
    fields = page.locator(".tip-questions")
    for kind, value in typed.items():
        assert fields.get_by_label(LABEL[kind][lang]).input_value() == value, kind
    assert _group(fields, "yes_no", lang).locator("input").first.is_checked()
    assert _group(fields, "choice", lang).locator("input").nth(1).is_checked()
    checked = _group(fields, "choices", lang).locator("input:checked")
    assert checked.count() == 2
    assert page.input_value("#id_what").endswith(f"({lang}).")


@pytest.mark.parametrize("javascript", [False, True], ids=["nojs", "js"])
@pytest.mark.parametrize("lang", ["nl", "de"])
def test_citizen_answers_every_question_type_then_investigator_reads_them(
    live_url, browser_page, appeal_id, investigator, lang, javascript
):
    name = f"{lang}-{'js' if javascript else 'nojs'}"
    page = browser_page(javascript_enabled=javascript, viewport={"width": 1000, "height": 900})
    url = f"{live_url}/{lang}/tip/appeal/{appeal_id}/"
    page.goto(url)
    assert page.locator("html").get_attribute("lang") == lang
    for _kind, labels, _options in QUESTIONS:
        assert page.locator(".tip-questions", has_text=labels[lang]).count() == 1
    assert CHOICES["choices"][lang][2] in page.inner_text(".tip-questions")

    # A number in words and a date in the future: refused, in the citizen's language, with
    # every answer kept.
    typed = fill_answers(page, lang, number="twee" if lang == "nl" else "zwei", date="2099-05-30")
    send(page)
    errors = page.inner_text("#tip-errors")
    assert NUMBER_MESSAGE[lang] in errors and FUTURE_MESSAGE[lang] in errors, errors
    assert page.locator(".tip-questions .tip-field-error").count() == 2
    assert_answers_kept(page, lang, typed)
    shot(page, f"{name}-1-refused")

    fields = page.locator(".tip-questions")
    fields.get_by_label(LABEL["number"][lang]).fill("2")
    fields.get_by_label(LABEL["date"][lang]).fill("2025-05-30")
    send(page)
    page.wait_for_selector("#receipt-code", timeout=30_000)
    shot(page, f"{name}-2-receipt")
    # The refusal is a deliberate 400 (the browser logs its status); nothing else is allowed.
    problems = [p for p in console_problems(page) if "status of 400 (Bad Request)" not in p]
    assert problems == [], problems

    # The investigator opens the newest tip: the questions as this citizen saw them.
    investigator.goto(live_url + "/admin/tips/?ordering=-received_at")
    investigator.locator("table a", has_text=re.compile(r"T-[0-9A-Z]{6}")).first.click()
    try:
        investigator.wait_for_selector(".tips-answers")
    except Exception:
        shot(investigator, f"{name}-3-failure")
        raise
    answers = investigator.inner_text(".tips-answers")
    for kind, labels, _options in QUESTIONS:
        assert labels[lang] in answers, kind
    choices = CHOICES["choices"][lang]
    for expected in (
        typed["short_text"],
        typed["place"],
        "1-ABC-123",
        "2025-05-30",
        "21:15",
        YES[lang],
        CHOICES["choice"][lang][1],
        f"{choices[0]}, {choices[2]}",
    ):
        assert expected in answers, (expected, answers)
    shot(investigator, f"{name}-3-detail")
    assert_clean_console(investigator)


def test_tip_form_with_every_question_passes_axe_and_the_html_checker(
    live_url, browser_page, appeal_id, tmp_path
):
    if shutil.which("java") is None:
        pytest.skip("java is missing: the Nu Html Checker (vnu.jar) cannot run")
    page = browser_page(viewport={"width": 1280, "height": 900})
    axe_page = browser_page(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    saved = []
    for lang in LANGS:
        prefix = "" if lang == "fr" else f"/{lang}"
        url = f"{live_url}{prefix}/tip/appeal/{appeal_id}/"
        page.goto(url)
        assert page.locator(".tip-questions", has_text=LABEL["plate"][lang]).count() == 1
        assert_clean_console(page)
        axe_page.goto(url)
        assert run_axe(axe_page) == [], lang
        if lang in ("nl", "de"):
            # A refused form too: its error messages and kept answers (axe on the live DOM).
            fill_answers(axe_page, lang, number="x", date="2099-01-01")
            send(axe_page)
            assert axe_page.locator(".tip-questions .tip-field-error").count() == 2
            assert run_axe(axe_page) == [], (lang, "refused")
        html = page.request.get(url).text()
        path = tmp_path / f"tip-form-{lang}.html"
        path.write_text(html, encoding="utf-8")
        saved.append(path)
        # The refused form as the server sends it (errors, kept answers) for the checker.
        fields = dict(re.findall(r'name="(csrfmiddlewaretoken|form_token)" value="([^"]*)"', html))
        number_input = re.search(r'<input[^>]*inputmode="numeric"[^>]*>', html).group(0)
        number = re.search(r'name="([^"]+)"', number_input).group(1)
        form = {**fields, "what": "Gezien bij het station", number: "x"}
        refused = page.request.post(url, form=form, headers={"Referer": url})
        assert refused.status == 400, (lang, refused.status)
        path = tmp_path / f"tip-form-refused-{lang}.html"
        path.write_text(refused.text(), encoding="utf-8")
        saved.append(path)
    assert _vnu_errors(saved) == []


def test_editor_cannot_save_a_number_question_whose_minimum_is_above_its_maximum(
    live_url, browser_page
):
    editor = browser_page(viewport={"width": 1400, "height": 1000})
    log_in(editor, live_url)
    index_id = french_index_id(editor, live_url)
    editor.goto(f"{live_url}/admin/pages/add/appeals/appealpage/{index_id}/")
    editor.fill("#id_title", "Nombre Impossible")
    editor.fill("#id_full_name", "Nombre Impossible")
    panel = editor.locator("[data-contentpath='questions']").first
    panel.locator("button.c-sf-add-button").last.click()
    editor.locator("[role='option'], .w-combobox__option", has_text="Nombre").first.click()
    editor.fill("#questions-0-value-label", "Combien de personnes ?")
    editor.fill("#questions-0-value-min_value", "10")
    editor.fill("#questions-0-value-max_value", "2")
    editor.locator("footer button[type=submit]").first.click()  # save draft
    editor.wait_for_load_state()
    error = editor.locator("[data-contentpath='max_value'] .error-message, .help-critical")
    text = " ".join(error.all_inner_texts())
    assert "Le plus grand nombre ne peut pas être plus petit que le plus petit nombre." in text
    assert editor.locator(".messages .error, .messages [class*=error]").count() >= 1
    shot(editor, "editor-number-min-above-max")
    assert_clean_console(editor)
