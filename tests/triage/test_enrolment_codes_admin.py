"""Tips → Enrolment codes: a supervisor issues a staff account's one-time enrolment code,
shown once and recorded in the tip audit (issue 14, tips/admin/enrolment_codes.py)."""

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tips import enrolment
from tips.models import EnrolmentCode, TipAuditEntry

from .conftest import verified_login

pytestmark = pytest.mark.django_db
URL = reverse("tips_admin:enrolment_codes")
CODE_RE = re.compile(r"<code>([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})</code>")


def test_supervisor_issues_a_code_shown_once_and_audited(client, world):
    verified_login(client, world.supervisor)
    page = client.get(URL).content.decode()
    assert f'value="{world.editor.pk}"' in page  # an editor without a second factor
    assert f'value="{world.supervisor.pk}"' not in page  # never for oneself
    response = client.post(URL, {"user": world.editor.pk})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    [code] = CODE_RE.findall(response.content.decode())
    stored = EnrolmentCode.objects.get(user=world.editor)
    assert stored.issued_by == world.supervisor
    assert code.replace("-", "").encode() not in bytes(stored.digest)  # only its HMAC
    entry = TipAuditEntry.objects.get(action="tips.enrolment_code")
    assert entry.user == world.supervisor and entry.object_id == str(world.editor.pk)
    assert code not in str(entry.data) and code not in entry.label
    # Shown once: the list afterwards shows when it expires, not the code.
    assert not CODE_RE.findall(client.get(URL).content.decode())
    assert enrolment.redeem(world.editor, code)


def test_reachable_from_the_tips_menu_and_the_members_page(client, world):
    verified_login(client, world.supervisor)
    assert URL in client.get(reverse("wagtailadmin_home")).content.decode()  # Tips menu
    assert URL in client.get(reverse("tips_admin:members")).content.decode()
    verified_login(client, world.inv_a)
    assert URL not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_only_supervisors_issue_codes(client, world):
    for user in (world.inv_a, world.editor):
        verified_login(client, user)
        assert client.get(URL).status_code in (302, 403)
        assert client.post(URL, {"user": world.inv_b.pk}).status_code in (302, 403)
    assert not EnrolmentCode.objects.exists()


def test_no_code_for_oneself_or_an_enrolled_account(client, world):
    verified_login(client, world.supervisor)  # the supervisor now has a device
    TOTPDevice.objects.create(user=world.inv_b, name="tips", confirmed=True)
    assert client.post(URL, {"user": world.supervisor.pk}).status_code == 404
    assert client.post(URL, {"user": world.inv_b.pk}).status_code == 404
    assert not EnrolmentCode.objects.exists()


def test_needs_the_second_factor(client, world):
    client.force_login(world.supervisor)  # password only
    response = client.post(URL, {"user": world.editor.pk})
    assert response.status_code == 302
    assert not EnrolmentCode.objects.exists()
