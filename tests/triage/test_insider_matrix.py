"""Insider matrix (issue 14): each role, alone, tries every path to desk A's key or a tip's
content; none succeeds. The two-person path still works (last test).

Roles: supervisor, superuser, investigator of desk A, investigator of desk B, an
investigator on no desk ("reader"), editor. Each is logged in with a verified second factor
and, where they have one, an unlocked vault, so only the rules decide.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tips import fingerprints
from tips.models import (
    DeskKey,
    DeskKeyWrap,
    DeskMembership,
    EnrolmentCode,
    MembershipProposal,
)

from .conftest import unlock, verified_login

pytestmark = pytest.mark.django_db

ROLES = ["supervisor", "superuser", "inv_a", "inv_b", "reader", "editor"]


def _actor(world, role):
    if role == "superuser":
        return get_user_model().objects.create_superuser(
            "root", "root@example.org", "login-root-pw-0123"
        )
    return getattr(world, role)


def _grant_data(desk, user):
    """The insider even knows the member's fingerprint: what stops them is their role."""
    return {"desk": desk.pk, "user": user.pk, "fingerprint": fingerprints.short(user)}


def grant_self(client, world, actor):
    return client.post(reverse("tips_admin:grant"), _grant_data(world.desk_a, actor))


def grant_editor(client, world, actor):
    return client.post(reverse("tips_admin:grant"), _grant_data(world.desk_a, world.editor))


def grant_desk_b_investigator(client, world, actor):
    return client.post(reverse("tips_admin:grant"), _grant_data(world.desk_a, world.inv_b))


def approve_own_membership(client, world, actor):
    proposal = MembershipProposal.objects.create(
        desk=world.desk_a, user=actor, proposed_by=world.inv_a2
    )
    return client.post(
        reverse("tips_admin:decide", args=[proposal.pk]),
        {"decision": "approve", "fingerprint": fingerprints.short(actor)},
    )


def revoke_non_member_to_rotate(client, world, actor):
    return client.post(reverse("tips_admin:revoke"), _grant_data(world.desk_a, world.inv_b))


def join_supervisors_in_user_editor(client, world, actor):
    groups = Group.objects.filter(name__in=["Supervisors", "Investigators"])
    return client.post(
        reverse("wagtailusers_users:edit", args=[actor.pk]),
        {
            "username": actor.username,
            "email": actor.email or "x@example.org",
            "first_name": "A",
            "last_name": "B",
            "password1": "",
            "password2": "",
            "is_active": "on",
            "is_superuser": "on" if actor.is_superuser else "",
            "groups": [g.pk for g in groups],
        },
    )


def enrol_second_factor_with_password_only(client, world, actor):
    TOTPDevice.objects.filter(user=actor).delete()
    client.logout()
    client.force_login(actor)  # the password, nothing else
    return client.get(reverse("tips_admin:2fa_setup"))


def issue_own_enrolment_code(client, world, actor):
    """A code to enrol a second authenticator of one's own (or one for an account whose
    password one knows): only for accounts without one, never for oneself."""
    return client.post(reverse("tips_admin:enrolment_codes"), {"user": actor.pk})


def read_desk_a_tip(client, world, actor):
    from .conftest import submit_tip

    tip = submit_tip(world.desk_a, "CANARY-INSIDER-A")
    response = client.get(reverse("tips_admin:detail", args=[tip.pk]))
    return b"CANARY-INSIDER-A" in getattr(response, "content", b"")


PATHS = [
    grant_self,
    grant_editor,
    grant_desk_b_investigator,
    approve_own_membership,
    revoke_non_member_to_rotate,
    join_supervisors_in_user_editor,
    enrol_second_factor_with_password_only,
    issue_own_enrolment_code,
    read_desk_a_tip,
]


def _state(world):
    desk_keys = set(DeskKey.objects.filter(desk=world.desk_a).values_list("pk", flat=True))
    return {
        "members": set(
            DeskMembership.objects.filter(desk=world.desk_a, is_active=True).values_list(
                "user__username", flat=True
            )
        ),
        "wraps": set(
            DeskKeyWrap.objects.filter(desk_key__desk=world.desk_a).values_list(
                "user__username", flat=True
            )
        ),
        "keys": desk_keys,
        "supervisors": set(
            get_user_model()
            .objects.filter(groups__name="Supervisors")
            .values_list("username", flat=True)
        ),
        "investigators": set(
            get_user_model()
            .objects.filter(groups__name="Investigators")
            .values_list("username", flat=True)
        ),
        "enrolment_codes": set(EnrolmentCode.objects.values_list("user__username", flat=True)),
    }


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.__name__)
@pytest.mark.parametrize("role", ROLES)
def test_no_insider_gains_desk_a_alone(client, world, role, path):
    actor = _actor(world, role)
    verified_login(client, actor)
    unlock(client)  # no-op for those without a vault
    before = _state(world)
    had_second_factor = TOTPDevice.objects.filter(user=actor, confirmed=True).exists()
    outcome = path(client, world, actor)

    after = _state(world)
    assert after == before, (role, path.__name__)
    if path is read_desk_a_tip:
        assert outcome is (role == "inv_a"), role  # only the desk's own member reads it
    if path is enrol_second_factor_with_password_only and had_second_factor:
        assert not TOTPDevice.objects.filter(user=actor).exists()
        assert outcome.status_code == 302
        # Editors too: every staff account passes the second factor (issue 14).
        assert outcome["Location"].startswith(reverse("tips_admin:2fa_enrol"))


def test_the_two_person_path_works(client, world):
    verified_login(client, world.inv_a)
    unlock(client)
    client.post(reverse("tips_admin:grant"), _grant_data(world.desk_a, world.inv_b))
    proposal = MembershipProposal.objects.get(user=world.inv_b)
    verified_login(client, world.supervisor)
    client.post(
        reverse("tips_admin:decide", args=[proposal.pk]),
        {"decision": "approve", "fingerprint": fingerprints.short(world.inv_b)},
    )
    verified_login(client, world.inv_a)
    unlock(client)
    client.post(reverse("tips_admin:grant"), _grant_data(world.desk_a, world.inv_b))
    assert DeskKeyWrap.objects.filter(user=world.inv_b, desk_key__desk=world.desk_a).exists()
