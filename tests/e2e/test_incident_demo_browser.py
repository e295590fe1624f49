"""Real browser, from the state `make run` leaves (issue 18's demo): a citizen finds the
demo incident appeal in each language and reaches its upload form; the witness desk's
investigator unlocks the vault, orders the queue by capture time and sees the incident's
tips in the order their files were taken, then plays the demo video. Every page: no CSP
violation, no console error."""

import re

import pytest
from django.utils.text import slugify

from appeals.demo import data
from appeals.management.commands.load_demo_content import APPEAL_COUNT
from tests.e2e.conftest import assert_clean_console
from tests.e2e.test_investigator_journey import admin_login
from tips import demo

WITNESSES = next(a for a in demo.ACCOUNTS if a.username == "investigator-witnesses")
INDEX = next(n for n, p in enumerate(data.KIND_APPEALS) if p["kind"] == "incident")


def _appeal_path(lang_index: int) -> str:
    p = data.KIND_APPEALS[INDEX]
    n = APPEAL_COUNT + 1 + INDEX
    code = data.LANGS[lang_index]
    prefix = "" if code == "fr" else f"/{code}"
    slug = f"{slugify(p['title'][lang_index])[:60]}-{n}"
    return f"{prefix}/{data.INDEX['slug'][lang_index]}/{slug}/"


@pytest.mark.e2e
@pytest.mark.parametrize("lang_index", range(4), ids=list(data.LANGS))
def test_citizen_reaches_the_demo_incidents_upload_form(live_url, browser_page, lang_index):
    page = browser_page(viewport={"width": 1280, "height": 900})
    response = page.goto(live_url + _appeal_path(lang_index))
    assert response.status == 200, page.url
    assert_clean_console(page)
    # The incident is named by its title, and no person is described: there is none.
    title = data.KIND_APPEALS[INDEX]["title"][lang_index]
    assert page.locator("h1").inner_text().strip() == title
    assert page.locator(".notice__details .facts-list").count() == 0
    button = page.locator("a.button--primary[href*='/tip/incident/']")
    assert button.inner_text().count(title) == 1
    button.click()
    page.wait_for_url(re.compile(r"/tip/incident/\d+/$"))
    assert title in page.locator("h1").inner_text()
    assert page.locator("input[type=file]").count() >= 1
    assert page.locator("#id_keep_when_where").count() == 1
    assert_clean_console(page)


@pytest.mark.e2e
def test_investigator_orders_the_demo_incident_by_capture_time(live_url, browser_page):
    page = browser_page(viewport={"width": 1280, "height": 900}, locale="fr-BE")
    admin_login(page, live_url, WITNESSES)
    page.goto(live_url + "/admin/tips/vault/unlock/")
    page.fill("input[name=passphrase]", WITNESSES.vault_passphrase)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/tips/(\?.*)?$"))
    assert_clean_console(page)

    page.goto(live_url + "/admin/tips/?ordering=-received_at")
    sort = page.locator("nav.tips-sort a[href*='captured=earliest']")
    sort.click()
    page.wait_for_url(re.compile(r"captured=earliest"))
    assert_clean_console(page)
    assert page.locator("nav.tips-sort a[aria-current=true]").get_attribute("href") == (
        sort.get_attribute("href")
    )
    assert sort.inner_text().strip() == "Heure de prise de vue"  # "Capture time", in French
    # The order covers every page of the queue (tests/triage/test_capture_index.py), not
    # only the page shown: the note says so.
    assert page.locator("p.help-info", has_text="sur toutes les pages").count() == 1
    # The count under the table names tips, as in the queue's other orders.
    assert page.locator(".pagination__end").inner_text().strip().endswith("signalements")
    taken = page.locator(".tips-captured").all_inner_texts()
    # The photo (21:09:30) before the video (21:14:05); the third citizen shared no time.
    assert [t.split()[-1] for t in taken] == ["21:09:30", "21:14:05"], taken
    rows = page.locator("table.listing tbody tr")
    shared = [rows.nth(n).locator(".tips-captured").count() for n in range(rows.count())]
    assert shared == sorted(shared, reverse=True), shared  # tips without a time come last

    # The video tip: its clean video plays in the detail.
    page.locator("table.listing tbody tr").nth(1).locator("a.tips-ref").click()
    page.wait_for_url(re.compile(r"/admin/tips/\d+/$"))
    video = page.locator("video")
    assert video.count() == 1
    # When it was filmed, written as in the queue (not the file's raw ISO tag).
    filmed = page.locator(".tips-video .tips-content").inner_text()
    assert "2026-11-28 21:14:05" in filmed and "T21:14:05" not in filmed, filmed
    video.evaluate("v => v.play()")
    page.wait_for_function("() => document.querySelector('video').currentTime > 0.2")
    assert_clean_console(page)
