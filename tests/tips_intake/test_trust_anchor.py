"""A database writer inserts a recovery key or swaps the desk key: the tip form refuses the
tip (its unavailable page, the citizen's text kept), logs a TRUST ALERT, seals nothing."""

import logging

import pytest

from tips import crypto
from tips.models import DeskKey, RecoveryKey, Tip

from .test_submit import assert_refused, post


def _attacker_recovery_row():
    pair = crypto.generate_keypair()
    # Written straight into the table: what a database writer can do, nothing more.
    RecoveryKey.objects.filter(active=True).update(active=False)
    return RecoveryKey.objects.create(suite=pair.suite, public_key=pair.public_key, active=True)


def test_inserted_recovery_key_refuses_the_tip_and_alerts(client, tipline, caplog):
    assert post(client).status_code == 200  # the line works before
    _attacker_recovery_row()
    with caplog.at_level(logging.CRITICAL, logger="tips.trust"):
        response = post(client)
    assert_refused(response, 503, "temporarily unavailable")
    assert Tip.objects.count() == 1
    assert any("TRUST ALERT" in r.getMessage() for r in caplog.records)


def test_swapped_desk_public_key_refuses_the_tip(client, tipline, caplog):
    desk, _ = tipline
    pair = crypto.generate_keypair()
    DeskKey.objects.filter(desk=desk, active=True).update(public_key=pair.public_key)
    with caplog.at_level(logging.CRITICAL, logger="tips.trust"):
        assert_refused(post(client), 503, "temporarily unavailable")
    assert not Tip.objects.exists()
    assert any("binding" in r.getMessage() for r in caplog.records)


def test_desk_key_pointed_at_an_inserted_recovery_key_is_refused(client, tipline):
    desk, _ = tipline
    rogue = _attacker_recovery_row()
    RecoveryKey.objects.filter(pk=rogue.pk).update(active=False)
    RecoveryKey.objects.exclude(pk=rogue.pk).update(active=True)
    DeskKey.objects.filter(desk=desk, active=True).update(recovery_key=rogue)
    assert_refused(post(client), 503, "temporarily unavailable")
    assert not Tip.objects.exists()


def test_no_configured_fingerprint_refuses(client, tipline, settings):
    settings.TIP_RECOVERY_KEY_FINGERPRINT = ""
    settings.TIP_RECOVERY_KEY_FINGERPRINT_FILE = ""
    assert_refused(post(client), 503, "temporarily unavailable")
    assert not Tip.objects.exists()


def test_fingerprint_from_the_environment_setting(client, tipline, settings):
    active = RecoveryKey.objects.get(active=True)
    settings.TIP_RECOVERY_KEY_FINGERPRINT_FILE = ""
    settings.TIP_RECOVERY_KEY_FINGERPRINT = f"0000, {active.key_id.upper()}"
    assert post(client).status_code == 200
    assert Tip.objects.count() == 1


@pytest.mark.parametrize("required", [True])
def test_production_without_trust_key_refuses(client, tipline, settings, required):
    settings.TIP_TRUST_KEY = ""
    settings.TIP_TRUST_KEY_REQUIRED = required
    assert_refused(post(client), 503, "temporarily unavailable")


def test_production_without_ml_kem_refuses_the_tip_instead_of_falling_back(
    client, tipline, settings, monkeypatch, caplog
):
    """A build of cryptography without ML-KEM makes the default suite X25519: production
    (TIP_REQUIRE_HYBRID_SUITE) refuses the tip, whose receipt key pair would use it, and
    says why on /healthz's warnings; development goes on with X25519."""
    from tips import trust

    assert post(client).status_code == 200
    monkeypatch.setattr(crypto, "DEFAULT_SUITE", crypto.SUITE_X25519)  # what such a build has
    settings.TIP_REQUIRE_HYBRID_SUITE = True
    with caplog.at_level(logging.CRITICAL, logger="tips.trust"):
        assert_refused(post(client), 503, "temporarily unavailable")
    assert Tip.objects.count() == 1
    assert any("ML-KEM unavailable" in r.getMessage() for r in caplog.records)
    assert any("ML-KEM" in problem for problem in trust.problems())
    settings.TIP_REQUIRE_HYBRID_SUITE = False
    assert not any("ML-KEM" in problem for problem in trust.problems())
