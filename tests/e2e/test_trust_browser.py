"""Real browser (issue 14): first second-factor enrolment with a handed-over code, and a
desk membership that takes two people (a key holder proposes, a supervisor approves)."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.triage.conftest import PASSPHRASE, world  # noqa: F401 - fixture

from .conftest import assert_clean_console, pass_totp


def _code(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def _confirm_authenticator(page, user):
    """On the set-up page shown after a valid enrolment code: enter the new authenticator's
    code, and check it is confirmed with a clean console. Returns the device."""
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page.locator("input[name=token]:visible").first.fill(_code(device))
    with page.expect_navigation():
        page.locator("form:has(input[name=token]:visible) button[type=submit]").first.click()
    assert TOTPDevice.objects.get(user=user).confirmed
    assert_clean_console(page)
    return device


def _login(page, base, username):
    page.goto(base + "/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"login-{username}-pw-0123")
    page.click("button[type=submit]")


def _login_verified(page, base, user):
    device = TOTPDevice.objects.create(user=user, name="tips", confirmed=True)
    _login(page, base, user.username)
    page.wait_for_url(re.compile(r"/admin/tips/2fa/verify/"))
    pass_totp(page, device.bin_key)
    page.wait_for_url(re.compile(r"/admin/"))
    assert_clean_console(page)


@pytest.mark.e2e
def test_first_enrolment_needs_the_handed_over_code(live_server, browser_page, world):  # noqa: F811
    from tips import enrolment

    base = live_server.url
    code = enrolment.issue_code(world.inv_b, issued_by=world.supervisor)  # handed over
    page = browser_page()
    _login(page, base, "inv_b")
    # The password alone leads to the enrolment-code page, not to a secret or the admin.
    page.wait_for_url(re.compile(r"/admin/tips/2fa/enrol/"))
    assert page.locator("input[name=token]").count() == 0 and "otpauth" not in page.content()
    page.goto(base + "/admin/pages/")
    assert "/admin/tips/2fa/enrol/" in page.url
    page.fill("input[name=code]", "AAAA-BBBB-CCCC")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "/admin/tips/2fa/enrol/" in page.url  # a wrong code: still asked for the code
    assert page.locator("input[name=token]").count() == 0
    page.fill("input[name=code]", code)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/tips/2fa/setup/"))
    assert page.locator("main svg path").count() >= 1  # the QR code and secret, only now
    assert_clean_console(page)
    device = _confirm_authenticator(page, world.inv_b)
    assert device.key.startswith("e1:")  # encrypted at rest
    page.goto(base + "/admin/")
    assert page.url.rstrip("/").endswith("/admin")
    assert_clean_console(page)


@pytest.mark.e2e
def test_membership_takes_a_key_holder_and_another_supervisor(
    live_server,
    browser_page,
    world,  # noqa: F811
):
    from tips import fingerprints
    from tips.models import DeskKeyWrap, DeskMembership, MembershipProposal

    base = live_server.url
    holder = browser_page()
    _login_verified(holder, base, world.inv_a)
    holder.goto(base + "/admin/tips/vault/unlock/")
    holder.fill("input[name=passphrase]", PASSPHRASE)
    holder.click("main button[type=submit]")
    holder.goto(base + "/admin/tips/members/")
    # Only people not yet in the desk can be proposed.
    offered = holder.locator("select[name=user] option").evaluate_all(
        "options => options.map(o => o.value)"
    )
    assert str(world.reader.pk) in offered
    assert str(world.inv_a.pk) not in offered and str(world.inv_a2.pk) not in offered
    # A fingerprint, read aloud group by group, is never split over two lines (it was, in
    # the demo's narrow key column).
    codes = holder.locator("code.tips-fingerprint")
    assert codes.count() >= 2
    assert codes.evaluate_all("cs => cs.every(c => getComputedStyle(c).whiteSpace === 'nowrap')")
    holder.select_option("select[name=user]", str(world.reader.pk))
    holder.click("form:has(select[name=user]) button[type=submit]")
    holder.wait_for_selector("#proposals")
    assert_clean_console(holder)
    proposal = MembershipProposal.objects.get(user=world.reader)
    assert not DeskMembership.objects.filter(user=world.reader, desk=world.desk_a).exists()

    boss = browser_page()
    _login_verified(boss, base, world.supervisor)
    boss.goto(base + "/admin/tips/members/")
    # The supervisor types the fingerprint the candidate reads on their own vault page.
    boss.fill("#proposals input[name=fingerprint]", fingerprints.short(world.reader))
    boss.click("#proposals button[value=approve]")
    boss.wait_for_load_state("networkidle")
    assert boss.locator("#proposals").count() == 0
    assert_clean_console(boss)
    proposal.refresh_from_db()
    assert proposal.state == "approved" and proposal.decided_by == world.supervisor
    assert DeskMembership.objects.filter(user=world.reader, desk=world.desk_a).exists()

    # The key holder now passes on the key.
    holder.goto(base + "/admin/tips/members/")
    grant_form = f"form:has(input[name=user][value='{world.reader.pk}'])"
    holder.click(f"{grant_form} button[type=submit]")  # without the fingerprint: refused
    holder.wait_for_load_state("networkidle")
    assert not DeskKeyWrap.objects.filter(user=world.reader).exists()
    holder.fill(f"{grant_form} input[name=fingerprint]", fingerprints.short(world.reader))
    holder.click(f"{grant_form} button[type=submit]")
    holder.wait_for_load_state("networkidle")
    assert_clean_console(holder)
    assert DeskKeyWrap.objects.filter(user=world.reader, desk_key__desk=world.desk_a).exists()


@pytest.mark.e2e
def test_supervisor_issues_a_code_in_the_admin_and_the_editor_enrols_with_it(
    live_server,
    browser_page,
    world,  # noqa: F811
):
    """Every staff account needs a second factor: the supervisor's button (Tips →
    Enrolment codes) shows the code once; the editor enrols with it, then edits pages."""
    from appeals.permissions import ensure_editors_group
    from tips.models import TipAuditEntry

    world.editor.groups.add(ensure_editors_group())  # with its admin rights
    base = live_server.url
    boss = browser_page()
    _login_verified(boss, base, world.supervisor)
    boss.goto(base + "/admin/tips/members/enrolment-codes/")
    with boss.expect_navigation():
        boss.click(f"button[data-issue-code='{world.editor.username}']")
    code = boss.locator("#issued-code code").inner_text().strip()
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", code)
    assert_clean_console(boss)
    assert TipAuditEntry.objects.filter(action="tips.enrolment_code", user=world.supervisor)
    boss.goto(base + "/admin/tips/members/enrolment-codes/")
    assert code not in boss.content()  # shown once

    editor = browser_page()
    _login(editor, base, "editor")
    editor.wait_for_url(re.compile(r"/admin/tips/2fa/enrol/"))
    assert "otpauth" not in editor.content()
    editor.fill("input[name=code]", code)
    with editor.expect_navigation():
        editor.click("main button[type=submit]")
    editor.wait_for_url(re.compile(r"/admin/tips/2fa/setup/"))
    assert_clean_console(editor)
    _confirm_authenticator(editor, world.editor)
    editor.goto(base + "/admin/")
    assert editor.url.endswith("/admin/")  # the dashboard, no longer the second factor
    assert "/2fa/" not in editor.url
    assert_clean_console(editor)
