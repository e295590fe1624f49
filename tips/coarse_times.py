"""Stored times about a tip or a tipster's action, kept only to the minute (like
``Tip.received_at``), so a copy of the database cannot line a tip up with an access log or a
network trace to the second.

* the notification task's rows (django-tasks database backend): ``enqueued_at``,
  ``started_at`` and ``finished_at`` rounded down after every save, no traceback text (the
  exception class is kept), and a row is deleted as soon as its task succeeds (failed rows
  go at the next ``requeue_notifications``, after it has re-queued their tip);
* audit entries of the tipster's own actions (no user): their timestamp rounded down.

``Tip.notify_claimed_at``/``notified_at`` are rounded where they are written (tips.tasks).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models.signals import post_save
from django_tasks.signals import task_finished
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

#: Comparisons against a rounded time lose up to this much: cut-offs widen by it.
SLACK = timedelta(seconds=60)
NOTIFY_TASK_PATH = "tips.tasks.notify_desk_new_tip"


def to_minute(moment: datetime | None) -> datetime | None:
    return moment.replace(second=0, microsecond=0) if moment is not None else None


def _round_task_row(sender, instance, **kwargs):
    if instance.task_path != NOTIFY_TASK_PATH:
        return
    # A queryset update: no second post_save, and the worker's in-memory row is left alone.
    sender.objects.filter(pk=instance.pk).update(
        enqueued_at=to_minute(instance.enqueued_at),
        started_at=to_minute(instance.started_at),
        finished_at=to_minute(instance.finished_at),
        traceback="",
    )


def _drop_finished_task_row(sender, task_result, **kwargs):
    backend = sender if isinstance(sender, type) else type(sender)  # the worker sends either
    if not issubclass(backend, DatabaseBackend):
        return  # another backend keeps no rows
    if task_result.status == TaskResultStatus.SUCCESSFUL:
        DBTaskResult.objects.filter(pk=task_result.id, task_path=NOTIFY_TASK_PATH).delete()


def prune_finished_task_rows() -> int:
    """Delete every finished notification task row; returns how many."""
    finished = [TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED]
    deleted, _ = DBTaskResult.objects.filter(
        task_path=NOTIFY_TASK_PATH, status__in=finished
    ).delete()
    return deleted


def round_tipster_entry(entry) -> None:
    """Round the timestamp of an audit entry the tipster caused (no user)."""
    if entry is None or entry.user_id is not None:
        return
    type(entry).objects.filter(pk=entry.pk).update(timestamp=to_minute(entry.timestamp))
    entry.timestamp = to_minute(entry.timestamp)


def connect() -> None:
    post_save.connect(_round_task_row, sender=DBTaskResult, dispatch_uid="tips.coarse_task_row")
    task_finished.connect(_drop_finished_task_row, dispatch_uid="tips.drop_finished_task_row")
