"""Real browser: an investigator logs in with TOTP, unlocks, reads a tip with its photo,
assigns it, changes its status, adds a note, exports it and locks; no CSP violation.

The tip is created with the sealing service (tip_submit) in the test's database, the one the
pytest-django live server uses (the public form runs on the separate demo server of the
tip-line e2e test).
"""

from pathlib import Path

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.triage.conftest import PASSPHRASE, submit_tip, world  # noqa: F401 - fixture

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_investigator_triage_in_browser(live_server, browser_page, world):  # noqa: F811
    tip = submit_tip(world.desk_a, "CANARY-E2E the man in the red coat")
    device = TOTPDevice.objects.create(user=world.inv_a, name="tips", confirmed=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser_page()
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    base = live_server.url

    page.goto(base + "/admin/login/")
    page.fill("input[name=username]", "inv_a")
    page.fill("input[name=password]", "login-inv_a-pw-0123")
    page.click("button[type=submit]")
    page.goto(base + "/admin/tips/")
    assert "/2fa/verify/" in page.url
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
    page.fill("input[name=token]", code)
    page.click("main button[type=submit]")
    page.goto(base + "/admin/tips/vault/unlock/")
    page.fill("input[name=passphrase]", PASSPHRASE)
    page.click("main button[type=submit]")
    page.goto(base + "/admin/tips/")
    page.screenshot(path=str(SHOTS / "triage-queue.png"), full_page=True)
    assert tip.reference in page.content() and "CANARY-E2E" in page.content()

    page.click(f"text={tip.reference}")
    page.wait_for_selector("img.tips-photo")
    loaded = page.eval_on_selector("img.tips-photo", "img => img.complete && img.naturalWidth")
    assert loaded and loaded > 0
    page.screenshot(path=str(SHOTS / "triage-detail.png"), full_page=True)

    page.select_option("select[name=assignee]", str(world.inv_a2.pk))
    page.click("form:has(select[name=assignee]) button")
    page.wait_for_load_state()
    page.select_option("select[name=status]", "in_review")
    page.click("form:has(input[name=duplicate_of]) button")
    page.wait_for_load_state()
    page.fill("textarea[name=text]", "Checked CCTV request")
    page.click("form:has(textarea[name=text]) button")
    page.wait_for_selector(".tips-notes >> text=Checked CCTV request")
    with page.expect_download() as download:
        page.click("form[action$='/export/'] button")
    assert download.value.suggested_filename == f"{tip.reference}.zip"
    page.click("form[action$='/vault/lock/'] button")
    page.goto(base + f"/admin/tips/{tip.pk}/")
    assert "CANARY-E2E" not in page.content()
    tip.refresh_from_db()
    assert tip.assignee_id == world.inv_a2.pk and tip.status == "in_review"
    assert violations == [], "\n".join(sorted(set(v[:160] for v in violations)))
