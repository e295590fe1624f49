"""Every periodic job of the site (appeals, Wagtail, the tip line) in one command, for one
timer or one cron line: the project's own command, since it runs every app's jobs.

Each job runs even when an earlier one failed; a failure is logged by exception class only
(messages can carry data) and makes the command exit non-zero at the end, so the timer or
the scheduler shows it.
"""

from __future__ import annotations

import logging
from io import StringIO

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

logger = logging.getLogger(__name__)

#: (command, options), in order: publish before withdrawing, purge before re-notifying.
JOBS = (
    ("publish_scheduled", {}),
    ("withdraw_resolved_appeals", {}),
    ("purge_tips", {}),
    ("purge_uploads", {}),
    ("requeue_notifications", {}),
)


class Command(BaseCommand):
    help = (
        "Run the scheduled jobs (publish_scheduled, withdraw_resolved_appeals, purge_tips, "
        "purge_uploads, requeue_notifications), each one even if another fails. "
        "Schedule every few minutes."
    )

    def handle(self, *args, **options):
        failed = []
        for name, job_options in JOBS:
            out = StringIO()
            try:
                call_command(name, stdout=out, stderr=out, **job_options)
            except Exception as exc:
                failed.append(name)
                logger.error("scheduled job %s failed: %s", name, type(exc).__name__)
                self.stderr.write(f"{name}: failed ({type(exc).__name__})")
                continue
            summary = " ".join(out.getvalue().split())
            self.stdout.write(f"{name}: {summary or 'done'}")
        if failed:
            raise CommandError(f"{len(failed)} scheduled job(s) failed: {', '.join(failed)}")
