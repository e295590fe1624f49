"""A notification worker killed (SIGKILL) while sending: ``requeue_notifications`` marks the
dead task failed and queues the notification again, the next worker sends it, exactly once
for the tip, and it never carries the tip's content."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from .harness import ROOT, run_django
from .test_backup_restore import SUBMIT_CODE

pytestmark = pytest.mark.services

STATUS_CODE = r"""
from django_tasks_db.models import DBTaskResult
print(json.dumps(sorted(set(DBTaskResult.objects.values_list("status", flat=True)))))
"""

# Tips of earlier fault tests (a database stopped mid-notification...) are not this test's:
# mark them notified so only this test's tip can be queued again.
SETTLE_CODE = r"""
from django.utils import timezone
from tips.models import Tip
n = Tip.objects.filter(notified_at__isnull=True).update(notified_at=timezone.now())
print(json.dumps(n))
"""

REQUEUE_CODE = r"""
from django.core.management import call_command
from tips.models import Tip
call_command("requeue_notifications", retry_after=0)
print(json.dumps({"unnotified": Tip.objects.filter(notified_at__isnull=True).count()}))
"""


def _worker(env, log):
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )


def _mails(mail_dir):
    return [p.read_text(errors="replace") for p in sorted(mail_dir.glob("*")) if p.is_file()]


def _wait(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_worker_killed_while_sending(stack, tmp_path):
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = stack.env(
        redis=False,
        RELIABILITY_TASKS="db",
        RELIABILITY_MAIL_DIR=str(mail_dir),
        RELIABILITY_MAIL_BACKEND="tests.reliability.slow_mail.SlowFileBackend",
        RELIABILITY_MAIL_DELAY="3",
    )
    run_django(SETTLE_CODE, env)
    run_django(SUBMIT_CODE, env, "WORKER-CANARY the content must never be mailed")
    marker = tmp_path / "sending"
    with open(tmp_path / "worker.log", "ab") as log:
        first = _worker(env, log)
        try:
            assert _wait(marker.exists, 60), "the worker never started sending"
            first.send_signal(signal.SIGKILL)  # mid-send
            first.wait(timeout=10)
        finally:
            if first.poll() is None:
                first.kill()
        assert not _mails(mail_dir), "sent although the worker was killed before sending"
        assert run_django(STATUS_CODE, env) == ["RUNNING"]  # stuck: nobody would retry it
        assert run_django(REQUEUE_CODE, env) == {"unnotified": 1}
        assert run_django(STATUS_CODE, env) == ["FAILED", "READY"]
        second = _worker(env, log)
        try:
            sent = _wait(lambda: bool(_mails(mail_dir)), 30)
            # A second run of the command and of the task must not send again.
            run_django(REQUEUE_CODE, env)
            time.sleep(1.5)  # a duplicate would show up now
        finally:
            second.send_signal(signal.SIGTERM)
            try:
                second.wait(timeout=10)
            except subprocess.TimeoutExpired:
                second.kill()
    mails = _mails(mail_dir)
    for mail in mails:
        assert "WORKER-CANARY" not in mail, "a notification carried tip content"
    assert sent, "the notification was not sent again after requeue_notifications"
    assert len(mails) == 1, f"{len(mails)} notification files for one tip"
