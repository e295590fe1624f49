"""Info-only readers expire and can be removed (issue 14)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tips.models import TipAuditEntry, TipReader
from tips.permissions import tip_policy

from .conftest import submit_tip, verified_login

pytestmark = pytest.mark.django_db


def test_reader_access_ends_at_expiry(world, settings):
    settings.TIP_READER_DAYS = 30
    tip = submit_tip(world.desk_a, "shared")
    entry = TipReader.objects.create(tip=tip, user=world.inv_b, granted_by=world.inv_a)
    assert timedelta(days=29) < entry.expires_at - timezone.now() <= timedelta(days=30)
    assert tip_policy.can_view(world.inv_b, tip)
    TipReader.objects.filter(pk=entry.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    tip_policy.forget(world.inv_b)
    assert not tip_policy.can_view(world.inv_b, tip)
    assert not tip_policy.can_decrypt(world.inv_b, tip)


def test_a_desk_member_removes_a_reader_and_an_editor_cannot(client, world):
    tip = submit_tip(world.desk_a, "shared")
    TipReader.objects.create(tip=tip, user=world.inv_b, granted_by=world.inv_a)
    url = reverse("tips_admin:remove_reader", args=[tip.pk, world.inv_b.pk])
    verified_login(client, world.inv_b)  # the reader cannot keep themself... nor remove others
    verified_login(client, world.inv_a2)
    page = client.get(reverse("tips_admin:detail", args=[tip.pk]))
    assert url in page.content.decode()
    assert client.post(url).status_code == 302
    assert not TipReader.objects.filter(tip=tip).exists()
    assert TipAuditEntry.objects.filter(action="tips.reader_removed").exists()


def test_someone_outside_the_desk_cannot_remove_a_reader(client, world):
    tip = submit_tip(world.desk_a, "shared")
    TipReader.objects.create(tip=tip, user=world.reader, granted_by=world.inv_a)
    verified_login(client, world.inv_b)
    client.post(reverse("tips_admin:remove_reader", args=[tip.pk, world.reader.pk]))
    assert TipReader.objects.filter(tip=tip).exists()
