"""Desk health: what a supervisor sees (key version, readers, last rotation, unread and
urgent counts), the dashboard warning, and ``/healthz`` warnings that name nothing internal."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.tips_core.helpers import make_tip_line_ready
from tests.triage.conftest import (  # noqa: F401 - fixtures
    make_user,
    verified_login,
    world,
)
from tips import health, keys, services
from tips.keys import active_desk_key
from tips.models import DeskMembership, TipLineSettings


def _submit(desk, *, urgent=False):
    return services.tip_submit(
        desk_key=active_desk_key(desk), fields={"what": "seen"}, urgent=urgent, language="fr"
    )


def _row(desk):
    (row,) = [r for r in health.desk_health() if r.desk.pk == desk.pk]
    return row


def test_desk_health_reports_key_readers_rotation_and_counts(make_desk):
    desk = make_desk("Counted desk")
    reader = make_tip_line_ready(desk)
    _submit(desk)
    _submit(desk, urgent=True)
    row = _row(desk)
    assert row.key_version == 1 and row.rotated_at is not None
    assert row.readers == [reader.username] and row.members == 1
    assert (row.unread, row.urgent) == (2, 1)
    assert row.receives_general and row.receives_tips and not row.alert
    keys.rotate_desk_key(desk)
    assert _row(desk).key_version == 2
    assert health.tip_line_warnings() == []


def test_desk_whose_last_reader_left_is_an_alert(make_desk):
    desk = make_desk("Abandoned desk")
    reader = make_tip_line_ready(desk)
    DeskMembership.objects.filter(user=reader).update(is_active=False)
    row = _row(desk)
    assert row.readers == [] and row.problem == health.NO_READER and row.alert
    with translation.override("en"):
        assert "holds its current key" in row.problem_text
    assert health.WARN_DESK_UNREADABLE in health.tip_line_warnings()


def test_unready_desk_that_receives_nothing_is_not_an_alert(make_desk):
    ready, spare = make_desk("Ready"), make_desk("Spare")
    make_tip_line_ready(ready)
    row = _row(spare)
    assert row.problem == health.NO_KEY and not row.receives_tips and not row.alert
    assert health.tip_line_warnings() == []


def test_warnings_for_a_fresh_install(db):
    assert health.tip_line_warnings() == [
        health.WARN_NO_RECOVERY_KEY,
        health.WARN_NO_DEFAULT_DESK,
    ]


def test_healthz_warns_without_naming_internals_and_stays_200(client, make_desk):
    desk = make_desk("Secret internal desk name")
    reader = make_tip_line_ready(desk)
    assert client.get("/healthz").json() == {"status": "ok"}
    DeskMembership.objects.filter(user=reader).delete()
    response = client.get("/healthz")
    assert response.status_code == 200  # a load balancer keeps serving the public site
    assert response.json() == {"status": "ok", "warnings": ["desk-unreadable"]}
    assert "Secret" not in response.content.decode() and reader.username not in str(
        response.content
    )


def test_supervisor_sees_desk_health_and_dashboard_warning(client, world):  # noqa: F811
    DeskMembership.objects.filter(desk=world.desk_b).update(is_active=False)
    TipLineSettings.objects.update(default_desk=world.desk_b)  # general tips to desk B
    verified_login(client, world.supervisor)
    page = client.get(reverse("tips_admin:desk_health"))
    assert page.status_code == 200
    html = page.content.decode()
    # The admin speaks the site's default language (French) to this supervisor.
    assert "Missing B" in html and "Ne peut pas lire ses signalements" in html
    assert "inv_a" in html and "inv_a2" in html  # desk A's readers
    assert "no-store" in page["Cache-Control"]
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Une cellule qui reçoit des signalements ne peut pas les lire" in dashboard


@pytest.mark.parametrize("who", ["inv_a", "editor"])
def test_desk_health_is_for_supervisors_only(client, world, who):  # noqa: F811
    verified_login(client, getattr(world, who))
    response = client.get(reverse("tips_admin:desk_health"))
    assert response.status_code in (302, 403)
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "tips-health-title" not in dashboard
