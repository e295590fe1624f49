"""Defects an investigator met in the admin (issue 12): the audit view names every action and
words its details, a list visit is logged once, a correct TOTP code is accepted right after
a wrong one, a vault reset forces a new passphrase, and the case-file export carries the
conversation with the tipster."""

import io
import json
import zipfile

import pytest
from django.urls import reverse
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tips import keys
from tips.admin.audit_display import action_label
from tips.audit import ACTIONS as TIP_ACTIONS
from tips.audit import FOLLOWUP_ACTIONS
from tips.models import InvestigatorKey
from tips.models import TipAuditEntry as ModelLogEntry  # issue 14: own table

from .conftest import PASSPHRASE, png_bytes, unlock, verified_login

ALL_ACTIONS = {**TIP_ACTIONS, **FOLLOWUP_ACTIONS}


def _ask_and_answer(world, tip, question="Was he alone?", answer="No, with a woman"):
    from tips.attachments import stage_attachment
    from tips.followup import services

    services.question_send(tip=tip, actor=world.inv_a, text=question)
    photo = stage_attachment(
        io.BytesIO(png_bytes((0, 90, 200))), name="car.png", content_type="image/png"
    )
    services.answer_submit(tip_id=tip.pk, text=answer, attachments=[photo])


@pytest.mark.parametrize("language", ["fr", "nl", "de", "en"])
def test_every_audit_action_has_a_translated_label(language):
    from django.utils.translation import trans_real

    catalog = trans_real.translation(language)._catalog
    with translation.override(language):
        for action, (label, message) in ALL_ACTIONS.items():
            shown = action_label(action)
            assert shown and shown != action, action
            for lazy in (label, message):
                msgid = lazy._args[0]
                assert catalog.get(msgid), (language, action, msgid)


@pytest.mark.django_db
def test_audit_view_names_followup_actions_and_words_the_details(client, world, tip_a):
    verified_login(client, world.inv_a)
    unlock(client)
    client.get(reverse("tips_admin:index"))
    client.post(
        reverse("tips_admin:action", args=[tip_a.pk]), {"action": "status", "status": "in_review"}
    )
    client.get(reverse("tips_admin:attachment", args=[tip_a.pk, 0]))
    _ask_and_answer(world, tip_a)

    verified_login(client, world.supervisor)
    with translation.override("en"):
        page = client.get(reverse("tips_admin:audit"), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    rows = html.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert rows, html
    for row in rows:
        action_cell = row.split("<td>")[3].split("</td>")[0].strip()
        assert action_cell, f"an audit row without an action: {row}"
    for action in ("tips.followup.question", "tips.followup.answer", "tips.status"):
        assert ModelLogEntry.objects.filter(action=action).exists()
        with translation.override("fr"):
            label = action_label(action)
        assert label in html, (action, label)
    assert "unlocked=" not in html and "ordinal=" not in html and "download=" not in html
    assert "=True" not in html and "=False" not in html
    with translation.override("fr"):
        from tips.models import TipStatus

        assert f"{TipStatus.NEW.label} → {TipStatus.IN_REVIEW.label}" in html


@pytest.mark.django_db
def test_a_list_visit_is_logged_once(client, world, tip_a):
    verified_login(client, world.inv_a)
    client.get(reverse("tips_admin:index"))
    assert ModelLogEntry.objects.filter(action="tips.view_list").count() == 1
    # Filtering in place (the listing's own results URL) is the same visit.
    client.get(reverse("tips_admin:index_results") + "?status=new")
    assert ModelLogEntry.objects.filter(action="tips.view_list").count() == 1


@pytest.mark.django_db
def test_correct_totp_code_is_accepted_right_after_a_wrong_one(client, world):
    device = TOTPDevice.objects.create(user=world.inv_a, name="tips", confirmed=True)
    client.force_login(world.inv_a)
    url = reverse("tips_admin:2fa_verify")
    wrong = client.post(url, {"token": "000000"})
    assert wrong.status_code == 200
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
    right = client.post(url, {"token": code})  # no waiting
    assert right.status_code == 302, right.content.decode()[:500]
    assert client.get(reverse("tips_admin:index")).status_code == 200


@pytest.mark.django_db
def test_totp_guessing_is_still_limited_and_the_page_says_how_long_to_wait(client, world):
    TOTPDevice.objects.create(user=world.inv_a, name="tips", confirmed=True)
    client.force_login(world.inv_a)
    url = reverse("tips_admin:2fa_verify")
    statuses = [client.post(url, {"token": "000000"}).status_code for _ in range(6)]
    assert statuses[:5] == [200] * 5 and statuses[5] == 429
    with translation.override("en"):
        blocked = client.post(url, {"token": "000000"}, HTTP_ACCEPT_LANGUAGE="en")
    assert blocked.status_code == 429 and blocked["Retry-After"] == "900"


@pytest.mark.django_db
def test_after_a_vault_reset_the_member_must_choose_a_new_passphrase(client, world, tip_a):
    temporary = "temporary handover phrase 2024"
    own = "only I know this phrase 8817"
    # The supervisor is a member of desk A with the vault unlocked.
    from tips.models import DeskMembership

    DeskMembership.objects.create(desk=world.desk_a, user=world.supervisor)
    ik = InvestigatorKey.objects.get(user=world.inv_a)
    holder = keys.unwrap_desk_keys(world.inv_a, keys.open_personal_key(world.inv_a, PASSPHRASE))
    keys.grant_desk_access(desk=world.desk_a, member=world.supervisor, granter_desk_keys=holder)
    verified_login(client, world.supervisor)
    assert unlock(client).status_code == 302
    reset = client.post(
        reverse("tips_admin:reset_vault", args=[world.inv_a.pk]),
        {"passphrase": temporary, "passphrase2": temporary},
    )
    assert reset.status_code == 302
    ik = InvestigatorKey.objects.get(user=world.inv_a)
    assert ik.must_change_passphrase

    # The member cannot unlock with the temporary passphrase: sent to change it first.
    verified_login(client, world.inv_a)
    page = client.get(reverse("tips_admin:vault_unlock"))
    assert page.status_code == 302 and page["Location"] == reverse("tips_admin:vault_passphrase")
    attempt = client.post(reverse("tips_admin:vault_unlock"), {"passphrase": temporary})
    assert attempt.status_code == 302 and attempt["Location"].endswith("/vault/passphrase/")
    detail = reverse("tips_admin:detail", args=[tip_a.pk])
    assert b"CANARY-TIP-A" not in client.get(detail).content
    form = client.get(reverse("tips_admin:vault_passphrase")).content.decode()
    assert 'role="alert"' in form

    changed = client.post(
        reverse("tips_admin:vault_passphrase"),
        {"current_passphrase": temporary, "passphrase": own, "passphrase2": own},
    )
    assert changed.status_code == 302
    assert not InvestigatorKey.objects.get(user=world.inv_a).must_change_passphrase
    assert unlock(client, own).status_code == 302
    assert b"CANARY-TIP-A" in client.get(detail).content


@pytest.mark.django_db
def test_export_contains_the_conversation_with_the_tipster(client, world, tip_a):
    _ask_and_answer(world, tip_a, "CANARY-Q what colour was the car?", "CANARY-A dark blue")
    verified_login(client, world.inv_a)
    unlock(client)
    response = client.post(reverse("tips_admin:export", args=[tip_a.pk]))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    data = json.loads(archive.read("tip.json"))
    conversation = data["conversation"]
    assert [m["to_tipster"] for m in conversation] == [True, False]
    assert conversation[0]["text"] == "CANARY-Q what colour was the car?"
    assert conversation[0]["author"] == "inv_a"
    assert conversation[1]["text"] == "CANARY-A dark blue"
    photo = conversation[1]["photos"][0]["file"]
    assert photo.startswith("conversation/") and archive.read(photo)[:4] == b"\x89PNG"
    text = archive.read("tip.txt").decode()
    assert "CANARY-Q what colour" in text and "CANARY-A dark blue" in text
    assert "key" not in json.dumps(conversation)
