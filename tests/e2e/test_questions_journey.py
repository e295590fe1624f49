"""Real browser: questions per appeal, end to end.

The demo editor builds an appeal with one question of each type in the Wagtail admin (strict
admin CSP) and publishes it; a citizen answers in French with JavaScript off (one refusal
first: the answers survive it) and in English with JavaScript on; the other languages show
the questions; the demo investigator of the desk logs in (TOTP), unlocks the vault and reads
the answers as labelled fields. Screenshots: /tmp/shots/questions/.
"""

import base64
import re
import time
from pathlib import Path

import pytest

from .conftest import assert_clean_console, console_problems, pass_totp
from .test_editor_journey import DESK, french_index_id, log_in

SHOTS = Path("/tmp/shots/questions")
NAME = "Questa Navigatrice"
SLUG = "questa-navigatrice"
INVESTIGATOR = ("investigator-fugitives", "demo-investigator-password")
TOTP_SECRET = "DEMOFUGITIVESTOTPSECRETKEY234567"
PASSPHRASE = "fugitives demo vault passphrase"

# (block label in the French admin, question label, extra set-up)
QUESTIONS = [
    ("Texte court", "Couleur de la veste ?"),
    ("Texte long", "Décrivez le véhicule"),
    ("Oui / non / je ne sais pas", "Était-elle armée ?"),
    ("Un seul choix", "Seule ou accompagnée ?"),
    ("Plusieurs choix", "Véhicules vus"),
    ("Date", "Date de l'observation"),
    ("Heure", "Heure de l'observation"),
    ("Lieu", "Lieu exact"),
    ("Nombre", "Combien de personnes ?"),
    ("Plaque d’immatriculation", "Plaque du véhicule"),
]
EN_YES_NO = "Was she armed?"
CHOICES = {3: ["Seule", "Accompagnée"], 4: ["Voiture", "Moto", "Camionnette"]}


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def add_question(page, index: int, block_label: str, label: str) -> None:
    panel = page.locator("[data-contentpath='questions']").first
    panel.locator("button.c-sf-add-button").last.click()
    page.locator("[role='option'], .w-combobox__option", has_text=block_label).first.click()
    field = page.locator(f"#questions-{index}-value-label")
    field.wait_for()
    field.fill(label)
    if index in CHOICES:
        # The list of choices of this block (the first choices block is question 3).
        container = page.locator("[data-contentpath='choices']").nth(sorted(CHOICES).index(index))
        inputs = page.locator(f"[id^='questions-{index}-value-choices-'][id$='-value']")
        for n, choice in enumerate(CHOICES[index]):
            if inputs.count() <= n:
                container.locator("button.c-sf-add-button").last.click()
                inputs.nth(n).wait_for()
            inputs.nth(n).fill(choice)
    if index == 0:
        page.check(f"#questions-{index}-value-required")


def publish(page, base: str) -> tuple[str, str]:
    footer = page.locator("footer")
    footer.locator("[data-w-dropdown-target='toggle']").first.click()
    footer.locator("button[name='action-publish']").click()
    page.wait_for_load_state()
    success = page.locator(".messages .success")
    assert success.count() == 1, page.inner_text(".messages")
    edit = success.locator("a[href$='/edit/']").get_attribute("href")
    return re.search(r"/admin/pages/(\d+)/edit/", edit).group(1), base + f"/{SLUG}/"


def translate_to_english(page, base: str, source_id: str) -> str:
    """The admin's Translate action (simple_translation), then the editor translates one
    question in the new English page and publishes it."""
    page.goto(f"{base}/admin/pages/{source_id}/edit/")
    page.locator("header [data-w-dropdown-target='toggle']").first.click()
    page.locator("a[href*='/admin/translation/submit/page/']").first.click()
    page.wait_for_url(re.compile(r"/admin/translation/submit/page/"))
    page.get_by_label("English", exact=True).check()
    page.locator("main form [type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/"))
    assert page.input_value("#questions-2-value-label") == "Était-elle armée ?"
    page.fill("#questions-2-value-label", EN_YES_NO)
    page_id, _url = publish(page, base)
    return page_id


def answer(page, *, plate: str, yes_no: str = "Était-elle armée ?") -> None:
    fields = page.locator(".tip-questions")
    page.fill("#id_what", "Vue près de la gare, elle montait dans une voiture grise.")
    fields.get_by_label("Couleur de la veste ?").fill("rouge")
    fields.get_by_label("Décrivez le véhicule").fill("Golf grise, jante avant abîmée")
    fields.locator("fieldset", has_text=yes_no).locator("input").first.check()
    fields.locator("fieldset", has_text="Seule ou accompagnée ?").locator("input").nth(1).check()
    vehicles = fields.locator("fieldset", has_text="Véhicules vus").locator("input")
    vehicles.nth(0).check()
    vehicles.nth(2).check()
    fields.get_by_label("Date de l'observation").fill("2025-05-30")
    fields.get_by_label("Heure de l'observation").fill("21:15")
    fields.get_by_label("Lieu exact").fill("Rue Neuve, Bruxelles")
    fields.get_by_label("Combien de personnes ?").fill("2")
    fields.get_by_label("Plaque du véhicule").fill(plate)


def send(page) -> None:
    time.sleep(3.1)  # the form's minimum fill time (TIP_FORM_MIN_SECONDS, 3 s)
    page.locator("#tip-form button[type=submit]").click()
    page.wait_for_load_state()


def receipt(page, name: str) -> None:
    try:
        page.wait_for_selector("#receipt-code", timeout=30_000)
    except Exception:
        shot(page, f"{name}-failure")
        box = page.locator("#tip-errors")
        raise AssertionError(box.inner_text() if box.count() else page.content()[:3000]) from None
    shot(page, name)


@pytest.mark.e2e
def test_questions_journey(live_url, browser_page, tmp_path):
    base = live_url
    editor = browser_page(viewport={"width": 1400, "height": 1000})
    log_in(editor, base)
    index_id = french_index_id(editor, base)
    editor.goto(f"{base}/admin/pages/add/appeals/appealpage/{index_id}/")
    editor.fill("#id_title", NAME)
    editor.fill("#id_full_name", NAME)
    editor.click("#id_desk-chooser [data-chooser-action-choose]")
    editor.locator(".modal-dialog a", has_text=DESK).first.click()
    editor.wait_for_selector(".modal-dialog", state="detached")
    for index, (block_label, label) in enumerate(QUESTIONS):
        add_question(editor, index, block_label, label)
    shot(editor, "01-editor-questions")
    assert_clean_console(editor)
    page_id, _url = publish(editor, base)
    shot(editor, "02-editor-published")
    assert_clean_console(editor)
    translate_to_english(editor, base, page_id)
    shot(editor, "02b-editor-translated-en")
    assert_clean_console(editor)

    # French, JavaScript off: a bad plate is refused, every answer is kept, then it is sent.
    citizen = browser_page(javascript_enabled=False, viewport={"width": 1000, "height": 900})
    citizen.goto(f"{base}/tip/appeal/{page_id}/")
    for _block, label in QUESTIONS:
        assert citizen.locator(".tip-questions", has_text=label).count() == 1
    answer(citizen, plate="1-ABC-123!!")
    send(citizen)
    assert "Veuillez écrire la plaque" in citizen.inner_text("#tip-errors")
    assert citizen.input_value(".tip-questions textarea") == "Golf grise, jante avant abîmée"
    assert citizen.locator(".tip-questions input[type=checkbox]:checked").count() == 2
    shot(citizen, "03-fr-nojs-refused")
    citizen.locator(".tip-questions").get_by_label("Plaque du véhicule").fill("1abc123")
    send(citizen)
    receipt(citizen, "04-fr-nojs-receipt")
    # The refusal is a deliberate 400 (the browser logs its status); nothing else is allowed.
    refusal = f"status of 400 (Bad Request) @ {base}/tip/appeal/{page_id}/"
    problems = console_problems(citizen)
    assert [p for p in problems if not p.endswith(refusal)] == [], problems
    assert len(problems) == 1

    # English, JavaScript on: the English translation's text (one question translated by the
    # editor, the others still as written in French), the form around them in English.
    en = browser_page(javascript_enabled=True, viewport={"width": 1000, "height": 900})
    en.goto(f"{base}/en/tip/appeal/{page_id}/")
    assert en.locator("html").get_attribute("lang") == "en"
    assert en.locator(".tip-questions", has_text=EN_YES_NO).count() == 1
    assert "I don't know" in en.inner_text(".tip-questions")
    answer(en, plate="2-XYZ-987", yes_no=EN_YES_NO)
    send(en)
    receipt(en, "05-en-js-receipt")
    assert_clean_console(en)

    for lang in ("nl", "de"):
        other = browser_page(javascript_enabled=True)
        other.goto(f"{base}/{lang}/tip/appeal/{page_id}/")
        assert other.locator(".tip-questions .tip-field, .tip-questions fieldset").count() >= 10
        shot(other, f"06-{lang}-form")
        assert_clean_console(other)

    # The investigator reads the answers.

    inv = browser_page(viewport={"width": 1400, "height": 1000})
    inv.goto(base + "/admin/login/")
    inv.fill("input[name=username]", INVESTIGATOR[0])
    inv.fill("input[name=password]", INVESTIGATOR[1])
    inv.click("button[type=submit]")
    inv.goto(base + "/admin/tips/")
    pass_totp(inv, base64.b32decode(TOTP_SECRET))
    inv.goto(base + "/admin/tips/vault/unlock/")
    inv.fill("input[name=passphrase]", PASSPHRASE)
    inv.click("main button[type=submit]")
    inv.goto(base + "/admin/tips/?answered_yes=yes")
    note = inv.locator("p.help-info", has_text="scellées").inner_text()
    assert "(2 " in note, note  # both tips answered "yes" (filtered on this page only)
    shot(inv, "07-queue-answered-yes")
    inv.locator("table a", has_text=re.compile(r"T-[0-9A-Z]{6}")).first.click()
    inv.wait_for_selector(".tips-answers")
    answers = inv.inner_text(".tips-answers")
    for _block, label in QUESTIONS[:2] + QUESTIONS[3:]:
        assert label in answers
    # The newest tip is the English one: its question as the citizen saw it, and "Yes".
    assert EN_YES_NO in answers and "Yes" in answers and "2-XYZ-987" in answers
    assert "Voiture, Camionnette" in answers
    shot(inv, "08-detail-answers")
    assert_clean_console(inv)
