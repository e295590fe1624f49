"""A tip always reaches a desk that can read it: the appeal's desk or the configured
default desk, never another one; when that desk cannot read, the form says the line is
unavailable (503) and keeps the citizen's text."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.conftest import login_verified
from tests.factories import make_tip_line_ready, open_intake
from tests.triage.conftest import make_user, world  # noqa: F401 - fixtures
from tips import antispam, selectors, services
from tips.keys import active_desk_key
from tips.models import DeskMembership, Tip, TipLineSettings

TEXT = "ROUTING-CANARY the man from the poster is at the bakery on Rue Haute"


@pytest.fixture(autouse=True)
def _open_form(settings):
    yield from open_intake(settings)


def _post(client, url="/en/tip/"):
    return client.post(
        url,
        {
            "what": TEXT,
            "place": "Rue Haute",
            "website": "",
            "form_token": antispam.issue_token(),
        },
    )


@pytest.fixture
def appeal_factory(db):
    """A live, active appeal page for ``desk`` (minimal tree under the site root)."""
    from wagtail.models import Page

    from appeals.models import AppealIndexPage, AppealPage

    root = Page.get_first_root_node()
    index = root.add_child(instance=AppealIndexPage(title="Appeals", slug="appeals-routing"))

    def make(desk, *, status="active"):
        return index.add_child(
            instance=AppealPage(
                title=f"Appeal for {desk}",
                slug=f"appeal-{desk.pk}-{status}",
                desk=desk,
                status=status,
                kind="wanted",
            )
        )

    return make


def test_general_tips_go_to_the_default_desk_only(make_desk):
    first, second = make_desk("First desk"), make_desk("Second desk")
    make_tip_line_ready(first, default=False)
    make_tip_line_ready(second, default=True)
    assert selectors.desk_key_for_appeal(None).desk == second
    TipLineSettings.objects.update(default_desk=first)
    assert selectors.desk_key_for_appeal(None).desk == first


def test_no_default_desk_means_no_general_tips_not_the_first_key(make_desk, client):
    desk = make_desk()
    make_tip_line_ready(desk, default=False)  # a perfectly readable desk, but not chosen
    assert selectors.desk_key_for_appeal(None) is None
    response = _post(client)
    assert response.status_code == 503
    assert TEXT in response.content.decode()  # the citizen's text is kept
    assert not Tip.objects.exists()


def test_deployment_setting_wins_over_the_admin_setting(make_desk, settings):
    chosen, other = make_desk("Chosen"), make_desk("Other")
    make_tip_line_ready(chosen, default=False)
    make_tip_line_ready(other, default=True)
    settings.TIP_DEFAULT_DESK_ID = chosen.pk
    assert selectors.desk_key_for_appeal(None).desk == chosen


def test_appeal_whose_desk_has_no_key_is_not_rerouted(make_desk, appeal_factory, client):
    ready, keyless = make_desk("Ready desk"), make_desk("Keyless desk")
    make_tip_line_ready(ready, default=True)
    appeal = appeal_factory(keyless)
    assert selectors.desk_key_for_appeal(appeal) is None
    response = _post(client, f"/en/tip/appeal/{appeal.pk}/")
    assert response.status_code == 503
    assert TEXT in response.content.decode()
    assert not Tip.objects.exists()


def test_desk_with_a_key_but_no_member_gets_the_unavailable_page(make_desk, appeal_factory, client):
    desk = make_desk("Abandoned desk")
    reader = make_tip_line_ready(desk, default=True)
    DeskMembership.objects.filter(user=reader).update(is_active=False)  # the last one left
    appeal = appeal_factory(desk)
    for url in ("/en/tip/", f"/en/tip/appeal/{appeal.pk}/"):
        response = _post(client, url)
        assert response.status_code == 503
        assert TEXT in response.content.decode()
    assert not Tip.objects.exists()


def test_inactive_user_is_not_a_reader(make_desk, django_user_model):
    desk = make_desk()
    reader = make_tip_line_ready(desk)
    django_user_model.objects.filter(pk=reader.pk).update(is_active=False)
    assert selectors.desk_key_for_appeal(None) is None


def test_service_refuses_a_desk_nobody_can_read(make_desk):
    desk = make_desk()
    reader = make_tip_line_ready(desk)
    DeskMembership.objects.filter(user=reader).delete()
    with pytest.raises(services.TipLineNotReady):
        services.tip_submit(desk_key=active_desk_key(desk), fields={"what": TEXT}, language="fr")
    assert not Tip.objects.exists()


def test_tip_about_an_appeal_goes_to_its_desk(make_desk, appeal_factory, client):
    general, own = make_desk("General"), make_desk("Own")
    make_tip_line_ready(general, default=True)
    make_tip_line_ready(own, default=False)
    appeal = appeal_factory(own)
    response = _post(client, f"/en/tip/appeal/{appeal.pk}/")
    assert response.status_code == 200
    assert Tip.objects.get().desk == own


def test_tip_about_a_resolved_appeal_is_a_general_tip(make_desk, appeal_factory):
    general, own = make_desk("General"), make_desk("Own")
    make_tip_line_ready(general, default=True)
    appeal = appeal_factory(own, status="arrested")
    assert selectors.desk_key_for_appeal(appeal).desk == general


def test_default_desk_setting_refuses_a_desk_that_cannot_read(make_desk):
    desk = make_desk("Not ready")
    tip_line = TipLineSettings.load()
    tip_line.default_desk = desk
    with pytest.raises(ValidationError) as refused:
        tip_line.full_clean()
    assert "no active key" in str(refused.value)


def test_supervisor_chooses_the_default_desk_in_the_admin(client, world):  # noqa: F811
    url = reverse(
        "wagtailsettings:edit", args=["tips", "tiplinesettings", TipLineSettings.load().pk]
    )
    login_verified(client, world.supervisor)  # second factor first (issue 14)
    assert client.get(url).status_code == 200
    response = client.post(url, {"default_desk": world.desk_b.pk})
    assert response.status_code == 302
    assert selectors.default_desk() == world.desk_b
    # A desk nobody can read is refused with the reason, and nothing changes.
    from appeals.models import Desk

    empty = Desk.objects.create(name="Empty desk", locale=world.desk_a.locale)
    response = client.post(url, {"default_desk": empty.pk})
    assert response.status_code == 200
    assert "Empty desk" in response.content.decode()
    assert selectors.default_desk() == world.desk_b


def test_editors_cannot_change_the_default_desk(client, world):  # noqa: F811
    url = reverse("wagtailsettings:edit", args=["tips", "tiplinesettings"])
    client.force_login(world.editor)
    assert client.get(url).status_code in (302, 403)
