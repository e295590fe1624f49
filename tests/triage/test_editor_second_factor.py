"""Editors (no tip role) pass a second factor before any admin page too, and enrol with a
handed-over code like every staff account (issue 14, tips/enrolment.py)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from appeals.permissions import ensure_editors_group
from tips import enrolment

pytestmark = pytest.mark.django_db

ADMIN_PAGES = ("/admin/", "/admin/pages/", "/admin/images/", "/admin/snippets/appeals/offence/")


@pytest.fixture
def editor():
    user = get_user_model().objects.create_user("ed", password="ed-password-0123456")
    user.groups.add(ensure_editors_group())
    return user


def test_editor_with_a_password_only_reaches_no_admin_page(client, editor):
    assert enrolment.needs_second_factor(editor)
    client.force_login(editor)
    for url in ADMIN_PAGES:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("tips_admin:2fa_enrol")), url
    # The password alone never shows a secret to link an app to.
    assert client.get(reverse("tips_admin:2fa_setup")).status_code == 302
    assert not TOTPDevice.objects.filter(user=editor).exists()


def test_editor_enrols_with_a_handed_over_code_then_reaches_the_dashboard(client, editor):
    code = enrolment.issue_code(editor)
    client.force_login(editor)
    response = client.post(reverse("tips_admin:2fa_enrol"), {"code": code})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("tips_admin:2fa_setup"))
    assert client.get(reverse("tips_admin:2fa_setup")).status_code == 200
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    token = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
    response = client.post(reverse("tips_admin:2fa_setup"), {"token": token})
    assert response.status_code == 200
    # The recovery codes page leads an editor to the dashboard, not to the Tips area.
    assert response.context["next"] == reverse("wagtailadmin_home")
    for url in ("/admin/", "/admin/images/", "/admin/snippets/appeals/offence/"):
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("tips_admin:index")).status_code in (302, 403)


def test_editor_verifies_with_totp_and_lands_on_the_dashboard(client, editor):
    device = TOTPDevice.objects.create(user=editor, name="tips", confirmed=True)
    client.force_login(editor)
    response = client.get("/admin/pages/")
    assert response["Location"].startswith(reverse("tips_admin:2fa_verify"))
    token = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
    response = client.post(reverse("tips_admin:2fa_verify"), {"token": token})
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    assert client.get("/admin/images/").status_code == 200


def test_a_user_who_may_not_open_the_admin_needs_no_second_factor(client):
    user = get_user_model().objects.create_user("citizen", password="citizen-pw-0123456")
    assert not enrolment.needs_second_factor(user)
