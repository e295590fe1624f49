"""`make run`'s demo set-up (migrate + load_demo_content) leaves a tip line that works for
every role: a citizen gets a receipt, each investigator reads their desk's tips with the
documented passphrase, the documented receipt opens a conversation, the recovery key file
opens every tip, and a second run changes nothing."""

import base64
import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tips import antispam, demo, demo_incident, keys, ratelimit, services
from tips.followup.services import conversation_open
from tips.models import DeskKey, DeskKeyWrap, DeskMembership, RecoveryKey, Tip, TipPriority


@pytest.fixture
def demo_loaded(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.TIP_FORM_MIN_SECONDS = 0
    cache.clear()
    ratelimit.reset_state()
    out = io.StringIO()
    call_command("load_demo_content", stdout=out)
    yield out.getvalue()
    cache.clear()
    ratelimit.reset_state()


def _tip_post(**extra):
    return {
        "what": "I saw the man from the appeal at the bus station, ten minutes ago.",
        "when_date": "",
        "when_time": "",
        "place": "Gare du Nord",
        "how_known": "I saw him myself.",
        "contact": "",
        "website": "",
        "form_token": antispam.issue_token(),
        **extra,
    }


def _check_tip_line_accepts_a_tip_right_after_the_demo_set_up(demo_loaded, client):
    before = Tip.objects.count()
    response = client.post("/tip/", _tip_post())
    assert response.status_code == 200, response.content[:500]
    assert b"receipt" in response.content.lower()
    assert Tip.objects.count() == before + 1
    assert response.context["receipt"]  # the one-time receipt was shown


def _check_tip_about_a_demo_appeal_reaches_the_appeal_desk(demo_loaded, client):
    from appeals.models import AppealPage

    appeal = AppealPage.objects.live().filter(status="active", locale__language_code="fr").first()
    response = client.post(f"/tip/appeal/{appeal.pk}/", _tip_post())
    assert response.status_code == 200
    tip = Tip.objects.latest("pk")
    assert tip.appeal_id == appeal.pk
    assert tip.desk_id == appeal.desk.canonical().pk


def _check_demo_prints_every_credential_of_the_readme(demo_loaded):
    for account in demo.ACCOUNTS:
        assert account.username in demo_loaded
        assert account.totp_secret in demo_loaded
        assert account.vault_passphrase in demo_loaded
        assert account.password in demo_loaded
    assert demo.DEMO_RECEIPT in demo_loaded
    assert "demo-recovery-key-" in demo_loaded


def _check_demo_accounts_have_working_totp_and_vaults(demo_loaded, django_user_model):
    for account in demo.ACCOUNTS:
        user = django_user_model.objects.get(username=account.username)
        assert user.check_password(account.password)
        assert user.groups.filter(name=account.group).exists()
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        assert device.verify_token(totp(base64.b32decode(account.totp_secret)))
        keys.open_personal_key(user, account.vault_passphrase)  # raises if wrong
    # The demo editor too: every staff account passes a second factor (issue 14).
    from appeals.management.commands import load_demo_content as command

    assert command.EDITOR_TOTP_SECRET in demo_loaded
    editor = django_user_model.objects.get(username=command.EDITOR_USERNAME)
    device = TOTPDevice.objects.get(user=editor, confirmed=True)
    assert device.key.startswith("e1:")  # encrypted at rest like the others
    assert device.verify_token(totp(base64.b32decode(command.EDITOR_TOTP_SECRET)))


def _check_each_investigator_reads_every_tip_of_their_desk(demo_loaded, django_user_model):
    tips = Tip.objects.select_related("desk_key")
    read = 0
    for account in demo.ACCOUNTS:
        if account.desk is None:
            continue
        user = django_user_model.objects.get(username=account.username)
        desk_keys = keys.unwrap_desk_keys(
            user, keys.open_personal_key(user, account.vault_passphrase)
        )
        for tip in tips.filter(desk__memberships__user=user):
            document = services.tip_open(tip, desk_keys)
            assert document["reference"] == tip.reference
            read += 1
    assert read == tips.count() >= len(demo.TIPS)


def _check_demo_tips_cover_urgent_photos_and_follow_up(demo_loaded):
    demo_tips = Tip.objects.order_by("pk")[: len(demo.TIPS)]
    assert sum(t.priority == TipPriority.URGENT for t in demo_tips) == 1
    assert sum(t.attachment_count > 0 for t in demo_tips) >= 3
    assert sum(t.appeal_id is None for t in demo_tips) >= 3
    opened = conversation_open(receipt=demo.DEMO_RECEIPT)
    assert opened is not None
    assert opened.tip.messages.count() == 1


def _check_demo_incident_appeal_takes_media_and_has_tips_with_a_video(demo_loaded, settings):
    """Issue 18: an incident appeal open for photos and videos in the four languages, and
    its demo tips (a generated video, photos) readable with the witness desk's vault."""
    from appeals.models import AppealPage

    incidents = AppealPage.objects.live().filter(kind="incident")
    assert sorted(p.locale.language_code for p in incidents) == ["de", "en", "fr", "nl"]
    assert all(p.intake_open for p in incidents)
    assert all(p.photos for p in incidents)
    tips = Tip.objects.filter(appeal__in=incidents).order_by("pk")
    assert tips.count() == len(demo_incident.INCIDENT_TIPS)
    _suite, private = keys.load_recovery_key_file(
        next(settings.VAR_DIR.glob("demo-recovery-key-*.json"))
    )
    documents = [services.tip_open_with_recovery(t, private) for t in tips]
    videos = [a for d in documents for a in d["attachments"] if a.get("kind") == "video"]
    assert len(videos) == 1
    (video,) = videos
    assert video["content_type"] == "video/mp4" and video["width"] == 320
    assert video["captured_at"].startswith("2026-11-28T21:14:05")
    captured = [
        [a.get("captured_at") for a in d["attachments"] if a.get("kind") != "poster"]
        for d in documents
    ]
    assert captured[1] == ["2026:11:28 21:09:30"]  # shared by the citizen
    assert captured[2] == [None]  # not shared


def test_demo_video_is_small_and_the_same_on_every_run():
    first = demo_incident.make_video("2026-11-28T21:14:05.000000Z")
    assert first == demo_incident.make_video("2026-11-28T21:14:05.000000Z")
    assert len(first) < 200_000


def _check_recovery_key_file_opens_every_demo_tip(demo_loaded, settings):
    (path,) = list(settings.VAR_DIR.glob("demo-recovery-key-*.json"))
    assert path.stat().st_mode & 0o777 == 0o600
    _suite, private = keys.load_recovery_key_file(path)
    for tip in Tip.objects.select_related("recovery_key"):
        assert services.tip_open_with_recovery(tip, private)["reference"] == tip.reference


def _check_every_desk_key_is_wrapped_to_its_members(demo_loaded):
    for dk in DeskKey.objects.filter(active=True):
        members = set(
            DeskMembership.objects.filter(desk=dk.desk, is_active=True).values_list(
                "user_id", flat=True
            )
        )
        assert members
        wrapped = set(DeskKeyWrap.objects.filter(desk_key=dk).values_list("user_id", flat=True))
        assert wrapped == members


def test_demo_set_up_gives_every_role_a_working_tip_line(
    demo_loaded, client, django_user_model, settings
):
    """One demo load (it takes seconds), every role's part checked on it."""
    _check_tip_line_accepts_a_tip_right_after_the_demo_set_up(demo_loaded, client)
    _check_tip_about_a_demo_appeal_reaches_the_appeal_desk(demo_loaded, client)
    _check_demo_prints_every_credential_of_the_readme(demo_loaded)
    _check_demo_accounts_have_working_totp_and_vaults(demo_loaded, django_user_model)
    _check_demo_tips_cover_urgent_photos_and_follow_up(demo_loaded)
    _check_demo_incident_appeal_takes_media_and_has_tips_with_a_video(demo_loaded, settings)
    _check_recovery_key_file_opens_every_demo_tip(demo_loaded, settings)
    _check_every_desk_key_is_wrapped_to_its_members(demo_loaded)
    # last: the two tips posted above are read too
    _check_each_investigator_reads_every_tip_of_their_desk(demo_loaded, django_user_model)


def test_second_run_sees_the_content_and_skips(demo_loaded, settings):
    counts = (
        Tip.objects.count(),
        DeskKey.objects.count(),
        RecoveryKey.objects.count(),
        TOTPDevice.objects.count(),
        DeskMembership.objects.count(),
    )
    out = io.StringIO()
    call_command("load_demo_content", stdout=out)
    assert "already present" in out.getvalue()
    assert counts == (
        Tip.objects.count(),
        DeskKey.objects.count(),
        RecoveryKey.objects.count(),
        TOTPDevice.objects.count(),
        DeskMembership.objects.count(),
    )
    assert len(list(settings.VAR_DIR.glob("demo-recovery-key-*.json"))) == 1


def test_demo_is_refused_when_settings_do_not_allow_it(db, settings):
    settings.DEMO_CONTENT_ALLOWED = False
    with pytest.raises(CommandError, match="development only"):
        call_command("load_demo_content", stdout=io.StringIO())
    assert not Tip.objects.exists()


def test_totp_secrets_are_valid_base32_of_twenty_bytes():
    for account in demo.ACCOUNTS:
        assert len(base64.b32decode(account.totp_secret)) == 20
