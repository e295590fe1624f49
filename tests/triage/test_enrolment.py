"""Second factor for every privileged account, first enrolment with a handed-over code,
TOTP secrets encrypted and recovery codes hashed at rest (issue 14, tips/enrolment.py)."""

import binascii

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tips import enrolment
from tips.models import EnrolmentCode

from .conftest import verified_login

pytestmark = pytest.mark.django_db


def _code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def test_superuser_without_second_factor_reaches_no_admin_page(client):
    root = get_user_model().objects.create_superuser("root", "root@police.example", "x" * 16)
    client.force_login(root)
    for url in ("/admin/", "/admin/users/", "/admin/groups/", "/admin/pages/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("tips_admin:2fa_enrol")), url
    # The password alone never shows a secret to link an app to.
    assert client.get(reverse("tips_admin:2fa_setup")).status_code == 302
    assert not TOTPDevice.objects.filter(user=root).exists()


def test_enrolment_code_printed_by_the_command_is_single_use(client, world, capsys):
    call_command("issue_enrolment_code", world.supervisor.username)
    code = capsys.readouterr().out.strip().rsplit(" ", 1)[-1]
    stored = EnrolmentCode.objects.get(user=world.supervisor)
    assert code.replace("-", "").encode() not in bytes(stored.digest)
    client.force_login(world.supervisor)
    assert client.post(reverse("tips_admin:2fa_enrol"), {"code": code}).status_code == 302
    assert not EnrolmentCode.objects.exists()
    client.logout()
    client.force_login(world.supervisor)
    assert client.post(reverse("tips_admin:2fa_enrol"), {"code": code}).status_code == 200


def test_someone_elses_code_does_not_enrol(client, world):
    code = enrolment.issue_code(world.inv_b)
    client.force_login(world.inv_a)
    assert client.post(reverse("tips_admin:2fa_enrol"), {"code": code}).status_code == 200


def test_expired_code_is_refused(client, world, settings):
    settings.TIP_ENROLMENT_CODE_HOURS = 0
    code = enrolment.issue_code(world.inv_a)
    client.force_login(world.inv_a)
    assert client.post(reverse("tips_admin:2fa_enrol"), {"code": code}).status_code == 200


def test_totp_secret_is_encrypted_at_rest_and_still_verifies(client, world):
    device = verified_login(client, world.inv_a)
    raw = TOTPDevice.objects.filter(pk=device.pk).values_list("key", flat=True).get()
    assert raw.startswith("e1:")
    with pytest.raises((binascii.Error, ValueError)):
        binascii.unhexlify(raw.encode())
    fresh = TOTPDevice.objects.get(pk=device.pk)
    assert fresh.verify_token(_code(fresh))
    # The ciphertext moved to another user's device gives no working secret.
    other = TOTPDevice.objects.create(user=world.inv_b, name="tips", confirmed=True)
    TOTPDevice.objects.filter(pk=other.pk).update(key=raw)
    other = TOTPDevice.objects.get(pk=other.pk)
    assert other.bin_key != fresh.bin_key


def test_recovery_codes_are_stored_hashed_and_the_hash_is_not_a_code(client, world):
    from tips import twofactor

    verified_login(client, world.inv_a)
    codes = twofactor.new_recovery_codes(world.inv_a)
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert not stored & {twofactor.normalise_code(c) for c in codes}
    client.logout()
    client.force_login(world.inv_a)
    url = reverse("tips_admin:2fa_verify")
    assert client.post(url, {"token": next(iter(stored))}).status_code == 200  # refused
    assert client.post(url, {"token": codes[3]}).status_code == 302


def test_the_admin_icon_sprite_is_served_before_the_second_factor(client):
    """Every admin page fetches it: redirected, the 2FA page would render inside itself."""
    root = get_user_model().objects.create_superuser("root2", "r2@police.example", "x" * 16)
    client.force_login(root)
    assert client.get("/admin/sprite/").status_code == 200
