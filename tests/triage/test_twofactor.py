"""The Tips area is unreachable without a verified second factor."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .conftest import verified_login


@pytest.mark.django_db
def test_tips_urls_need_a_verified_second_factor(client, world, tip_a):
    client.force_login(world.inv_a)  # password only
    for url in (
        reverse("tips_admin:index"),
        reverse("tips_admin:detail", args=[tip_a.pk]),
        reverse("tips_admin:attachment", args=[tip_a.pk, 0]),
        reverse("tips_admin:vault_unlock"),
        reverse("tips_admin:members"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        # First enrolment starts with the code a supervisor handed over (issue 14).
        assert response["Location"].startswith(reverse("tips_admin:2fa_enrol"))
    assert client.post(reverse("tips_admin:export", args=[tip_a.pk])).status_code == 302


@pytest.mark.django_db
def test_guided_setup_then_verify_with_totp_and_recovery_code(client, world):
    from tips import enrolment

    client.force_login(world.inv_a)
    # The password alone shows no secret: the set-up page sends to the enrolment code.
    assert client.get(reverse("tips_admin:2fa_setup"))["Location"].startswith(
        reverse("tips_admin:2fa_enrol")
    )
    assert not TOTPDevice.objects.filter(user=world.inv_a).exists()
    code = enrolment.issue_code(world.inv_a, issued_by=world.supervisor)
    assert (
        client.post(reverse("tips_admin:2fa_enrol"), {"code": "AAAA-BBBB-CCCC"}).status_code == 200
    )
    assert client.post(reverse("tips_admin:2fa_enrol"), {"code": code.lower()}).status_code == 302
    page = client.get(reverse("tips_admin:2fa_setup"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "<script" not in html.split("<main")[-1].split("</main>")[0]
    device = TOTPDevice.objects.get(user=world.inv_a, confirmed=False)
    bad = client.post(reverse("tips_admin:2fa_setup"), {"token": "000000"})
    assert bad.status_code == 200 and not TOTPDevice.objects.get(pk=device.pk).confirmed
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
    done = client.post(reverse("tips_admin:2fa_setup"), {"token": code})
    assert done.status_code == 200
    assert StaticToken.objects.filter(device__user=world.inv_a).count() == 10
    codes = [c for c in done.context["codes"]]
    assert client.get(reverse("tips_admin:index")).status_code == 200

    # A new session needs the code again; a recovery code works once.
    client.logout()
    client.force_login(world.inv_a)
    assert client.get(reverse("tips_admin:index"))["Location"].startswith(
        reverse("tips_admin:2fa_verify")
    )
    ok = client.post(reverse("tips_admin:2fa_verify"), {"token": codes[0]})
    assert ok.status_code == 302
    assert client.get(reverse("tips_admin:index")).status_code == 200
    client.logout()
    client.force_login(world.inv_a)
    again = client.post(reverse("tips_admin:2fa_verify"), {"token": codes[0]})
    assert again.status_code == 200  # used up


@pytest.mark.django_db
def test_wrong_codes_are_rate_limited(client, world):
    verified_login(client, world.inv_a)
    client.logout()
    client.force_login(world.inv_a)
    url = reverse("tips_admin:2fa_verify")
    statuses = [client.post(url, {"token": "123456"}).status_code for _ in range(7)]
    assert statuses[-1] == 429


@pytest.mark.django_db
def test_editor_has_no_tips_menu_and_no_access(client, world):
    verified_login(client, world.editor)  # editors pass the second factor too
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("tips_admin:index") not in home
    assert client.get(reverse("tips_admin:index")).status_code == 302


@pytest.mark.django_db
def test_failed_admin_logins_are_rate_limited(client, world):
    url = reverse("wagtailadmin_login")
    statuses = [
        client.post(url, {"username": "inv_a", "password": "wrong"}).status_code for _ in range(6)
    ]
    assert statuses[-1] == 429
    # Even the right password is refused while blocked.
    right = client.post(url, {"username": "inv_a", "password": "login-inv_a-pw-0123"})
    assert right.status_code == 429
