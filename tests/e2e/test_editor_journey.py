"""Real browser: the demo editor publishes a complete appeal in the Wagtail admin under the
admin's strict CSP, translates it with the Translate action, then marks the person arrested.

Starts from the demo state (``live_url``: demo content, editor ``editor``). Each step is
checked on the public pages; every admin page visited must log no CSP violation, no console
error and no JavaScript error (``assert_clean_console``). Screenshots: /tmp/shots/admincsp/.
"""

import io
import re
from pathlib import Path

import pytest

from appeals.management.commands.load_demo_content import EDITOR_TOTP_SECRET

from .conftest import assert_clean_console, pass_totp

SHOTS = Path("/tmp/shots/admincsp")
EDITOR = ("editor", "demo-editor-password")
FULL_NAME = "Jules Essai-Navigateur"
SLUG = "jules-essai-navigateur"
DESK = "Cellule de recherche des fugitifs"  # a demo desk of the French locale
FR_INDEX_TITLE = "Tous les avis"
TRANSLATIONS = ("nl", "de", "en")
LOCALE_NAMES = {"nl": "Nederlands", "de": "Deutsch", "en": "English"}


def portrait_png(shade: int) -> bytes:
    """A small drawn placeholder portrait (head and shoulders), never a real photo."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 300), (shade, shade, 200 - shade // 2))
    draw = ImageDraw.Draw(image)
    draw.ellipse((70, 50, 170, 170), fill=(230, 200, 170))
    draw.rectangle((40, 190, 200, 300), fill=(60, 60, 90))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def log_in(page, base: str) -> None:
    """Password, then the demo editor's TOTP code: every staff account passes a second
    factor before any admin page (issue 14)."""
    import base64

    page.goto(base + "/admin/login/")
    page.fill("input[name=username]", EDITOR[0])
    page.fill("input[name=password]", EDITOR[1])
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/tips/2fa/verify/"))
    pass_totp(page, base64.b32decode(EDITOR_TOTP_SECRET))
    page.wait_for_url(re.compile(r"/admin/$"))


def french_index_id(page, base: str) -> str:
    page.goto(base + "/admin/pages/search/?q=" + FR_INDEX_TITLE)
    href = page.locator("a[href$='/edit/']", has_text=FR_INDEX_TITLE).first.get_attribute("href")
    return re.search(r"/admin/pages/(\d+)/edit/", href).group(1)


def upload_photo(page, index: int, tmp_path: Path, shade: int) -> None:
    """The "Add photos" button, then the image chooser's Upload tab; the image fills the row."""
    page.click("#id_photos-ADD")
    prefix = f"#id_photos-{index}"
    page.click(f"{prefix}-image-chooser [data-chooser-action-choose]")
    modal = page.locator(".modal-dialog")
    modal.locator("#tab-label-upload").click()
    path = tmp_path / f"portrait-{index}.png"
    path.write_bytes(portrait_png(shade))
    modal.locator("input[type=file]").set_input_files(str(path))
    modal.locator("input[name$=title]").fill(f"{FULL_NAME} {index + 1}")
    modal.locator("#tab-upload form button[type=submit]").click()
    page.wait_for_selector(".modal-dialog", state="detached")
    assert page.input_value(f"{prefix}-image") != ""
    page.fill(f"{prefix}-caption", f"Portrait {index + 1} (placeholder)")


def fill_appeal(page, tmp_path: Path) -> None:
    page.fill("#id_title", FULL_NAME)
    page.fill("#id_full_name", FULL_NAME)

    # Wagtail's date picker opens (it was blocked by the CSP before).
    page.click("#id_date_of_birth")
    page.wait_for_selector(".xdsoft_datetimepicker:visible")
    shot(page, "editor-01-datepicker")
    page.fill("#id_date_of_birth", "1984-05-17")
    page.keyboard.press("Escape")
    page.fill("#id_facts_date", "2026-11-02")
    page.keyboard.press("Escape")

    for index, code in enumerate(("BE", "FR")):
        page.click("#id_nationalities-ADD")
        page.select_option(f"#id_nationalities-{index}-code", code)

    page.click("#id_desk-chooser [data-chooser-action-choose]")
    page.locator(".modal-dialog a", has_text=DESK).first.click()
    page.wait_for_selector(".modal-dialog", state="detached")
    assert page.input_value("#id_desk") != ""
    assert DESK in page.inner_text("#id_desk-chooser")

    upload_photo(page, 0, tmp_path, 90)
    upload_photo(page, 1, tmp_path, 150)
    shot(page, "editor-02-filled")


def open_preview(page) -> None:
    page.click("[data-side-panel-toggle='preview']")
    frame = page.frame_locator("#w-preview-iframe")
    frame.locator("h1", has_text=FULL_NAME).wait_for()
    assert frame.locator(".gallery__item img").count() == 2
    shot(page, "editor-03-preview")
    page.click("[data-side-panel-toggle='preview']")


def publish(page, base: str) -> tuple[str, str]:
    """The footer's "Publish" action (in the save dropdown). Returns the page's id and its
    public URL, from the links of the success message."""
    footer = page.locator("footer")
    footer.locator("[data-w-dropdown-target='toggle']").first.click()
    footer.locator("button[name='action-publish']").click()
    page.wait_for_load_state()
    success = page.locator(".messages .success")
    assert success.count() == 1, page.inner_text(".messages")
    edit = success.locator("a[href$='/edit/']").get_attribute("href")
    live = success.locator(f"a[href$='/{SLUG}/']").get_attribute("href")
    page_id = re.search(r"/admin/pages/(\d+)/edit/", edit).group(1)
    return page_id, (live if live.startswith("http") else base + live)


def assert_public_appeal(browser_page, url: str, name: str, *, arrested: bool) -> None:
    """What a citizen sees, in a fresh browser (public pages may be cached for a minute)."""
    page = browser_page()
    page.goto(url)
    assert page.locator("h1", has_text=FULL_NAME).count() == 1
    photos = page.locator(".gallery__item img")
    assert photos.count() == 2
    for i in range(2):
        photos.nth(i).scroll_into_view_if_needed()
        assert photos.nth(i).evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.locator(".facts-list", has_text="1984").count() == 1  # date of birth
    assert (page.locator(".banner--arrested").count() == 1) is arrested
    shot(page, name)
    assert_clean_console(page)


def translate(page, base: str, source_id: str) -> dict[str, str]:
    """The admin's Translate action (simple_translation), one language at a time: Wagtail
    then opens the new translation's editor, where the editor publishes it. Returns the
    public URL of each translation by language."""
    urls = {}
    for lang in TRANSLATIONS:
        page.goto(f"{base}/admin/pages/{source_id}/edit/")
        page.locator("header [data-w-dropdown-target='toggle']").first.click()
        page.locator("a[href*='/admin/translation/submit/page/']").first.click()
        page.wait_for_url(re.compile(r"/admin/translation/submit/page/"))
        page.get_by_label(LOCALE_NAMES[lang], exact=True).check()
        shot(page, f"editor-05-translate-{lang}")
        page.locator("main form [type=submit]").click()
        page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/"))
        page_id = re.search(r"/admin/pages/(\d+)/edit/", page.url).group(1)
        assert page_id != source_id
        assert page.input_value("#id_full_name") == FULL_NAME
        assert_clean_console(page)
        published_id, urls[lang] = publish(page, base)
        assert published_id == page_id
        shot(page, f"editor-06-published-{lang}")
        assert_clean_console(page)
    return urls


@pytest.mark.e2e
def test_editor_publishes_translates_and_resolves_an_appeal(live_url, browser_page, tmp_path):
    page = browser_page(viewport={"width": 1400, "height": 1000})
    log_in(page, live_url)
    assert_clean_console(page)

    index_id = french_index_id(page, live_url)
    page.goto(f"{live_url}/admin/pages/add/appeals/appealpage/{index_id}/")
    fill_appeal(page, tmp_path)
    open_preview(page)
    assert_clean_console(page)
    source_id, fr_url = publish(page, live_url)
    shot(page, "editor-04-published")
    assert_clean_console(page)

    assert_public_appeal(browser_page, fr_url, "public-fr", arrested=False)

    urls = translate(page, live_url, source_id)
    for lang, url in urls.items():
        assert f"/{lang}/" in url
        assert_public_appeal(browser_page, url, f"public-{lang}", arrested=False)

    # The person is arrested: the editor changes the status of the French page and publishes.
    page.goto(f"{live_url}/admin/pages/{source_id}/edit/")
    page.select_option("#id_status", "arrested")
    assert publish(page, live_url) == (source_id, fr_url)
    assert_clean_console(page)
    assert_public_appeal(browser_page, fr_url, "public-fr-arrested", arrested=True)

    # DEPENDS ON the "onetruth" branch (language-neutral facts synchronised across
    # translations): fails in this branch alone, must pass once it is merged.
    for lang, url in urls.items():
        assert_public_appeal(browser_page, url, f"public-{lang}-arrested", arrested=True)


@pytest.mark.e2e
def test_a_photo_added_to_a_demo_appeal_comes_last_in_every_language(
    live_url, browser_page, tmp_path
):
    """The editor adds a photo to a demo appeal in French and publishes: every language shows
    it after the photos the appeal already had (the demo's photos have their order)."""
    page = browser_page(viewport={"width": 1400, "height": 1000})
    api = page.request.get(f"{live_url}/api/v1/appeals?language=fr&status=active&page_size=50")
    appeal = [a for a in api.json()["items"] if a["kind"] == "wanted" and len(a["photos"]) >= 2][-1]
    before = len(appeal["photos"])

    log_in(page, live_url)
    page.goto(f"{live_url}/admin/pages/{appeal['id']}/edit/")
    upload_photo(page, before, tmp_path, 120)
    footer = page.locator("footer")
    footer.locator("[data-w-dropdown-target='toggle']").first.click()
    footer.locator("button[name='action-publish']").click()
    page.wait_for_load_state()
    assert page.locator(".messages .success").count() == 1, page.inner_text(".messages")
    assert_clean_console(page)

    for lang in ("fr", *TRANSLATIONS):
        items = page.request.get(
            f"{live_url}/api/v1/appeals?language={lang}&status=active&page_size=50"
        ).json()["items"]
        same = next(a for a in items if a["uid"] == appeal["uid"])
        captions = [p["caption"] for p in same["photos"]]
        assert len(captions) == before + 1, (lang, captions)
        assert captions[-1] == f"Portrait {before + 1} (placeholder)", (lang, captions)
        public = browser_page()
        public.goto(same["url"])
        last = public.locator(".gallery__item figcaption").last.inner_text()
        assert f"Portrait {before + 1} (placeholder)" in last, (lang, last)
        shot(public, f"public-{lang}-photo-added")
        assert_clean_console(public)
