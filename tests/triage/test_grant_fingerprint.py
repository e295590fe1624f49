"""The granter sees and types the member's short key fingerprint before a desk key is
wrapped to them or their membership is approved; without it nothing changes (issue 14)."""

import pytest
from django.urls import reverse

from tips import fingerprints
from tips.models import DeskKeyWrap, DeskMembership, InvestigatorKey, MembershipProposal

from .conftest import unlock, verified_login

pytestmark = pytest.mark.django_db


def _grant(client, world, user, typed):
    data = {"desk": world.desk_a.pk, "user": user.pk}
    if typed is not None:
        data["fingerprint"] = typed
    return client.post(reverse("tips_admin:grant"), data, follow=True)


@pytest.fixture
def approved_reader(world):
    """The reader, approved on desk A, waiting for the key."""
    DeskMembership.objects.create(desk=world.desk_a, user=world.reader)
    return world.reader


def test_members_page_shows_the_fingerprint_the_member_reads_on_their_vault_page(
    client, world, approved_reader
):
    short = fingerprints.short(approved_reader)
    key_id = InvestigatorKey.objects.get(user=approved_reader).key_id
    assert short.replace(" ", "") == key_id[: fingerprints.SHORT_LENGTH]
    verified_login(client, approved_reader)
    assert short in client.get(reverse("tips_admin:vault_unlock")).content.decode()
    verified_login(client, world.inv_a)
    unlock(client)
    page = client.get(reverse("tips_admin:members")).content.decode()
    assert short in page and 'name="fingerprint"' in page


@pytest.mark.parametrize("typed", [None, "", "0000 0000 0000 0000", "abcd"])
def test_grant_without_the_right_fingerprint_wraps_nothing(client, world, approved_reader, typed):
    verified_login(client, world.inv_a)
    unlock(client)
    response = _grant(client, world, approved_reader, typed)
    assert "fingerprint" in response.content.decode()  # the error says what is missing
    assert not DeskKeyWrap.objects.filter(user=approved_reader).exists()


def test_grant_with_the_typed_fingerprint_wraps_the_key(client, world, approved_reader):
    verified_login(client, world.inv_a)
    unlock(client)
    typed = fingerprints.short(approved_reader).upper().replace(" ", "-")  # as read aloud
    _grant(client, world, approved_reader, typed)
    assert DeskKeyWrap.objects.filter(user=approved_reader, desk_key__desk=world.desk_a).exists()


def test_a_swapped_public_key_has_no_fingerprint_to_confirm(client, world, approved_reader):
    """A database writer's key: the binding fails, no fingerprint is shown or accepted."""
    from tips import crypto

    before = fingerprints.short(approved_reader)
    ik = InvestigatorKey.objects.get(user=approved_reader)
    public = crypto.generate_keypair(ik.suite).public_key
    InvestigatorKey.objects.filter(pk=ik.pk).update(public_key=public)
    assert fingerprints.short(approved_reader) == ""
    verified_login(client, world.inv_a)
    unlock(client)
    _grant(client, world, approved_reader, before)
    _grant(client, world, approved_reader, crypto.key_fingerprint(public)[:16])
    assert not DeskKeyWrap.objects.filter(user=approved_reader).exists()


def test_approval_needs_the_candidates_fingerprint(client, world):
    proposal = MembershipProposal.objects.create(
        desk=world.desk_a, user=world.reader, proposed_by=world.inv_a
    )
    url = reverse("tips_admin:decide", args=[proposal.pk])
    verified_login(client, world.supervisor)
    page = client.get(reverse("tips_admin:members")).content.decode()
    assert fingerprints.short(world.reader) in page
    for typed in ("", "1234 5678 9abc def0"):
        response = client.post(url, {"decision": "approve", "fingerprint": typed}, follow=True)
        assert "fingerprint" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == "pending"
    assert not DeskMembership.objects.filter(user=world.reader, desk=world.desk_a).exists()
    client.post(url, {"decision": "approve", "fingerprint": fingerprints.short(world.reader)})
    proposal.refresh_from_db()
    assert proposal.state == "approved"
    assert DeskMembership.objects.filter(user=world.reader, desk=world.desk_a).exists()
