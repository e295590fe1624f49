"""Background tasks of the tip line (django-tasks).

Task payloads carry database ids only, never tip content.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import TaskResultStatus, task_backends
from django_tasks_db.models import DBTaskResult

from .coarse_times import SLACK, prune_finished_task_rows, to_minute
from .models import Tip
from .selectors import desk_members

logger = logging.getLogger(__name__)


def tip_admin_url(tip) -> str:
    """Absolute admin URL of ``tip`` (the queue's detail view, else the admin home)."""
    path = None
    for name in settings.TIP_ADMIN_URL_NAMES:
        try:
            path = reverse(name, args=[tip.pk])
            break
        except NoReverseMatch:
            continue
    if path is None:
        path = reverse("wagtailadmin_home")
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


@task()
def notify_desk_new_tip(tip_id: int) -> int:
    """E-mail the desk's active members that a tip arrived: reference, priority and an
    admin link only, never content. Returns the number of e-mails sent.

    Sent at most once per tip: the task first claims the tip with one atomic UPDATE
    (``notify_claimed_at``, only while unclaimed and not notified), so a second task for the
    same tip sends nothing, and no transaction or row lock is held while the mail server is
    slow. After sending, ``notified_at`` is set. If sending fails the claim is released so a
    retry sends. A worker killed while sending leaves the claim: ``requeue_notifications``
    releases claims older than ``TIP_NOTIFY_RETRY_AFTER_SECONDS`` and queues the tip again.
    """
    # Times about a tip only to the minute (tips.coarse_times); the claim is still unique
    # enough: a stale claim is released only after TIP_NOTIFY_RETRY_AFTER_SECONDS + 60 s.
    claim = to_minute(timezone.now())
    unsent = Tip.objects.filter(pk=tip_id, notified_at__isnull=True)
    if not unsent.filter(notify_claimed_at__isnull=True).update(notify_claimed_at=claim):
        return 0  # already notified, being notified, or gone
    mine = Tip.objects.filter(pk=tip_id, notify_claimed_at=claim, notified_at__isnull=True)
    try:
        tip = Tip.objects.select_related("desk").get(pk=tip_id)
        recipients = [u.email for u in desk_members(tip.desk) if u.email]
        with translation.override(settings.LANGUAGE_CODE):
            priority = str(tip.get_priority_display())
            subject = _("New tip %(reference)s (%(priority)s)") % {
                "reference": tip.reference,
                "priority": priority,
            }
            body = _(
                "A new tip has arrived for the desk %(desk)s.\n\n"
                "Reference: %(reference)s\nPriority: %(priority)s\n\n"
                "Read it in the vault: %(url)s\n\n"
                "This e-mail never contains the content of a tip."
            ) % {
                "desk": tip.desk.name,
                "reference": tip.reference,
                "priority": priority,
                "url": tip_admin_url(tip),
            }
        messages = [(subject, body, None, [address]) for address in recipients]
        sent = send_mass_mail(messages, fail_silently=False) if messages else 0
    except BaseException:
        # Not sent (or not known to be sent): release the claim so a retry sends.
        mine.update(notify_claimed_at=None)
        raise
    mine.update(notified_at=to_minute(timezone.now()))
    return sent


# --------------------------------------------------------------------------- retries
# Run by ``manage.py requeue_notifications`` (and ``run_scheduled_jobs``).

TASK_PATH = "tips.tasks.notify_desk_new_tip"


class WorkerLost(Exception):
    """Recorded on a notification task whose worker stopped while running it."""


def _uses_database_backend() -> bool:
    return isinstance(task_backends["default"], DatabaseBackend)


def fail_stale_tasks(cutoff) -> tuple[int, set[int]]:
    """Mark notification task rows RUNNING since before ``cutoff`` as failed (their worker
    died). Returns (rows marked, ids of the tips with a notification still queued)."""
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
    from .services import _queue_notification  # cycle: services queues these tasks

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
