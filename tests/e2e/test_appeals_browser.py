"""The public site in a real browser: browse, filter, read, switch language, reach the form."""

import re

import pytest

from .conftest import run_axe

pytestmark = pytest.mark.e2e


def test_from_home_to_tip_form_without_javascript(live_url, browser_page):
    page = browser_page(javascript_enabled=False)
    requested = []
    page.on("request", lambda r: requested.append(r.url))

    page.goto(live_url + "/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", level=1).is_visible()
    page.get_by_role("link", name="Voir tous les avis").first.click()

    page.get_by_label("Type").select_option("identify")
    page.get_by_role("button", name="Afficher les avis").click()
    assert "kind=identify" in page.url
    kinds = page.locator(".card__kind").all_inner_texts()
    assert kinds and all(k.strip().lower() == "identifiez cette personne" for k in kinds)

    page.locator(".card__link").first.click()
    assert page.locator(".notice__kind").inner_text().strip().lower() == (
        "identifiez cette personne"
    )
    appeal_url = page.url

    page.locator(".lang-switch").get_by_role("link", name="NL").click()
    assert page.url.startswith(live_url + "/nl/") and page.url != appeal_url
    assert page.locator("html").get_attribute("lang") == "nl"

    page.get_by_role("link", name="Informatie over deze persoon doorgeven").click()
    assert re.search(r"/nl/tip/appeal/\d+/$", page.url), page.url
    assert page.locator("html").get_attribute("lang") == "nl"

    foreign = [u for u in requested if not u.startswith(live_url) and not u.startswith("data:")]
    assert not foreign, foreign


def _pages(live_url, page):
    page.goto(live_url + "/")
    index_url = page.get_by_role("link", name="Voir tous les avis").first.get_attribute("href")
    page.goto(live_url + index_url)
    appeal_url = page.locator(".card__link").first.get_attribute("href")
    return ["/", index_url, appeal_url]


def test_axe_finds_no_serious_violation(live_url, browser_page):
    page = browser_page(bypass_csp=True)
    for path in _pages(live_url, page):
        page.goto(live_url + path)
        violations = run_axe(page)
        assert not violations, (path, violations)


def test_no_csp_violation_and_usable_at_320px(live_url, browser_page):
    page = browser_page(viewport={"width": 320, "height": 700})
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    for path in _pages(live_url, page):
        page.goto(live_url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= 320, (path, overflow)
    paths = _pages(live_url, page)
    page.goto(live_url + paths[2])
    assert page.locator("picture img").first.evaluate("img => img.complete && img.naturalWidth > 0")
    assert not [e for e in errors if "Content Security Policy" in e], errors
