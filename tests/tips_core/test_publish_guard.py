"""An active appeal cannot be published unless its desk can read tips: the editor is sent
back to the editor with a clear, translated message; the draft is kept, nothing goes live."""

import pytest
from django.urls import reverse
from wagtail.models import Locale

from appeals.models import AppealPage, Desk
from tests.appeals.conftest import make_appeal, site_tree  # noqa: F401 - fixtures
from tests.tips_core.helpers import make_tip_line_ready
from tips.models import DeskMembership


def _form_data(desk, *, title="Fugitive X", slug="fugitive-x", publish=True, status="active"):
    data = {
        "title": title,
        "slug": slug,
        "kind": "wanted",
        "status": status,
        "status_changed_on": "2026-01-05",
        "sex": "unknown",
        "desk": str(desk.pk) if desk is not None else "",
        "nationalities-TOTAL_FORMS": "0",
        "nationalities-INITIAL_FORMS": "0",
        "nationalities-MIN_NUM_FORMS": "0",
        "nationalities-MAX_NUM_FORMS": "1000",
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
        "photos-MIN_NUM_FORMS": "0",
        "photos-MAX_NUM_FORMS": "1000",
        "questions-count": "0",  # no questions in the tip form
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }
    if publish:
        data["action-publish"] = "action-publish"
    return data


def _admin_language(user, code):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = code
    profile.save()


@pytest.fixture(autouse=True)
def _english_admin(admin_user):
    _admin_language(admin_user, "en")


@pytest.fixture
def desk(db):
    return Desk.objects.create(name="Cold case desk", locale=Locale.get_default())


def _add_url(site_tree):  # noqa: F811
    index = site_tree["fr"][1]
    return reverse("wagtailadmin_pages:add", args=["appeals", "appealpage", index.pk])


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_publishing_a_new_appeal_whose_desk_has_no_key_is_refused(
    admin_client,
    site_tree,  # noqa: F811
    desk,
):
    response = admin_client.post(_add_url(site_tree), _form_data(desk), follow=True)
    assert response.status_code == 200
    page = AppealPage.objects.get(slug="fugitive-x")
    assert not page.live  # saved as a draft, not published
    assert page.get_latest_revision() is not None
    assert response.redirect_chain[-1][0] == reverse("wagtailadmin_pages:edit", args=[page.pk])
    text = " ".join(_messages(response))
    assert "was saved as a draft but not published" in text
    assert "Cold case desk" in text and "no active key" in text
    # Not on the public site either.
    assert admin_client.get(page.url or "/fugitive-x/").status_code in (404, 302)


def test_publishing_is_refused_when_no_member_holds_the_key(
    admin_client,
    make_appeal,  # noqa: F811
    desk,
):
    reader = make_tip_line_ready(desk)
    page = make_appeal(desk=desk, status="active")
    DeskMembership.objects.filter(user=reader).delete()
    edit = reverse("wagtailadmin_pages:edit", args=[page.pk])
    response = admin_client.post(
        edit, _form_data(desk, title="Changed title", slug=page.slug), follow=True
    )
    assert response.status_code == 200
    assert "holds its current key" in " ".join(_messages(response))
    page.refresh_from_db()
    assert page.title != "Changed title"  # the live version is unchanged
    assert page.get_latest_revision().as_object().title == "Changed title"  # draft kept


def test_publishing_without_a_desk_is_refused(admin_client, site_tree):  # noqa: F811
    response = admin_client.post(_add_url(site_tree), _form_data(None), follow=True)
    assert "choose the desk receiving tips" in " ".join(_messages(response))
    assert not AppealPage.objects.get(slug="fugitive-x").live


def test_publishing_with_a_readable_desk_works(admin_client, site_tree, desk):  # noqa: F811
    make_tip_line_ready(desk)
    response = admin_client.post(_add_url(site_tree), _form_data(desk), follow=True)
    assert response.status_code == 200
    assert AppealPage.objects.get(slug="fugitive-x").live


def test_a_resolved_appeal_can_be_published_without_a_readable_desk(
    admin_client,
    site_tree,  # noqa: F811
    desk,
):
    admin_client.post(_add_url(site_tree), _form_data(desk, status="arrested"), follow=True)
    assert AppealPage.objects.get(slug="fugitive-x").live


def test_saving_a_draft_is_never_refused(admin_client, site_tree, desk):  # noqa: F811
    response = admin_client.post(_add_url(site_tree), _form_data(desk, publish=False))
    assert response.status_code == 302
    assert not AppealPage.objects.get(slug="fugitive-x").live


@pytest.mark.parametrize(
    ("code", "words"), [("fr", "brouillon"), ("nl", "concept"), ("de", "Entwurf")]
)
def test_the_refusal_is_translated(admin_client, site_tree, desk, admin_user, code, words):  # noqa: F811
    _admin_language(admin_user, code)
    response = admin_client.post(_add_url(site_tree), _form_data(desk), follow=True)
    text = " ".join(_messages(response))
    assert words in text and "Cold case desk" in text
