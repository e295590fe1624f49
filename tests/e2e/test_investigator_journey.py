"""Real browser, from the state ``make run`` leaves (demo data): the demo investigator of the
fugitives desk logs in, verifies the TOTP code (from the documented demo secret), unlocks the
vault, sees the urgent tip first and reads it, opens a tip with a photo and a question to the
tipster, reads its text and photo, sets the status, assigns it, adds a note, asks the tipster a
follow-up question and exports it for the case file. Every admin page: no CSP violation, no
console error; screenshots in /tmp/shots/investigator/.
"""

import base64
import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from tests.e2e.conftest import assert_clean_console, pass_totp
from tips import demo

SHOTS = Path("/tmp/shots/investigator")
ACCOUNT = next(a for a in demo.ACCOUNTS if a.username == "investigator-fugitives")


def shot(page, name):
    """A screenshot of the whole page: the admin scrolls inside its layout, not the body, so
    the viewport is stretched to the content for the picture, then put back."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    height = page.evaluate(
        "() => Math.max(...[document.body, document.querySelector('main'),"
        " document.querySelector('.content-wrapper')].filter(Boolean).map(e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": size["width"], "height": min(max(height, 600), 6000)})
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size(size)


CONTRAST_JS = """el => {
  const rgb = s => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = c => { const [r, g, b] = c.map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const style = getComputedStyle(el);
  const [a, b] = [lum(rgb(style.color)), lum(rgb(style.backgroundColor))];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def admin_login(page, base, account):
    """Password, then the second factor (the Tips area asks for it), as a person would."""
    page.goto(base + "/admin/login/")
    page.fill("input[name=username]", account.username)
    page.fill("input[name=password]", account.password)
    page.click("button[type=submit]")
    # Privileged accounts meet the second factor before any admin page (issue 14).
    page.wait_for_url(re.compile(r"/admin/(tips/2fa/[a-z]+/.*)?$"))
    page.goto(base + "/admin/tips/")
    assert "/admin/tips/2fa/verify/" in page.url, page.url
    assert_clean_console(page)
    pass_totp(page, base64.b32decode(account.totp_secret))
    page.wait_for_url(re.compile(r"/admin/tips/(\?.*)?$"))
    assert_clean_console(page)


@pytest.mark.e2e
def test_investigator_triages_the_demo_tips(live_url, browser_page):
    page = browser_page(viewport={"width": 1280, "height": 900}, locale="fr-BE")
    admin_login(page, live_url, ACCOUNT)
    shot(page, "01-queue-locked")

    # Locked: metadata only; the banner's button unlocks (and comes back here).
    bar = page.locator(".tips-vault-bar--locked")
    assert bar.is_visible()
    ratio = bar.locator("a.button").evaluate(CONTRAST_JS)
    assert ratio >= 4.5, f"the unlock button's text contrast is {ratio:.1f}:1"
    bar.locator("a.button").click()
    page.wait_for_url(re.compile(r"/vault/unlock/"))
    assert_clean_console(page)
    shot(page, "02-unlock")
    page.fill("input[name=passphrase]", ACCOUNT.vault_passphrase)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/tips/(\?.*)?$"))
    assert page.locator(".tips-vault-bar--unlocked").is_visible()
    assert_clean_console(page)
    shot(page, "03-queue-unlocked")

    # The urgent tip comes first, said in words, and its reference stays on one line.
    rows = page.locator("table.listing tbody tr")
    first = rows.first
    assert first.locator(".tips-badge--urgent").count() == 1, first.inner_html()
    assert "tips-row--urgent" in (first.get_attribute("class") or "")
    assert first.locator(".tips-badge--unread").count() == 1
    for badge in (".tips-badge--urgent", ".tips-badge--unread"):
        assert first.locator(badge).evaluate(CONTRAST_JS) >= 4.5, badge
    ref = first.locator("a.tips-ref")
    box = ref.bounding_box()
    line_height = float(ref.evaluate("a => parseFloat(getComputedStyle(a).lineHeight) || 20"))
    assert box["height"] < 1.8 * line_height, "the reference wraps"
    urgent_ref = ref.inner_text()
    assert re.fullmatch(r"T-[0-9A-Z]{6}", urgent_ref)

    ref.click()
    page.wait_for_url(re.compile(r"/admin/tips/\d+/$"))
    assert_clean_console(page)
    assert "bushalte" in page.inner_text("main")  # the urgent demo tip's text, decrypted
    shot(page, "04-urgent-tip")

    # A tip with a photo and a question already sent to the tipster.
    page.goto(live_url + "/admin/tips/")
    page.locator("tr", has_text="café").locator("a.tips-ref").click()
    page.wait_for_url(re.compile(r"/admin/tips/\d+/$"))
    tip_url = page.url
    page.wait_for_selector("img.tips-photo")
    width = page.eval_on_selector("img.tips-photo", "img => img.complete && img.naturalWidth")
    assert width and width > 0, "the photo did not load"
    main = page.inner_text("main")
    assert "veste bleue" in main and "était-il seul" in main
    assert_clean_console(page)
    shot(page, "05-tip-with-photo")

    # Status, assignment, note, follow-up question.
    page.select_option("select[name=status]", "in_review")
    page.click("form:has(input[name=duplicate_of]) button")
    page.wait_for_url(tip_url)
    assignee = page.locator("select[name=assignee] option", has_text="Investigator Fugitives")
    page.select_option("select[name=assignee]", assignee.first.get_attribute("value"))
    page.click("form:has(select[name=assignee]) button")
    page.wait_for_url(tip_url)
    page.fill("textarea[name=text]#id_note", "Vérifier les caméras de la gare, 8 h - 9 h.")
    page.click("form:has(textarea#id_note) button")
    page.wait_for_selector(".tips-notes >> text=Vérifier les caméras")
    page.fill("#id_followup_question", "Portait-il un sac ou une valise ?")
    page.click("form:has(#id_followup_question) button")
    page.wait_for_selector(".tips-followup-thread >> text=Portait-il un sac")
    assert_clean_console(page)
    shot(page, "06-tip-after-actions")
    meta = page.inner_text(".tips-meta")
    assert "Investigator Fugitives" in meta

    # Export for the case file: text, photo, note and the conversation with the tipster.
    with page.expect_download() as download:
        page.click("form[action$='/export/'] button")
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    data = json.loads(archive.read("tip.json"))
    assert "veste bleue" in data["fields"]["what"]
    assert [m["text"] for m in data["conversation"]][-1] == "Portait-il un sac ou une valise ?"
    assert any(n["text"].startswith("Vérifier les caméras") for n in data["notes"])
    assert any(name.startswith("attachments/") for name in archive.namelist())

    # The queue reflects the work; locking ends reading.
    page.goto(live_url + "/admin/tips/?ordering=-received_at")
    assert_clean_console(page)
    shot(page, "07-queue-newest-first")
    page.click("form[action$='/vault/lock/'] button")
    page.goto(tip_url)
    assert "veste bleue" not in page.inner_text("main")
    assert_clean_console(page)
    shot(page, "08-locked-detail")
