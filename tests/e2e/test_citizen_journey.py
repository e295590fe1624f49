"""The citizen's whole journey in a real browser, from the state ``make run`` leaves (demo
content with desk keys): home -> appeal index -> appeal -> "send information" form -> tip ->
receipt, in fr, nl, de and en, at 320 px and 1280 px, with JavaScript on and off.

Every page: no sideways scroll, no CSP violation, no console or JS error, and a screenshot in
``$E2E_SCREENSHOT_DIR`` (default ``var/e2e-screens/citizen``) for a human look.
The server is the demo state with two settings relaxed for the test only: the per-source rate
limit (16 tips from one address in minutes) and the form's minimum fill time.
"""

import os
import re
import time
from pathlib import Path

import pytest

from tests.tips_intake import images

from .conftest import REPO, _prepare_database, _server_env, assert_clean_console, running_server

pytestmark = pytest.mark.e2e

SHOTS = Path(os.environ.get("E2E_SCREENSHOT_DIR", REPO / "var" / "e2e-screens")) / "citizen"
RECEIPT = re.compile(r"^\d{4}(-\d{4}){6}$")
PREFIX = {"fr": "", "nl": "/nl", "de": "/de", "en": "/en"}
TEXT = {
    "fr": "J'ai vu cet homme à la gare de Namur ce matin, veste rouge, sac à dos gris.",
    "nl": "Ik zag deze man vanmorgen in het station van Gent-Sint-Pieters, rode jas.",
    "de": "Ich habe diesen Mann heute Morgen am Bahnhof Eupen gesehen, rote Jacke.",
    "en": "I saw this man at Brussels-Midi station this morning, red jacket, grey backpack.",
}
WIDTHS = (320, 1280)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e-citizen")
    (root / "media").mkdir()
    env = _server_env(root)
    env.update(TIP_FORM_MIN_SECONDS="1", TIP_RATE_PER_SOURCE="1000/h")
    _prepare_database(root, env)
    with running_server(root, env, start_timeout=60) as url:
        yield url


def no_sideways_scroll(page, what):
    sizes = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    wide = page.evaluate(
        """() => { const w = document.documentElement.clientWidth;
             return Array.from(document.querySelectorAll('body *'))
             .filter(e => e.getBoundingClientRect().right > w + 1)
             .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(
                 e.getBoundingClientRect().right)); }"""
    )
    assert sizes[0] <= sizes[1], f"{what} scrolls sideways: {sizes}, widest: {wide}"


def look(page, name):
    """Check the page and keep a screenshot of it."""
    no_sideways_scroll(page, f"{name} ({page.url})")
    assert_clean_console(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def photo():
    return {
        "name": "IMG_0042.jpg",
        "mimeType": "image/jpeg",
        "buffer": images.jpeg_with_metadata("E2E-CITIZEN", size=(800, 600)),
    }


# Send a tip in every JS-on run and in some JS-off runs (one with a photo): 12 tips in all.
def sends(lang, width, javascript):
    return javascript or width == 320 or lang == "nl"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["fr", "nl", "de", "en"])
def test_citizen_journey(demo_server, browser_page, lang, width, javascript):
    url = demo_server
    tag = f"{lang}-{width}-{'js' if javascript else 'nojs'}"
    page = browser_page(javascript_enabled=javascript, viewport={"width": width, "height": 900})
    requested = []
    page.on("request", lambda r: requested.append(r.url))

    page.goto(f"{url}{PREFIX[lang]}/")
    assert page.locator("html").get_attribute("lang") == lang
    look(page, f"{tag}-1-home")

    page.locator(".site-nav a").first.click()
    page.wait_for_load_state()
    assert page.locator(".card__link").count() > 0
    look(page, f"{tag}-2-index")

    page.locator(".card:not(.card--incident) .card__link").first.click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == lang
    cta = page.locator(".notice__cta a")
    assert cta.is_visible()
    if width == 320:  # phones: the button comes before the photos
        gallery = page.locator(".gallery").bounding_box()
        assert cta.bounding_box()["y"] < gallery["y"], "send button below the photos"
    look(page, f"{tag}-3-appeal")
    name = page.locator(".notice__name").inner_text().strip()

    cta.click()
    page.wait_for_url(re.compile(rf"{PREFIX[lang]}/tip/appeal/\d+/$"))
    assert page.locator("html").get_attribute("lang") == lang
    assert name in page.locator(".tip-appeal-name").inner_text()
    look(page, f"{tag}-4-form")

    if sends(lang, width, javascript):
        page.fill("#id_what", TEXT[lang])
        with_photo = javascript or (lang == "nl" and width == 320)
        if with_photo:
            page.set_input_files("#id_photos", [photo()])
        time.sleep(1.1)  # the form's minimum fill time
        page.locator("#tip-form button[type=submit]").click()
        try:
            page.wait_for_selector("#receipt-code", timeout=30_000)
        except Exception:
            page.screenshot(path=str(SHOTS / f"{tag}-failure.png"), full_page=True)
            box = page.locator("#tip-errors")
            detail = box.inner_text() if box.count() else page.content()[:2000]
            raise AssertionError(detail) from None
        code = page.locator("#receipt-code").inner_text().replace(" ", "-").strip()
        assert RECEIPT.match(code), code
        assert page.locator("html").get_attribute("lang") == lang
        look(page, f"{tag}-5-receipt")

    foreign = [u for u in requested if not u.startswith(url) and not u.startswith("data:")]
    assert not foreign, foreign
    assert_clean_console(page)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_language_switch_on_the_tip_form(demo_server, browser_page, lang):
    """Switching language on the form links the appeal in the new language."""
    url = demo_server
    page = browser_page(viewport={"width": 320, "height": 900})
    page.goto(f"{url}/")
    page.locator(".site-nav a").first.click()
    page.locator(".card:not(.card--incident) .card__link").first.click()
    page.locator(".notice__cta a").click()
    page.wait_for_url(re.compile(r"/tip/appeal/\d+/$"))
    page.locator(".lang-switch").get_by_role("link", name=lang.upper()).click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == lang
    link = page.locator(".tip-appeal-name a").get_attribute("href")
    assert link.startswith(f"/{lang}/"), link
    page.locator(".tip-appeal-name a").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == lang
    look(page, f"switch-{lang}-appeal")


def test_too_many_photos_says_the_limit(demo_server, browser_page):
    url = demo_server
    page = browser_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{url}/en/tip/")
    limit = int(page.locator("#tip-form").get_attribute("data-max-files"))
    page.fill("#id_what", TEXT["en"])
    files = [dict(photo(), name=f"IMG_{i:04}.jpg") for i in range(limit + 1)]
    page.set_input_files("#id_photos", files)
    problems = page.locator("#tip-file-problems").inner_text()
    assert f"{limit + 1} photos" in problems and f"at most {limit}" in problems, problems
    assert "what you have written stays" in problems
    page.locator("#tip-form button[type=submit]").click()
    assert page.locator("#receipt-code").count() == 0  # blocked before anything is sent
    look(page, "too-many-photos-en-refused")
    assert page.input_value("#id_what") == TEXT["en"]  # nothing lost
    page.set_input_files("#id_photos", files[:limit])
    assert page.locator("#tip-file-problems").inner_text().strip() == ""
    look(page, "too-many-photos-en-fixed")
