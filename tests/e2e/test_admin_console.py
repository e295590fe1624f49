"""Real browser: the admin pages editors, investigators and supervisors open log no CSP
violation, no console error and no JavaScript error (the admin keeps scripts to 'self').

A generic sweep (the role journeys live in their own modules): each page is opened, its
modals and date pickers are opened where it has them, and ``assert_clean_console`` runs after
each page. Screenshots: /tmp/shots/admincsp/.
"""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.triage.conftest import PASSPHRASE, submit_tip, world  # noqa: F401 - fixture

from .conftest import assert_clean_console
from .test_editor_journey import log_in as log_in_editor

SHOTS = Path("/tmp/shots/admincsp")


def visit(page, url: str, shot: str | None = None) -> None:
    response = page.goto(url)
    assert response.status == 200, f"{url}: HTTP {response.status}"
    page.wait_for_load_state("networkidle")
    if shot:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{shot}.png"), full_page=True)
    assert_clean_console(page)


def open_and_close_modal(page, opener: str) -> None:
    page.click(opener)
    page.wait_for_selector(".modal-dialog form")
    page.wait_for_load_state("networkidle")
    page.click(".modal-dialog [data-dismiss='modal']")
    page.wait_for_selector(".modal-dialog", state="detached")


def first_id(page, pattern: str) -> str:
    hrefs = page.locator("a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return next(m.group(1) for h in hrefs if (m := re.search(pattern, h)))


@pytest.mark.e2e
def test_editor_admin_pages_are_console_clean(live_url, browser_page):
    page = browser_page(viewport={"width": 1400, "height": 1000})
    base = live_url
    log_in_editor(page, base)  # password and the demo editor's TOTP code (issue 14)
    visit(page, base + "/admin/", "sweep-dashboard-editor")

    visit(page, base + "/admin/pages/search/?q=Tous+les+avis")
    index_id = first_id(page, r"^/admin/pages/(\d+)/edit/$")
    visit(page, f"{base}/admin/pages/{index_id}/", "sweep-explorer")
    appeal_id = first_id(page, r"^/admin/pages/(\d+)/edit/$")
    visit(page, f"{base}/admin/pages/{index_id}/edit/")  # an AppealIndexPage
    visit(page, f"{base}/admin/pages/{appeal_id}/edit/", "sweep-appeal-edit")
    page.click("[data-side-panel-toggle='preview']")
    page.frame_locator("#w-preview-iframe").locator("h1").wait_for()
    assert_clean_console(page)
    visit(page, f"{base}/admin/pages/{appeal_id}/history/")
    visit(page, f"{base}/admin/translation/submit/page/{appeal_id}/")

    # A new appeal: the desk and image choosers open, rows are added, date pickers open.
    visit(page, f"{base}/admin/pages/add/appeals/appealpage/{index_id}/")
    open_and_close_modal(page, "#id_desk-chooser [data-chooser-action-choose]")
    page.click("#id_photos-ADD")
    page.click("#id_photos-0-image-chooser [data-chooser-action-choose]")
    page.wait_for_selector(".modal-dialog form")
    page.click(".modal-dialog #tab-label-upload")
    page.click(".modal-dialog [data-dismiss='modal']")
    page.click("#id_nationalities-ADD")
    page.click("#id_facts_date")
    page.wait_for_selector(".xdsoft_datetimepicker:visible")
    assert_clean_console(page)

    visit(page, base + "/admin/images/", "sweep-images")
    image_id = first_id(page, r"^/admin/images/(\d+)/(?:\?|$)")
    visit(page, f"{base}/admin/images/{image_id}/", "sweep-image-edit")
    visit(page, base + "/admin/images/multiple/add/")
    visit(page, base + "/admin/snippets/appeals/desk/")  # editors may only view desks
    visit(page, base + "/admin/snippets/appeals/offence/")
    offence_id = first_id(page, r"^/admin/snippets/appeals/offence/edit/(\d+)/$")
    visit(page, f"{base}/admin/snippets/appeals/offence/edit/{offence_id}/", "sweep-offence")
    visit(page, base + "/admin/snippets/appeals/offence/add/")
    visit(page, base + "/admin/account/")


def log_in_verified(page, base: str, user) -> None:
    """Password, then the TOTP code (the Tips area asks for it)."""
    device = TOTPDevice.objects.create(user=user, name="tips", confirmed=True)
    page.goto(base + "/admin/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", f"login-{user.username}-pw-0123")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/(tips/2fa/[a-z]+/.*)?$"))  # 2FA first (issue 14)
    page.goto(base + reverse("tips_admin:index"))
    assert "/2fa/verify/" in page.url
    page.fill(
        "input[name=token]", f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
    )
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert_clean_console(page)


def unlock_vault(page, base: str) -> None:
    visit(page, base + reverse("tips_admin:vault_unlock"))
    page.fill("input[name=passphrase]", PASSPHRASE)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert_clean_console(page)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_tips_area_pages_are_console_clean(live_server, browser_page, world):  # noqa: F811
    tip = submit_tip(world.desk_a, "I saw him near the station", urgent=True)
    base = live_server.url

    page = browser_page(viewport={"width": 1400, "height": 1000})
    log_in_verified(page, base, world.inv_a)
    visit(page, base + "/admin/", "sweep-dashboard-investigator")
    visit(page, base + reverse("tips_admin:index"), "sweep-tips-locked")
    unlock_vault(page, base)
    visit(page, base + reverse("tips_admin:index"), "sweep-tips-unlocked")
    visit(page, base + reverse("tips_admin:index") + "?status=new")
    visit(page, base + reverse("tips_admin:detail", args=[tip.pk]), "sweep-tip-detail")
    visit(page, base + reverse("tips_admin:members"))
    visit(page, base + "/admin/", "sweep-dashboard-investigator-unlocked")

    page = browser_page(viewport={"width": 1400, "height": 1000})
    log_in_verified(page, base, world.supervisor)
    unlock_vault(page, base)
    for name in ("index", "members", "audit", "retention"):
        visit(page, base + reverse(f"tips_admin:{name}"), f"sweep-supervisor-{name}")
    visit(page, base + "/admin/", "sweep-dashboard-supervisor")
