"""Resolved appeals are withdrawn after APPEAL_WITHDRAW_DAYS, photos deleted from storage."""

import pytest
from django.core.management import call_command
from django.db import transaction
from wagtail.images import get_image_model

from appeals.models import AppealPage

from .conftest import days_ago


@pytest.fixture
def run_on_commit(monkeypatch):
    """Wagtail deletes files on commit; tests run inside a transaction, so run it at once."""
    monkeypatch.setattr(transaction, "on_commit", lambda func, *a, **k: func())


def test_withdraw_unpublishes_resolved_appeals_past_the_delay(make_appeal, settings, run_on_commit):
    settings.APPEAL_WITHDRAW_DAYS = 30
    old = make_appeal(photos=2, status="arrested", status_changed_on=days_ago(31))
    old_nl = make_appeal(
        lang="nl", translation_of=old, status="arrested", status_changed_on=days_ago(31)
    )
    recent = make_appeal(photos=1, status="identified", status_changed_on=days_ago(5))
    active = make_appeal(photos=1, status="active", status_changed_on=days_ago(400))
    closed = make_appeal(photos=1, status="closed", status_changed_on=days_ago(400))

    images = [p.image for p in old.photos.all()]
    for image in images:
        image.get_rendition("width-40")
    files = [image.file.name for image in images]
    renditions = [r.file.name for image in images for r in image.renditions.all()]
    storage = images[0].file.storage
    assert all(storage.exists(name) for name in files + renditions)

    call_command("withdraw_resolved_appeals")

    live = set(AppealPage.objects.live().values_list("pk", flat=True))
    assert old.pk not in live and old_nl.pk not in live
    assert {recent.pk, active.pk, closed.pk} <= live
    assert not get_image_model().objects.filter(pk__in=[i.pk for i in images]).exists()
    assert not any(storage.exists(name) for name in files + renditions)
    assert recent.photos.count() == 1


def test_withdraw_delay_is_configurable(make_appeal, settings, run_on_commit):
    page = make_appeal(status="arrested", status_changed_on=days_ago(3))
    settings.APPEAL_WITHDRAW_DAYS = 5
    call_command("withdraw_resolved_appeals")
    assert AppealPage.objects.get(pk=page.pk).live
    settings.APPEAL_WITHDRAW_DAYS = 2
    call_command("withdraw_resolved_appeals")
    assert not AppealPage.objects.get(pk=page.pk).live


def test_dry_run_changes_nothing(make_appeal, run_on_commit):
    page = make_appeal(photos=1, status="arrested", status_changed_on=days_ago(90))
    call_command("withdraw_resolved_appeals", "--dry-run")
    assert AppealPage.objects.get(pk=page.pk).live
    assert page.photos.count() == 1
