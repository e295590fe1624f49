"""``run_scheduled_jobs``: every periodic job runs, with its real effect, and one failing job
does not stop the others."""

import logging
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from appeals.models import AppealPage
from tests.appeals.conftest import days_ago, make_appeal, site_tree  # noqa: F401 - fixtures
from tips import services
from tips.keys import active_desk_key
from tips.models import Tip, TipStatus


@pytest.fixture
def run_on_commit(monkeypatch):
    """Wagtail deletes files on commit; tests run inside a transaction, so run it at once."""
    monkeypatch.setattr(transaction, "on_commit", lambda func, *a, **k: func())


def _tip(desk, **fields):
    tip = services.tip_submit(
        desk_key=active_desk_key(desk), fields={"what": "seen at the market"}, language="fr"
    ).tip
    Tip.objects.filter(pk=tip.pk).update(**fields)
    return tip


@pytest.fixture
def due_work(ready_desk, make_appeal, settings):  # noqa: F811 - fixture from tests.appeals
    settings.APPEAL_WITHDRAW_DAYS = 30
    settings.TIP_NOTIFY_RETRY_AFTER_SECONDS = 120
    scheduled = make_appeal(live=False)
    scheduled.save_revision(approved_go_live_at=timezone.now() - timedelta(minutes=1))
    resolved = make_appeal(status="arrested", status_changed_on=days_ago(31))
    long_ago = timezone.now() - timedelta(days=400)
    expired = _tip(ready_desk["desk"], status=TipStatus.CLOSED_SPAM, closed_at=long_ago)
    unnotified = _tip(ready_desk["desk"], received_at=timezone.now() - timedelta(minutes=10))
    return {
        "scheduled": scheduled,
        "resolved": resolved,
        "expired": expired,
        "unnotified": unnotified,
    }


def test_every_job_runs(due_work, run_on_commit):
    out = StringIO()
    call_command("run_scheduled_jobs", stdout=out)
    assert AppealPage.objects.get(pk=due_work["scheduled"].pk).live  # publish_scheduled
    assert not AppealPage.objects.get(pk=due_work["resolved"].pk).live  # withdraw
    assert not Tip.objects.filter(pk=due_work["expired"].pk).exists()  # purge_tips
    unnotified = Tip.objects.get(pk=due_work["unnotified"].pk)
    assert unnotified.notified_at is not None  # requeue_notifications
    assert [m.subject.split()[-2] for m in mail.outbox] == [unnotified.reference]
    lines = out.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "publish_scheduled",
        "withdraw_resolved_appeals",
        "purge_tips",
        "purge_uploads",
        "requeue_notifications",
    ]


def test_a_failing_job_does_not_stop_the_others(due_work, run_on_commit, monkeypatch, caplog):
    from tips import retention

    def broken(**kwargs):
        raise RuntimeError("secret detail that must not be logged")

    monkeypatch.setattr(retention, "purge_expired", broken)
    with caplog.at_level(logging.ERROR), pytest.raises(CommandError, match="purge_tips"):
        call_command("run_scheduled_jobs", stdout=StringIO(), stderr=StringIO())
    assert Tip.objects.filter(pk=due_work["expired"].pk).exists()  # the broken job
    assert AppealPage.objects.get(pk=due_work["scheduled"].pk).live  # before it
    assert Tip.objects.get(pk=due_work["unnotified"].pk).notified_at is not None  # after it
    assert "RuntimeError" in caplog.text and "secret detail" not in caplog.text
