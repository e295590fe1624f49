"""Who may reach what: every tip URL, bulk action, export and attachment, per role.

Roles: anonymous, editor, investigator of desk A, investigator of desk B, info-only reader
(of the desk-A tip), supervisor. Everyone with tip access is logged in with a verified second
factor and an unlocked vault, so only the policy decides.
"""

import pytest
from django.urls import reverse

from tips.models import Tip, TipStatus

from .conftest import submit_tip, unlock, verified_login

ROLES = ["anonymous", "editor", "inv_a", "inv_b", "reader", "supervisor"]

# (name, method, allowed roles)
MATRIX = [
    ("index", "get", {"inv_a", "inv_b", "reader", "supervisor"}),
    ("detail", "get", {"inv_a", "reader", "supervisor"}),
    ("decrypt", "get", {"inv_a", "reader"}),
    ("attachment", "get", {"inv_a", "reader"}),
    ("attachment_download", "get", {"inv_a", "reader"}),
    ("status", "post", {"inv_a"}),
    ("assign", "post", {"inv_a"}),
    ("note", "post", {"inv_a"}),
    ("bulk", "post", {"inv_a"}),
    ("export", "post", {"inv_a"}),
    ("audit", "get", {"supervisor"}),
    ("retention", "get", {"supervisor"}),
    ("members", "get", {"inv_a", "inv_b", "supervisor"}),
    ("revoke", "post", {"supervisor"}),
    ("purge", "post", {"supervisor"}),
]


def _request(client, name, method, tip, world):
    if name == "index":
        return client.get(reverse("tips_admin:index"))
    if name in ("detail", "decrypt"):
        return client.get(reverse("tips_admin:detail", args=[tip.pk]))
    if name in ("attachment", "attachment_download"):
        return client.get(reverse(f"tips_admin:{name}", args=[tip.pk, 0]))
    if name == "status":
        return client.post(
            reverse("tips_admin:action", args=[tip.pk]),
            {"action": "status", "status": TipStatus.IN_REVIEW},
        )
    if name == "assign":
        return client.post(
            reverse("tips_admin:action", args=[tip.pk]),
            {"action": "assign", "assignee": world.inv_a2.pk},
        )
    if name == "note":
        return client.post(
            reverse("tips_admin:action", args=[tip.pk]), {"action": "note", "text": "a note"}
        )
    if name == "bulk":
        return client.post(reverse("tips_admin:bulk"), {"id": [tip.pk], "action": "spam"})
    if name == "export":
        return client.post(reverse("tips_admin:export", args=[tip.pk]))
    if name == "audit":
        return client.get(reverse("tips_admin:audit"))
    if name == "retention":
        return client.get(reverse("tips_admin:retention"))
    if name == "members":
        return client.get(reverse("tips_admin:members"))
    if name == "revoke":
        return client.post(
            reverse("tips_admin:revoke"), {"desk": world.desk_a.pk, "user": world.inv_a2.pk}
        )
    if name == "purge":
        return client.post(reverse("tips_admin:purge", args=[tip.pk]), {"confirm": tip.reference})
    raise AssertionError(name)


def _effect(name, tip, world, response):
    """Did the request actually do/show what it asks for?"""
    tip_now = Tip.objects.filter(pk=tip.pk).first()
    body = b"" if response.streaming else response.content
    if name in ("index", "audit", "retention", "members"):
        return response.status_code == 200
    if name == "detail":
        return response.status_code == 200 and tip.reference.encode() in body
    if name == "decrypt":
        return response.status_code == 200 and b"CANARY-TIP-A" in body
    if name.startswith("attachment"):
        return (
            response.status_code == 200 and b"".join(response.streaming_content)[:4] == b"\x89PNG"
        )
    if name == "export":
        return response.status_code == 200 and response["Content-Type"] == "application/zip"
    if name == "status":
        return tip_now.status == TipStatus.IN_REVIEW
    if name == "assign":
        return tip_now.assignee_id == world.inv_a2.pk
    if name == "note":
        return tip_now.notes.exists()
    if name == "bulk":
        return tip_now.status == TipStatus.CLOSED_SPAM
    if name == "revoke":
        from tips.models import DeskMembership

        return not DeskMembership.objects.filter(desk=world.desk_a, user=world.inv_a2).exists()
    if name == "purge":
        return tip_now is None
    raise AssertionError(name)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "allowed"), MATRIX, ids=[m[0] for m in MATRIX])
def test_access_matrix(client, world, role, name, method, allowed):
    from tips import triage
    from tips.services import tip_open

    tip = submit_tip(world.desk_a, "CANARY-TIP-A")
    submit_tip(world.desk_b, "CANARY-TIP-B")
    # The reader is an info-only reader of this one tip (added by a desk-A member).
    from tips import keys

    a_keys = keys.unwrap_desk_keys(
        world.inv_a, keys.open_personal_key(world.inv_a, "correct horse battery staple 42")
    )
    triage.tip_add_reader(
        tip=tip, actor=world.inv_a, reader=world.reader, document=tip_open(tip, a_keys)
    )
    if role != "anonymous":
        user = getattr(world, role)
        verified_login(client, user)
        if role != "editor":
            unlock(client)
    response = _request(client, name, method, tip, world)
    assert response.status_code < 500
    assert _effect(name, tip, world, response) == (role in allowed), (
        f"{role} {name}: {response.status_code}"
    )
