"""The queue shows 50 tips a page: the viewset's ``list_per_page`` (Wagtail's default 20
would override the view's ``paginate_by``)."""

import datetime as dt
import os

import pytest
from django.urls import reverse
from django.utils import timezone

from tips import keys
from tips.admin import counts
from tips.admin.queue import PER_PAGE
from tips.models import Tip, TipPriority, TipStatus

from .conftest import verified_login
from .test_queue_display import _row_refs


def _bulk_tips(desk, total):
    """Tips with opaque ciphertexts (the locked listing shows metadata only), as the bench."""
    desk_key = keys.active_desk_key(desk)
    recovery = keys.active_recovery_key()
    now = timezone.now()
    Tip.objects.bulk_create(
        Tip(
            reference=f"T-{i:06d}",
            desk=desk,
            desk_key=desk_key,
            recovery_key=recovery,
            suite=desk_key.suite,
            ciphertext=os.urandom(1400),
            received_at=now - dt.timedelta(minutes=i),
            status=TipStatus.NEW,
            priority=TipPriority.NORMAL,
            language="fr",
            document_size=1400,
            receipt_digest=os.urandom(32),
            receipt_salt=os.urandom(16),
            receipt_public_key=os.urandom(32),
            receipt_suite=desk_key.suite,
        )
        for i in range(total)
    )
    counts.invalidate()  # bulk_create sends no signal


@pytest.mark.django_db
def test_a_desk_with_60_tips_shows_50_then_10(client, world):
    assert PER_PAGE == 50
    _bulk_tips(world.desk_a, 60)
    verified_login(client, world.inv_a)
    url = reverse("tips_admin:index") + "?ordering=-received_at"

    first = _row_refs(client.get(url).content.decode())
    second = _row_refs(client.get(url + "&p=2").content.decode())

    assert len(first) == 50
    assert len(second) == 10
    assert not set(first) & set(second)
    newest_first = Tip.objects.filter(desk=world.desk_a).order_by("-received_at")
    assert first + second == [t.reference for t in newest_first]
