"""Real browser, from the state ``make run`` leaves (demo data): the demo supervisor logs in
with TOTP, sees the desks' health (when that screen is installed), the desk members and keys,
every desk's queue (metadata only), the audit log with a worded action and worded details on
every row, filters it by person and by tip, then enforces retention: the expired-tips screen
and the purge of one tip, which the audit log records. Every admin page: no CSP violation, no
console error; screenshots in /tmp/shots/supervisor/.
"""

import re
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, reverse

from tests.e2e.conftest import assert_clean_console
from tests.e2e.test_investigator_journey import admin_login
from tips import demo

SHOTS = Path("/tmp/shots/supervisor")
SUPERVISOR = next(a for a in demo.ACCOUNTS if a.username == "supervisor")


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    height = page.evaluate(
        "() => Math.max(...[document.body, document.querySelector('main'),"
        " document.querySelector('.content-wrapper')].filter(Boolean).map(e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": size["width"], "height": min(max(height, 600), 6000)})
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size(size)


def _audit_rows(page):
    return page.locator("main table.listing tbody tr")


@pytest.mark.e2e
def test_supervisor_oversees_desks_audit_and_retention(live_url, browser_page):
    page = browser_page(viewport={"width": 1280, "height": 900}, locale="fr-BE")
    admin_login(page, live_url, SUPERVISOR)
    shot(page, "01-queue-all-desks")
    # Metadata of every desk's tips, and no content: the supervisor holds no desk key.
    assert page.locator("a.tips-ref").count() >= 10
    assert page.locator("th", has_text="Cellule").count() == 1  # several desks: desk column
    assert page.locator(".tips-badge--urgent").count() >= 1

    page.goto(live_url + "/admin/")
    assert_clean_console(page)
    shot(page, "02-dashboard")

    try:
        health_url = reverse("tips_admin:desk_health")
    except NoReverseMatch:
        health_url = None  # the desk-health screen is not installed on this branch
    if health_url:
        page.goto(live_url + health_url)
        assert page.locator("main table").count() >= 1
        assert_clean_console(page)
        shot(page, "03-desk-health")

    page.goto(live_url + "/admin/tips/members/")
    main = page.inner_text("main")
    assert "Demo Investigator Fugitives" in main and "Demo Investigator Witnesses" in main
    assert_clean_console(page)
    shot(page, "04-members")

    # Unlocked with no desk key: the page says unlocked (and why nothing opens), not locked.
    page.locator(".tips-vault-bar--locked a.button").click()
    page.fill("input[name=passphrase]", SUPERVISOR.vault_passphrase)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/tips/members/$"))
    assert page.locator(".tips-vault-bar--unlocked").is_visible()
    assert page.locator(".tips-vault-bar--locked").count() == 0
    assert "aucune clé de cellule" in page.inner_text(".messages")
    assert_clean_console(page)
    shot(page, "04b-members-unlocked")

    # The audit log: every row says what happened, in words.
    page.goto(live_url + "/admin/tips/audit/")
    rows = _audit_rows(page)
    assert rows.count() > 0
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        action = cells.nth(2).inner_text().strip()
        details = cells.nth(4).inner_text()
        assert action and not action.startswith("tips."), rows.nth(i).inner_html()
        assert "=True" not in details and "=False" not in details and "unlocked=" not in details
    assert_clean_console(page)
    shot(page, "05-audit")

    # Filter by a person.
    page.select_option("main select[name=user]", label="investigator-fugitives")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/audit/\?user=\d+"))
    assert_clean_console(page)
    shot(page, "06-audit-one-person")

    # Retention: the expired tips (none yet in the demo), then one tip purged by hand.
    page.goto(live_url + "/admin/tips/retention/")
    assert_clean_console(page)
    shot(page, "07-retention")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/retention/$"))
    assert page.locator(".messages").count() == 1
    assert_clean_console(page)

    # The newest non-urgent tip (the other journey, on the same demo server, works on the
    # urgent one and the oldest ones).
    page.goto(live_url + "/admin/tips/?ordering=-received_at")
    row = page.locator("table.listing tbody tr").filter(has_not=page.locator(".tips-badge--urgent"))
    link = row.first.locator("a.tips-ref")
    reference = link.inner_text()
    link.click()
    page.wait_for_url(re.compile(r"/admin/tips/\d+/$"))
    assert_clean_console(page)
    shot(page, "08-tip-metadata")
    page.fill("input[name=confirm]", reference)
    page.click("form[action$='/purge/'] button")
    page.wait_for_url(re.compile(r"/admin/tips/(\?.*)?$"))
    assert reference not in page.inner_text("main table.listing")
    assert_clean_console(page)

    page.goto(live_url + "/admin/tips/audit/")
    recent = [_audit_rows(page).nth(i).inner_text() for i in range(5)]
    assert any(reference in row for row in recent), recent
    assert_clean_console(page)
    shot(page, "09-audit-after-purge")
