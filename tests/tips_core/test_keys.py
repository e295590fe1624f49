"""Key management: vaults, desk keys, grants, revocation, rotation, recovery."""

import pytest

from tips import crypto, keys
from tips.models import DeskKey, DeskKeyWrap, DeskMembership, InvestigatorKey

from .conftest import PASS


def _unlock(user, passphrase=PASS):
    return keys.unwrap_desk_keys(user, keys.open_personal_key(user, passphrase))


def test_vault_setup_stores_only_wrapped_private_key(make_investigator):
    user = make_investigator("bob")
    ik = InvestigatorKey.objects.get(user=user)
    private = keys.open_personal_key(user, PASS)
    assert crypto.public_key_for(ik.suite, private) == bytes(ik.public_key)
    assert private not in bytes(ik.wrapped_private_key)
    with pytest.raises(keys.VaultAlreadySetUp):
        keys.setup_vault(user, PASS)


def test_wrong_passphrase_and_missing_vault(make_investigator):
    user = make_investigator("bob")
    with pytest.raises(keys.WrongPassphrase):
        keys.open_personal_key(user, PASS + "!")
    other = make_investigator("carol", vault=False)
    with pytest.raises(keys.VaultNotSetUp):
        keys.open_personal_key(other, PASS)


def test_change_passphrase_keeps_key_pair(make_investigator):
    user = make_investigator("bob")
    before = keys.open_personal_key(user, PASS)
    keys.change_passphrase(user, PASS, "another passphrase entirely")
    assert keys.open_personal_key(user, "another passphrase entirely") == before
    with pytest.raises(keys.WrongPassphrase):
        keys.open_personal_key(user, PASS)


def test_desk_key_needs_recovery_key(desk):
    with pytest.raises(keys.NoRecoveryKey):
        keys.create_desk_key(desk)


def test_desk_key_wrapped_to_members_and_recovery(ready_desk):
    dk, alice = ready_desk["desk_key"], ready_desk["alice"]
    unlocked = _unlock(alice)
    assert set(unlocked) == {dk.pk}
    assert crypto.public_key_for(dk.suite, unlocked[dk.pk]) == bytes(dk.public_key)
    rk, rpriv = ready_desk["recovery"]
    assert keys.recovery_open_desk_keys(ready_desk["desk"], rpriv) == unlocked


def test_grant_and_revoke(ready_desk, make_investigator):
    desk, alice = ready_desk["desk"], ready_desk["alice"]
    bob = make_investigator("bob")
    assert _unlock(bob) == {}
    wraps = keys.grant_desk_access(desk=desk, member=bob, granter_desk_keys=_unlock(alice))
    assert len(wraps) == 1
    assert _unlock(bob) == _unlock(alice)

    new_key = keys.revoke_desk_access(desk=desk, member=bob)
    assert not DeskMembership.objects.filter(user=bob).exists()
    assert not DeskKeyWrap.objects.filter(user=bob).exists()
    assert _unlock(bob) == {}
    # The desk key was rotated: alice has the new one, bob never had it.
    assert new_key.active and new_key.version == 2
    assert set(_unlock(alice)) == {ready_desk["desk_key"].pk, new_key.pk}


def test_grant_ignores_keys_that_do_not_match(ready_desk, make_investigator):
    bob = make_investigator("bob")
    bogus = {ready_desk["desk_key"].pk: crypto.generate_keypair().private_key}
    granted = keys.grant_desk_access(desk=ready_desk["desk"], member=bob, granter_desk_keys=bogus)
    assert granted == []


def test_grant_to_member_without_vault_records_membership(ready_desk, make_investigator):
    carol = make_investigator("carol", vault=False)
    with pytest.raises(keys.VaultNotSetUp):
        keys.grant_desk_access(
            desk=ready_desk["desk"], member=carol, granter_desk_keys=_unlock(ready_desk["alice"])
        )
    assert DeskMembership.objects.filter(user=carol, desk=ready_desk["desk"]).exists()


def test_rotation_keeps_old_key_and_wraps(ready_desk):
    desk, alice, old = ready_desk["desk"], ready_desk["alice"], ready_desk["desk_key"]
    new = keys.rotate_desk_key(desk)
    old.refresh_from_db()
    assert not old.active and new.active and new.version == old.version + 1
    assert DeskKey.objects.filter(desk=desk, active=True).get() == new
    assert set(_unlock(alice)) == {old.pk, new.pk}


def test_reset_vault_after_forgotten_passphrase(ready_desk, make_investigator):
    desk, alice = ready_desk["desk"], ready_desk["alice"]
    bob = make_investigator("bob", desks=[desk])
    keys.grant_desk_access(desk=desk, member=bob, granter_desk_keys=_unlock(alice))
    keys.reset_vault(bob, "bob's brand new passphrase", _unlock(alice))
    with pytest.raises(keys.WrongPassphrase):
        keys.open_personal_key(bob, PASS)
    assert _unlock(bob, "bob's brand new passphrase") == _unlock(alice)


def test_inactive_membership_gets_no_keys(ready_desk):
    DeskMembership.objects.filter(user=ready_desk["alice"]).update(is_active=False)
    assert _unlock(ready_desk["alice"]) == {}


def test_recovery_key_file_round_trip(recovery, tmp_path):
    rk, private = recovery
    path = tmp_path / "recovery.json"
    path.write_text(keys.recovery_key_file_text(rk, private))
    assert keys.load_recovery_key_file(path) == (rk.suite, private)
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(keys.KeyManagementError):
        keys.load_recovery_key_file(tmp_path / "bad.json")


def test_new_recovery_key_deactivates_old(recovery):
    old, _ = recovery
    new, _ = keys.create_recovery_key()
    old.refresh_from_db()
    assert not old.active and new.active
    assert keys.active_recovery_key() == new
