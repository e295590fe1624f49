"""Changing the vault passphrase: re-wraps the personal key, same strength rules as set-up,
same rate limit as unlocking, audited, 2FA-guarded; an unlocked vault stays unlocked."""

import logging

import pytest
from django.urls import reverse
from django.utils.html import escape

from tips import keys
from tips.models import InvestigatorKey
from tips.models import TipAuditEntry as ModelLogEntry  # issue 14: own table

from .conftest import PASSPHRASE, unlock, verified_login

NEW = "amber lantern quietly folds 97"
URL_NAME = "tips_admin:vault_passphrase"


def _change(client, current=PASSPHRASE, new=NEW, new2=None):
    return client.post(
        reverse(URL_NAME),
        {"current_passphrase": current, "passphrase": new, "passphrase2": new2 or new},
    )


@pytest.mark.django_db
def test_change_rewraps_the_personal_key_and_keeps_the_unlocked_vault(client, world, tip_a, caplog):
    verified_login(client, world.inv_a)
    assert unlock(client).status_code == 302
    before = keys.open_personal_key(world.inv_a, PASSPHRASE)
    public = bytes(InvestigatorKey.objects.get(user=world.inv_a).public_key)

    page = client.get(reverse(URL_NAME))
    assert page.status_code == 200 and b'name="current_passphrase"' in page.content

    with caplog.at_level(logging.DEBUG):
        response = _change(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("tips_admin:vault_unlock")
    assert PASSPHRASE not in caplog.text and NEW not in caplog.text

    with pytest.raises(keys.WrongPassphrase):
        keys.open_personal_key(world.inv_a, PASSPHRASE)
    after = keys.open_personal_key(world.inv_a, NEW)
    assert after == before  # same key pair, new wrapping
    assert bytes(InvestigatorKey.objects.get(user=world.inv_a).public_key) == public
    desk_keys = keys.unwrap_desk_keys(world.inv_a, after)
    assert keys.active_desk_key(world.desk_a).pk in desk_keys

    # The vault unlocked before the change still decrypts; the new passphrase unlocks.
    detail = reverse("tips_admin:detail", args=[tip_a.pk])
    assert b"CANARY-TIP-A" in client.get(detail).content
    client.post(reverse("tips_admin:vault_lock"))
    assert unlock(client, PASSPHRASE).status_code == 400
    assert unlock(client, NEW).status_code == 302
    assert b"CANARY-TIP-A" in client.get(detail).content

    entries = ModelLogEntry.objects.filter(action="tips.vault_passphrase")
    assert entries.count() == 1
    entry = entries.get()
    assert entry.user_id == world.inv_a.pk and entry.object_id == str(world.inv_a.pk)
    assert PASSPHRASE not in str(entry.data) and NEW not in str(entry.data)


@pytest.mark.django_db
def test_wrong_current_passphrase_refused_then_rate_limited(client, world):
    verified_login(client, world.inv_a)
    statuses = [_change(client, current="not the passphrase at all").status_code for _ in range(6)]
    assert statuses[:5] == [400] * 5
    assert statuses[5] == 429
    assert _change(client).status_code == 429  # even the right one, like unlocking
    assert unlock(client).status_code == 429  # the limit is shared with unlocking
    keys.open_personal_key(world.inv_a, PASSPHRASE)  # unchanged
    assert not ModelLogEntry.objects.filter(action="tips.vault_passphrase").exists()
    assert ModelLogEntry.objects.filter(action="tips.unlock_failed").count() == 5


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("new", "new2", "field"),
    [
        ("short1", None, "passphrase"),
        ("password123456", None, "passphrase"),
        ("login-inv_a-pw-0123", None, "passphrase"),
        (PASSPHRASE, None, "passphrase"),
        (NEW, NEW + "x", "passphrase2"),
    ],
)
def test_weak_or_mismatched_new_passphrase_refused(client, world, new, new2, field):
    verified_login(client, world.inv_a)
    response = _change(client, new=new, new2=new2)
    assert response.status_code == 400
    message = response.context["form"].errors[field][0]
    assert escape(message) in response.content.decode()  # shown to the user
    keys.open_personal_key(world.inv_a, PASSPHRASE)  # unchanged
    assert not ModelLogEntry.objects.filter(action="tips.vault_passphrase").exists()


@pytest.mark.django_db
def test_needs_login_tip_access_and_second_factor(client, world):
    url = reverse(URL_NAME)
    anonymous = _change(client)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("wagtailadmin_login"))

    client.force_login(world.inv_a)  # password only, no second factor
    for response in (client.get(url), _change(client)):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("tips_admin:2fa_enrol"))

    client.force_login(world.editor)  # no tip access
    assert _change(client).status_code in (302, 403)
    keys.open_personal_key(world.inv_a, PASSPHRASE)  # unchanged
    assert not ModelLogEntry.objects.filter(action="tips.vault_passphrase").exists()


@pytest.mark.django_db
def test_linked_from_the_unlock_page_and_the_vault_bar(client, world, tip_a):
    verified_login(client, world.inv_a)
    url = reverse(URL_NAME).encode()
    assert url in client.get(reverse("tips_admin:vault_unlock")).content
    unlock(client)
    assert url in client.get(reverse("tips_admin:detail", args=[tip_a.pk])).content
