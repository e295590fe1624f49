"""Editors group, emergency-number setting, scheduled publishing of appeals."""

import datetime

from django.core.management import call_command
from django.utils import timezone
from wagtail.models import GroupPagePermission

from appeals.models import AppealPage, EmergencySettings
from appeals.permissions import ensure_editors_group


def test_editors_group_has_page_image_and_offence_rights_only(site_tree):
    group = ensure_editors_group()
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"access_admin", "add_offence", "change_offence", "submit_translation"} <= codenames
    assert not {c for c in codenames if "tip" in c or "user" in c or "group" in c}
    assert "change_desk" not in codenames and "change_emergencysettings" not in codenames
    homes = {home.pk for home, _index in site_tree.values()}
    assert (
        set(GroupPagePermission.objects.filter(group=group).values_list("page_id", flat=True))
        == homes
    )
    assert ensure_editors_group().pk == group.pk  # idempotent


def test_emergency_numbers_come_from_the_site_setting(client, site_tree):
    home = site_tree["fr"][0]
    setting = EmergencySettings.for_site(home.get_site())
    setting.emergency_number = "999"
    setting.save()
    html = client.get(home.url).content.decode()
    assert "999" in html


def test_scheduled_publishing_works_for_appeals(make_appeal):
    page = make_appeal()
    page.unpublish()
    page.refresh_from_db()
    page.go_live_at = timezone.now() - datetime.timedelta(minutes=1)
    page.save_revision(approved_go_live_at=page.go_live_at)
    assert not AppealPage.objects.get(pk=page.pk).live
    call_command("publish_scheduled")
    assert AppealPage.objects.get(pk=page.pk).live


def test_status_change_is_dated_by_the_admin_form(make_appeal, admin_client):
    page = make_appeal(status="active", status_changed_on=datetime.date(2020, 1, 1))
    form_class = AppealPage.get_edit_handler().get_form_class()
    data = {
        "title": page.title,
        "slug": page.slug,
        "kind": "wanted",
        "status": "arrested",
        "status_changed_on": "2020-01-01",
        "sex": "unknown",
        "nationalities-TOTAL_FORMS": "0",
        "nationalities-INITIAL_FORMS": "0",
        "nationalities-MIN_NUM_FORMS": "0",
        "nationalities-MAX_NUM_FORMS": "1000",
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
        "photos-MIN_NUM_FORMS": "0",
        "photos-MAX_NUM_FORMS": "1000",
        "questions-count": "0",  # no questions in the tip form
    }
    form = form_class(data, instance=page, parent_page=page.get_parent(), for_user=None)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["status_changed_on"] == timezone.localdate()


def test_a_new_status_date_typed_by_the_editor_is_kept(make_appeal):
    page = make_appeal(status="active", status_changed_on=datetime.date(2020, 1, 1))
    form_class = AppealPage.get_edit_handler().get_form_class()
    data = {
        "title": page.title,
        "slug": page.slug,
        "kind": "wanted",
        "status": "arrested",
        "status_changed_on": "2024-05-06",
        "sex": "unknown",
        "nationalities-TOTAL_FORMS": "0",
        "nationalities-INITIAL_FORMS": "0",
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
        "questions-count": "0",  # no questions in the tip form
    }
    form = form_class(data, instance=page, parent_page=page.get_parent(), for_user=None)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["status_changed_on"] == datetime.date(2024, 5, 6)


def test_admin_edit_and_snippet_views_render(admin_client, make_appeal, offences, desk):
    page = make_appeal(photos=1, offences=[offences["fr"]["murder"]], nationalities=["BE"])
    assert admin_client.get(f"/admin/pages/{page.pk}/edit/").status_code == 200
    index = page.get_parent()
    assert admin_client.get(f"/admin/pages/add/appeals/appealpage/{index.pk}/").status_code == 200
    assert admin_client.get("/admin/snippets/appeals/offence/").status_code == 200
    assert admin_client.get("/admin/snippets/appeals/desk/").status_code == 200
