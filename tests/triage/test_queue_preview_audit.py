"""The queue's preview decrypts the tips on screen: each decryption is in the tip audit, one
entry per tip (issue 14, tips/admin/queue.py)."""

import pytest
from django.urls import reverse

from tips.models import TipAuditEntry

from .conftest import submit_tip, unlock, verified_login

pytestmark = pytest.mark.django_db


def _previews():
    return TipAuditEntry.objects.filter(action="tips.preview_decrypt")


def test_each_previewed_tip_has_its_own_audit_entry(client, world):
    mine = [submit_tip(world.desk_a, f"PREVIEW-{i}", photo=False) for i in range(3)]
    other = submit_tip(world.desk_b, "NOT-MINE", photo=False)
    verified_login(client, world.inv_a)
    unlock(client)
    page = client.get(reverse("tips_admin:index")).content.decode()
    assert all(f"PREVIEW-{i}" in page for i in range(3))
    entries = list(_previews())
    assert sorted(e.object_id for e in entries) == sorted(str(t.pk) for t in mine)
    assert str(other.pk) not in {e.object_id for e in entries}
    assert {e.user for e in entries} == {world.inv_a}
    assert all("PREVIEW" not in e.label and not e.data for e in entries)
    # The in-place refresh of the results decrypts again: recorded again.
    client.get(reverse("tips_admin:index_results"))
    assert _previews().count() == 6


def test_a_locked_queue_decrypts_nothing_and_records_no_preview(client, world):
    submit_tip(world.desk_a, "LOCKED", photo=False)
    verified_login(client, world.inv_a)
    page = client.get(reverse("tips_admin:index")).content.decode()
    assert "LOCKED" not in page
    assert not _previews().exists()


def test_supervisor_sees_the_previews_in_the_tips_audit(client, world):
    tip = submit_tip(world.desk_a, "AUDITED", photo=False)
    verified_login(client, world.inv_a)
    unlock(client)
    client.get(reverse("tips_admin:index"))
    verified_login(client, world.supervisor)
    page = client.get(reverse("tips_admin:audit") + f"?tip={tip.pk}").content.decode()
    from django.utils import translation

    from tips.admin.audit_display import action_label

    with translation.override("fr"):  # the admin's language here
        assert action_label("tips.preview_decrypt") in page
