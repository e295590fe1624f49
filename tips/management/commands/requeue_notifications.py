"""Queue desk notifications again for tips that were never notified (schedule it, e.g. every
few minutes: ``run_scheduled_jobs`` runs it).

A notification worker killed while sending leaves the tip claimed and, with the database
task backend, its task RUNNING forever. After ``TIP_NOTIFY_RETRY_AFTER_SECONDS`` (default
120) this command (``tips.tasks.requeue_notifications``) marks such task rows failed,
releases the stale claims and queues the notification of every tip received that long ago
and still not notified. The task sends at
most once per tip (see ``tips.tasks.notify_desk_new_tip``), so queueing it again is safe.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

# The retry logic lives with the task it retries; WorkerLost stays importable here (task
# rows marked before the move name it by this module's path).
from tips.tasks import WorkerLost, requeue_notifications  # noqa: F401


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
