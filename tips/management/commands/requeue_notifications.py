"""Queue desk notifications again for tips that were never notified (schedule it, e.g. every
few minutes: ``run_scheduled_jobs`` runs it).

A notification worker killed while sending leaves the tip claimed and, with the database
task backend, its task RUNNING forever. After ``TIP_NOTIFY_RETRY_AFTER_SECONDS`` (default
120) this command marks such task rows failed, releases the stale claims and queues the
notification of every tip received that long ago and still not notified. The task sends at
most once per tip (see ``tips.tasks.notify_desk_new_tip``), so queueing it again is safe.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from tips.coarse_times import SLACK, prune_finished_task_rows, to_minute
from tips.models import Tip

TASK_PATH = "tips.tasks.notify_desk_new_tip"


class WorkerLost(Exception):
    """Recorded on a notification task whose worker stopped while running it."""


def _uses_database_backend() -> bool:
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.compat import task_backends

    return isinstance(task_backends["default"], DatabaseBackend)


def fail_stale_tasks(cutoff) -> tuple[int, set[int]]:
    """Mark notification task rows RUNNING since before ``cutoff`` as failed (their worker
    died). Returns (rows marked, ids of the tips with a notification still queued)."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    tasks = DBTaskResult.objects.filter(task_path=TASK_PATH)
    failed = tasks.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff).update(
        status=TaskResultStatus.FAILED,
        finished_at=to_minute(timezone.now()),
        exception_class_path=f"{__name__}.{WorkerLost.__qualname__}",
        traceback="",
    )
    queued = set()
    for args_kwargs in tasks.filter(
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    ).values_list("args_kwargs", flat=True):
        args = (args_kwargs or {}).get("args") or []
        if args and isinstance(args[0], int):
            queued.add(args[0])
    return failed, queued


def requeue_notifications(retry_after: int | None = None) -> dict:
    """Fail dead notification tasks, release stale claims, queue unnotified tips again."""
    from tips.services import _queue_notification

    if retry_after is None:
        retry_after = settings.TIP_NOTIFY_RETRY_AFTER_SECONDS
    cutoff = timezone.now() - timedelta(seconds=retry_after)
    # Claims and task start times are stored rounded down to the minute: widen the cut-off
    # (not when the operator asks for no delay at all: then everything unsent is due).
    coarse_cutoff = cutoff - SLACK if retry_after else cutoff
    database = _uses_database_backend()
    # Rows finished before this run (failed ones were re-queued by then) go first; a row this
    # run marks failed stays, readable in the tasks admin, until the next run.
    pruned = prune_finished_task_rows() if database else 0
    failed, queued = fail_stale_tasks(coarse_cutoff) if database else (0, set())
    unsent = Tip.objects.filter(notified_at__isnull=True)
    released = unsent.filter(notify_claimed_at__lt=coarse_cutoff).update(notify_claimed_at=None)
    due = (
        unsent.filter(received_at__lte=cutoff)
        .filter(notify_claimed_at__isnull=True)
        .exclude(pk__in=queued)
        .values_list("pk", "priority")
    )
    requeued = 0
    for pk, priority in due.iterator():
        _queue_notification(pk, priority == "urgent")
        requeued += 1
    return {
        "failed_tasks": failed,
        "released_claims": released,
        "requeued": requeued,
        "pruned_task_rows": pruned,
    }


class Command(BaseCommand):
    help = (
        "Queue desk notifications again for tips not notified after "
        "TIP_NOTIFY_RETRY_AFTER_SECONDS; mark notification tasks whose worker died as failed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--retry-after",
            type=int,
            default=None,
            help="seconds (default: the TIP_NOTIFY_RETRY_AFTER_SECONDS setting)",
        )

    def handle(self, *args, retry_after=None, **options):
        report = requeue_notifications(retry_after)
        self.stdout.write(
            "{failed_tasks} dead notification task(s) marked failed, {released_claims} stale "
            "claim(s) released, {requeued} notification(s) queued again, {pruned_task_rows} "
            "finished task row(s) deleted".format(**report)
        )
