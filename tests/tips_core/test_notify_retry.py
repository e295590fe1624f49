"""The notification task's claim (sent at most once, released on failure) and
``requeue_notifications`` (stale claims released, unnotified tips queued again)."""

from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from tips import services
from tips.keys import active_desk_key
from tips.models import Tip
from tips.tasks import notify_desk_new_tip


def _tip(desk, *, age_seconds=600):
    """A stored tip whose notification was lost (no on-commit callback ran)."""
    tip = services.tip_submit(
        desk_key=active_desk_key(desk), fields={"what": "seen at the market"}, language="fr"
    ).tip
    Tip.objects.filter(pk=tip.pk).update(
        received_at=timezone.now() - timedelta(seconds=age_seconds)
    )
    return tip


def test_claimed_tip_is_not_sent_by_a_second_task(ready_desk):
    tip = _tip(ready_desk["desk"])
    Tip.objects.filter(pk=tip.pk).update(notify_claimed_at=timezone.now())  # another worker
    assert notify_desk_new_tip.call(tip.pk) == 0
    assert mail.outbox == []


def test_send_failure_releases_the_claim_and_a_retry_sends(ready_desk):
    tip = _tip(ready_desk["desk"])
    with (
        mock.patch("tips.tasks.send_mass_mail", side_effect=ConnectionRefusedError),
        pytest.raises(ConnectionRefusedError),
    ):
        notify_desk_new_tip.call(tip.pk)
    tip.refresh_from_db()
    assert tip.notify_claimed_at is None and tip.notified_at is None
    assert notify_desk_new_tip.call(tip.pk) == 1
    tip.refresh_from_db()
    assert tip.notified_at is not None
    assert notify_desk_new_tip.call(tip.pk) == 0
    assert len(mail.outbox) == 1


def test_requeue_sends_lost_and_dead_notifications_once(ready_desk, settings):
    settings.TIP_NOTIFY_RETRY_AFTER_SECONDS = 120
    desk = ready_desk["desk"]
    lost = _tip(desk)  # never queued
    dead = _tip(desk)  # its worker died while sending: claimed long ago
    Tip.objects.filter(pk=dead.pk).update(notify_claimed_at=timezone.now() - timedelta(hours=1))
    sending = _tip(desk)  # another worker is sending right now
    Tip.objects.filter(pk=sending.pk).update(notify_claimed_at=timezone.now())
    recent = _tip(desk, age_seconds=5)  # its own task is still due to run
    out = StringIO()
    call_command("requeue_notifications", stdout=out)  # immediate backend: sends now
    assert "1 stale claim(s) released, 2 notification(s) queued again" in out.getvalue()
    assert len(mail.outbox) == 2
    assert {t.reference for t in (lost, dead)} == {m.subject.split()[-2] for m in mail.outbox}
    notified = set(Tip.objects.filter(notified_at__isnull=False).values_list("pk", flat=True))
    assert notified == {lost.pk, dead.pk}
    assert recent.pk not in notified and sending.pk not in notified
    call_command("requeue_notifications", stdout=StringIO())
    assert len(mail.outbox) == 2  # nothing sent twice


def test_requeue_marks_dead_database_tasks_failed(ready_desk, settings):
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    tip = _tip(ready_desk["desk"])
    result = notify_desk_new_tip.enqueue(tip.pk)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - timedelta(hours=1)
    )
    Tip.objects.filter(pk=tip.pk).update(notify_claimed_at=timezone.now() - timedelta(hours=1))
    out = StringIO()
    call_command("requeue_notifications", stdout=out)
    assert out.getvalue().startswith("1 dead notification task(s) marked failed, 1 stale")
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.FAILED and row.finished_at is not None
    assert row.task_result.errors  # readable by the tasks admin
    (queued,) = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert queued.args_kwargs["args"] == [tip.pk]
    # Already queued: a second run does not queue it again.
    call_command("requeue_notifications", stdout=StringIO())
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1
