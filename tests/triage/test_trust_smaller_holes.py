"""Smaller holes of issue 14 in the desk's admin: canned questions only for one's own desks,
and the "duplicate of" error tells nothing about references on other desks."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tips import triage
from tips.models import CannedQuestion, TipStatus

from .conftest import submit_tip, verified_login

pytestmark = pytest.mark.django_db


def test_canned_question_for_another_desk_is_refused(client, world):
    verified_login(client, world.inv_b)
    url = reverse("wagtailsnippets_tips_cannedquestion:add")
    client.post(url, {"desk": world.desk_a.pk, "text": "Planted question for desk A?"})
    assert not CannedQuestion.objects.exists()
    client.post(url, {"desk": world.desk_b.pk, "text": "Which car was it?"})
    assert CannedQuestion.objects.filter(desk=world.desk_b).exists()


def _error(tip, actor, original):
    triage.tip_set_status(tip=tip, actor=actor, status=TipStatus.IN_REVIEW)
    with pytest.raises(ValidationError) as info:
        triage.tip_set_status(
            tip=tip, actor=actor, status=TipStatus.CLOSED_DUPLICATE, duplicate_of=original
        )
    return info.value.messages


def test_duplicate_of_error_is_the_same_for_unknown_and_other_desk(world):
    tip = submit_tip(world.desk_a, "one")
    other_desk = submit_tip(world.desk_b, "two")
    assert _error(tip, world.inv_a, None) == _error(tip, world.inv_a, other_desk)


def test_menu_shows_tip_counts_only_after_the_second_factor(client, world):
    from django.test import RequestFactory
    from django_otp.middleware import OTPMiddleware

    from tips.wagtail_hooks import TipMenuItem

    submit_tip(world.desk_a, "counted")
    item = TipMenuItem("New", "tips_admin:index", status="new")
    request = RequestFactory().get("/admin/")
    request.user = world.inv_a
    OTPMiddleware(lambda r: None)(request)
    request.session = {}
    item.render_component(request)
    assert item.label == "New"
    device = verified_login(client, world.inv_a)
    request.user.otp_device = device
    item.render_component(request)
    assert item.label == "New (1)"


def test_tip_audit_trail_is_out_of_wagtails_site_history(client, world):
    from django.contrib.auth import get_user_model
    from wagtail.models import ModelLogEntry as WagtailLogEntry

    from tips.models import TipAuditEntry

    tip = submit_tip(world.desk_a, "audited")
    verified_login(client, world.inv_a)
    client.get(reverse("tips_admin:detail", args=[tip.pk]))
    assert TipAuditEntry.objects.filter(action="tips.view", object_id=str(tip.pk)).exists()
    assert not WagtailLogEntry.objects.filter(action__startswith="tips.").exists()
    root = get_user_model().objects.create_superuser("root", "root@example.org", "x" * 16)
    verified_login(client, root)
    history = client.get(reverse("wagtailadmin_reports:site_history"))
    assert history.status_code == 200 and tip.reference not in history.content.decode()
    # The Tips audit log: supervisors only (a superuser without the role gets nothing).
    assert client.get(reverse("tips_admin:audit")).status_code in (302, 403)
    verified_login(client, world.supervisor)
    page = client.get(reverse("tips_admin:audit"))
    assert page.status_code == 200 and tip.reference in page.content.decode()


def test_duplicate_of_answer_in_the_admin_is_the_same_for_unknown_and_other_desk(client, world):
    """Through the tip page: the answer for a reference on another desk is the answer for a
    reference that does not exist (status, page, message), so it tells nothing."""
    tip = submit_tip(world.desk_a, "one", photo=False)
    other_desk = submit_tip(world.desk_b, "two", photo=False)
    triage.tip_set_status(tip=tip, actor=world.inv_a, status=TipStatus.IN_REVIEW)
    verified_login(client, world.inv_a)
    url = reverse("tips_admin:action", args=[tip.pk])
    answers = []
    for ref in ("ZZZZ-0000-NOPE", other_desk.reference):
        data = {"action": "status", "status": TipStatus.CLOSED_DUPLICATE, "duplicate_of": ref}
        response = client.post(url, data, follow=True)
        shown = [str(m) for m in response.context["messages"]]
        answers.append((response.status_code, response.redirect_chain, shown))
    assert answers[0] == answers[1]
    assert len(answers[0][2]) == 1  # one error, the same words
    assert other_desk.reference not in str(answers[1])
    tip.refresh_from_db()
    assert tip.status == TipStatus.IN_REVIEW and tip.duplicate_of is None
