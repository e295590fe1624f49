"""Database-writer tests of the member and desk key bindings (issue 14, tips/trust.py)."""

import logging

import pytest

from tips import crypto, keys, trust
from tips.models import DeskKey, DeskKeyWrap, InvestigatorKey, RecoveryKey

from .conftest import PASS


def _swap_public_key(user):
    attacker = crypto.generate_keypair()
    InvestigatorKey.objects.filter(user=user).update(public_key=attacker.public_key)
    return attacker


def _granter_keys(user):
    return keys.unwrap_desk_keys(user, keys.open_personal_key(user, PASS))


def test_keys_are_bound_when_created(ready_desk):
    dk = ready_desk["desk_key"]
    trust.check_desk_key(dk)
    trust.check_investigator_key(InvestigatorKey.objects.get(user=ready_desk["alice"]))
    assert bytes(dk.binding) != bytes(InvestigatorKey.objects.get().binding)


def test_swapped_member_key_is_refused_before_a_grant_wraps_to_it(
    ready_desk, make_investigator, caplog
):
    bob = make_investigator("bob")
    attacker = _swap_public_key(bob)
    with caplog.at_level(logging.CRITICAL, logger="tips.trust"), pytest.raises(trust.UntrustedKey):
        keys.grant_desk_access(
            desk=ready_desk["desk"],
            member=bob,
            granter_desk_keys=_granter_keys(ready_desk["alice"]),
        )
    assert not DeskKeyWrap.objects.filter(user=bob).exists()
    assert "TRUST ALERT" in caplog.text
    # Nothing the attacker's private key could open was written anywhere.
    for wrap in DeskKeyWrap.objects.all():
        with pytest.raises(crypto.DecryptionError):
            crypto.unwrap_for_recipient(
                bytes(wrap.wrapped_private_key),
                crypto.key_fingerprint(attacker.public_key),
                attacker.private_key,
            )


def test_rotation_skips_a_swapped_member_key_and_still_rotates(ready_desk, make_investigator):
    bob = make_investigator("bob", desks=[ready_desk["desk"]])
    _swap_public_key(bob)
    new = keys.rotate_desk_key(ready_desk["desk"])
    assert set(
        DeskKeyWrap.objects.filter(desk_key=new).values_list("user__username", flat=True)
    ) == {"alice"}


def test_swapped_member_key_is_detected_at_unlock(make_investigator):
    bob = make_investigator("bob")
    _swap_public_key(bob)
    with pytest.raises(trust.UntrustedKey):
        keys.open_personal_key(bob, PASS)


def test_vault_blob_is_bound_to_its_user(make_investigator):
    """Even with valid bindings, Carol's passphrase blob copied onto Bob's row does not open
    (the blob's associated data covers the user and the public key)."""
    bob, carol = make_investigator("bob"), make_investigator("carol")
    carol_key = InvestigatorKey.objects.get(user=carol)
    bob_key = InvestigatorKey.objects.get(user=bob)
    bob_key.wrapped_private_key = carol_key.wrapped_private_key
    bob_key.save()
    with pytest.raises(keys.WrongPassphrase):
        keys.open_personal_key(bob, PASS)
    assert bytes(carol_key.wrapped_private_key)[:4] == b"MWP\x02"


def test_swapped_desk_public_key_refuses_notes_and_messages(ready_desk):
    DeskKey.objects.filter(pk=ready_desk["desk_key"].pk).update(
        public_key=crypto.generate_keypair().public_key
    )
    with pytest.raises(trust.UntrustedKey):
        trust.sealing_recipients(DeskKey.objects.get(pk=ready_desk["desk_key"].pk))


def test_inserted_recovery_key_is_never_used_for_a_new_desk_key(ready_desk):
    pair = crypto.generate_keypair()
    RecoveryKey.objects.update(active=False)
    RecoveryKey.objects.create(suite=pair.suite, public_key=pair.public_key, active=True)
    with pytest.raises(trust.UntrustedKey, match="not in TIP_RECOVERY_KEY_FINGERPRINT"):
        keys.rotate_desk_key(ready_desk["desk"])
    assert DeskKey.objects.get(active=True).pk == ready_desk["desk_key"].pk


def test_another_trust_key_invalidates_every_binding(ready_desk, settings):
    settings.TIP_TRUST_KEY = "ab" * 32
    with pytest.raises(trust.UntrustedKey):
        trust.check_desk_key(ready_desk["desk_key"])
    settings.TIP_TRUST_KEY = "short"
    with pytest.raises(trust.TrustNotConfigured):
        trust.trust_key()
