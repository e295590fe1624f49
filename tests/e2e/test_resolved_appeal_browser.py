"""A resolved appeal, in a real browser, in every language: it asks for nothing any more."""

from pathlib import Path

import pytest

from .conftest import assert_clean_console

pytestmark = pytest.mark.e2e

PREFIX = {"fr": "", "nl": "/nl", "de": "/de", "en": "/en"}
SHOTS = Path("/tmp/shots/onetruth")


def _arrested(page, live_url, code):
    response = page.request.get(
        f"{live_url}/api/v1/appeals?language={code}&status=arrested&page_size=50"
    )
    assert response.ok
    return response.json()["items"]


def test_resolved_appeal_has_no_send_information_button_in_any_language(live_url, browser_page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser_page(viewport={"width": 1280, "height": 900})
    first = _arrested(page, live_url, "fr")[0]
    for code, prefix in PREFIX.items():
        # The same appeal (same uid) is arrested in this language too.
        items = {item["uid"]: item for item in _arrested(page, live_url, code)}
        assert first["uid"] in items, code
        appeal = items[first["uid"]]
        assert appeal["tip_url"] is None, code

        page.goto(appeal["url"])
        assert page.locator("html").get_attribute("lang") == code
        assert page.locator(".banner--arrested").is_visible(), code
        assert page.locator("a[href*='/tip/appeal/']").count() == 0, code
        assert page.locator(".notice__cta, .caution, .reward").count() == 0, code
        page.screenshot(path=str(SHOTS / f"resolved-{code}.png"), full_page=True)

        poster = page.request.get(appeal["poster_url"])
        assert poster.ok and poster.headers["content-type"] == "image/png", code
        (SHOTS / f"poster-{code}.png").write_bytes(poster.body())

        page.goto(f"{live_url}{prefix}/tip/appeal/{appeal['id']}/")
        notice = page.locator(".tip-resolved")
        assert notice.is_visible(), code
        assert page.locator("#tip-form").is_visible(), code  # information still welcome
        page.screenshot(path=str(SHOTS / f"tip-form-{code}.png"), full_page=True)
    assert_clean_console(page)


def test_resolved_appeal_on_a_phone_without_javascript(live_url, browser_page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser_page(javascript_enabled=False, viewport={"width": 320, "height": 700})
    appeal = _arrested(page, live_url, "nl")[0]
    page.goto(appeal["url"])
    assert page.locator("a[href*='/tip/appeal/']").count() == 0
    page.screenshot(path=str(SHOTS / "resolved-nl-320.png"), full_page=True)
    assert_clean_console(page)
