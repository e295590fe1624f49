"""Memberships need two people (issue 14): a key holder proposes, another supervisor
approves, members are e-mailed, then a key holder grants the key."""

import pytest
from django.core import mail
from django.urls import reverse

from tips import fingerprints, keys
from tips.models import DeskKeyWrap, DeskMembership, MembershipProposal

from .conftest import PASSPHRASE, make_user, unlock, verified_login

pytestmark = pytest.mark.django_db


def _denied(response) -> bool:
    """Wagtail's admin answers PermissionDenied with a redirect to the dashboard."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == "/admin/"
    )


def _propose(client, world, user):
    """Propose ``user`` (or, once a member, grant them the key: the granter types the
    member's short key fingerprint)."""
    return client.post(
        reverse("tips_admin:grant"),
        {"desk": world.desk_a.pk, "user": user.pk, "fingerprint": fingerprints.short(user)},
    )


def _approval(proposal):
    return {"decision": "approve", "fingerprint": fingerprints.short(proposal.user)}


def test_key_holder_proposes_another_supervisor_approves_then_key_is_granted(
    client, world, django_capture_on_commit_callbacks
):
    verified_login(client, world.inv_a)
    unlock(client)
    with django_capture_on_commit_callbacks(execute=True):
        _propose(client, world, world.reader)
    proposal = MembershipProposal.objects.get(user=world.reader)
    assert proposal.state == "pending" and proposal.proposed_by == world.inv_a
    assert not DeskMembership.objects.filter(user=world.reader, desk=world.desk_a).exists()
    # Every member is told, without names or content.
    told = {m.to[0] for m in mail.outbox}
    assert told == {world.inv_a.email, world.inv_a2.email}
    assert all("reader" not in m.body and "reader" not in m.subject for m in mail.outbox)

    # The proposer cannot approve (not a supervisor); the candidate neither.
    assert _denied(
        client.post(reverse("tips_admin:decide", args=[proposal.pk]), _approval(proposal))
    )

    boss = world.supervisor
    verified_login(client, boss)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("tips_admin:decide", args=[proposal.pk]), _approval(proposal)
        )
    assert response.status_code == 302
    assert DeskMembership.objects.filter(user=world.reader, desk=world.desk_a).exists()
    assert len(mail.outbox) == 3  # the new member is told too

    # Approval alone wraps nothing: a key holder grants it.
    assert not DeskKeyWrap.objects.filter(user=world.reader).exists()
    verified_login(client, world.inv_a)
    unlock(client)
    _propose(client, world, world.reader)  # now a member: this grants the key
    opened = keys.unwrap_desk_keys(world.reader, keys.open_personal_key(world.reader, PASSPHRASE))
    assert opened


def test_supervisor_alone_can_neither_add_nor_approve_own_proposal(client, world):
    verified_login(client, world.supervisor)
    assert _denied(_propose(client, world, world.inv_b))  # not a key holder
    assert not MembershipProposal.objects.exists()

    # A supervisor who is also a key-holding member proposes: still needs someone else.
    world.supervisor.desk_memberships.create(desk=world.desk_a)
    keys.rotate_desk_key(world.desk_a)
    verified_login(client, world.supervisor)
    unlock(client)
    _propose(client, world, world.inv_b)
    proposal = MembershipProposal.objects.get()
    denied = client.post(reverse("tips_admin:decide", args=[proposal.pk]), _approval(proposal))
    assert _denied(denied)
    assert not DeskMembership.objects.filter(user=world.inv_b, desk=world.desk_a).exists()


def test_a_supervisor_proposed_cannot_approve_themself(client, world):
    other = make_user("sup2", "Supervisors", "Investigators")
    verified_login(client, world.inv_a)
    unlock(client)
    _propose(client, world, other)
    proposal = MembershipProposal.objects.get()
    verified_login(client, other)
    assert _denied(
        client.post(reverse("tips_admin:decide", args=[proposal.pk]), _approval(proposal))
    )


def test_proposing_needs_the_key_unlocked(client, world):
    verified_login(client, world.inv_a)  # member, vault locked
    _propose(client, world, world.reader)
    assert not MembershipProposal.objects.exists()


def test_rejected_proposal_adds_nobody(client, world):
    verified_login(client, world.inv_a)
    unlock(client)
    _propose(client, world, world.reader)
    proposal = MembershipProposal.objects.get()
    verified_login(client, world.supervisor)
    client.post(reverse("tips_admin:decide", args=[proposal.pk]), {"decision": "reject"})
    assert MembershipProposal.objects.get().state == "rejected"
    assert not DeskMembership.objects.filter(user=world.reader, desk=world.desk_a).exists()
