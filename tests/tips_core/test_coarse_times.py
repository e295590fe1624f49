"""Stored times about a tip or a tipster's action are kept to the minute, and finished
notification task rows do not stay (issue 15: times that tell nothing)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tips import audit, services
from tips.keys import active_desk_key
from tips.models import Tip
from tips.models import TipAuditEntry as ModelLogEntry  # issue 14: own table
from tips.tasks import notify_desk_new_tip


def _on_the_minute(moment):
    return moment is not None and moment.second == 0 and moment.microsecond == 0


def _tip(desk):
    return services.tip_submit(
        desk_key=active_desk_key(desk), fields={"what": "seen at the market"}, language="fr"
    ).tip


def test_notification_times_are_rounded(ready_desk):
    tip = _tip(ready_desk["desk"])
    assert notify_desk_new_tip.call(tip.pk) >= 0
    tip.refresh_from_db()
    assert _on_the_minute(tip.notified_at) and _on_the_minute(tip.notify_claimed_at)


def test_task_rows_rounded_without_traceback_and_pruned(ready_desk, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    tip = _tip(ready_desk["desk"])
    DBTaskResult.objects.all().delete()
    result = notify_desk_new_tip.enqueue(tip.pk)
    row = DBTaskResult.objects.get(pk=result.id)
    assert _on_the_minute(row.enqueued_at)

    # A failure keeps the exception class only, never the text of the traceback.
    row.claim("w1")
    row.set_failed(ValueError("text that must not be stored"))
    row.refresh_from_db()
    assert _on_the_minute(row.started_at) and _on_the_minute(row.finished_at)
    assert row.traceback == "" and row.exception_class_path == "builtins.ValueError"
    assert "must not be stored" not in str(DBTaskResult.objects.filter(pk=row.pk).values())

    # The next scheduled run deletes the finished row (its tip is queued again).
    call_command("requeue_notifications", stdout=StringIO())
    assert not DBTaskResult.objects.filter(pk=row.pk).exists()


# db_worker closes the connection after its batch (PostgreSQL): a transactional test reconnects.
@pytest.mark.django_db(transaction=True)
def test_a_successful_task_row_is_deleted_when_it_finishes(ready_desk, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    tip = _tip(ready_desk["desk"])
    DBTaskResult.objects.all().delete()
    notify_desk_new_tip.enqueue(tip.pk)
    call_command("db_worker", batch=True, stdout=StringIO(), stderr=StringIO())
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).exists()
    assert Tip.objects.get(pk=tip.pk).notified_at is not None


def test_audit_entries_of_the_tipster_are_rounded(ready_desk, django_user_model):
    tip = _tip(ready_desk["desk"])
    tipster = audit.record(tip, "tips.followup.tipster_deleted", data={"messages": 1})
    assert _on_the_minute(ModelLogEntry.objects.get(pk=tipster.pk).timestamp)
    user = django_user_model.objects.create_user("inv", "inv@example.org", "x")
    desk_side = audit.record(tip, "tips.view", user=user)
    # An investigator's action keeps its exact time (supervision needs it).
    assert ModelLogEntry.objects.get(pk=desk_side.pk).timestamp == desk_side.timestamp
