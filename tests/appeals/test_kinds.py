"""Issue 16: missing persons, unidentified persons (incl. deceased), objects and places.

Each kind renders in four languages with its own question; photo kinds are caption badges
that follow translation; "found" and "identified" resolve an appeal in every language; a
found person's photos go at once and the page after APPEAL_FOUND_WITHDRAW_DAYS.
"""

import re

import pytest
from django.core.management import call_command
from django.db import transaction
from wagtail.images import get_image_model
from wagtail.models import Locale

from appeals.models import AppealPage, AppealPhoto, HomePage, Region
from tips.forms import TipForm

from .conftest import LANGS, days_ago, make_image

QUESTIONS = {
    "missing": {
        "fr": "Avez-vous vu Lina Exemple ?",
        "nl": "Hebt u Lina Exemple gezien?",
        "de": "Haben Sie Lina Exemple gesehen?",
        "en": "Have you seen Lina Exemple?",
    },
    "unknown": {
        "fr": "Reconnaissez-vous cette personne ?",
        "nl": "Herkent u deze persoon?",
        "de": "Erkennen Sie diese Person?",
        "en": "Do you recognise this person?",
    },
    "object": {
        "fr": "Reconnaissez-vous cet objet ou ce lieu ?",
        "nl": "Herkent u dit voorwerp of deze plaats?",
        "de": "Erkennen Sie diesen Gegenstand oder diesen Ort?",
        "en": "Do you recognise this object or this place?",
    },
}
BADGES = {  # photo kind "mark" in each language
    "fr": "Tatouage ou signe particulier",
    "nl": "Tatoeage of kenmerk",
    "de": "Tätowierung oder Merkmal",
    "en": "Tattoo or mark",
}
FIELDS = {
    "missing": {"full_name": "Lina Exemple", "child": True, "age_min": 12, "age_max": 12},
    "unknown": {"full_name": "", "deceased": True},
    "object": {"full_name": ""},
    "incident": {"full_name": ""},
}


@pytest.fixture
def run_on_commit(monkeypatch):
    monkeypatch.setattr(transaction, "on_commit", lambda func, *a, **k: func())


def in_every_language(make_appeal, kind, photo_kinds=("photo",), **fields):
    """{lang: AppealPage} of one appeal; photos of the given kinds, same images everywhere."""
    images = [make_image() for _ in photo_kinds]
    fields = {**FIELDS[kind], **fields}
    pages = {}
    for lang in LANGS:
        page = make_appeal(
            lang=lang,
            translation_of=pages.get("fr"),
            kind=kind,
            title=f"{kind} {lang}",
            **fields,
        )
        page.photos = [
            AppealPhoto(image=image, kind=pk, caption="")
            for image, pk in zip(images, photo_kinds, strict=True)
        ]
        page.save()
        pages[lang] = page
    return pages


@pytest.mark.parametrize("kind", ["missing", "unknown", "object"])
def test_each_kind_renders_in_four_languages_with_its_question(kind, make_appeal, client, offences):
    pages = in_every_language(
        make_appeal, kind, photo_kinds=("photo", "mark"), offences=[offences["fr"]["murder"]]
    )
    for lang, page in pages.items():
        response = client.get(page.url)
        assert response.status_code == 200, lang
        html = response.content.decode()
        assert f'<html lang="{lang}"' in html
        assert QUESTIONS[kind][lang].replace("'", "&#x27;") in html, (kind, lang)
        assert BADGES[lang] in html, lang  # the photo kind is a caption badge
        if kind in ("missing", "unknown"):
            # Not suspects: no offences, no standard "do not approach" caution.
            assert 'class="caution"' not in html, lang
            assert "Meurtre" not in html


def test_missing_person_caution_only_when_the_editor_writes_one(make_appeal, client):
    page = make_appeal(kind="missing", caution="Il a besoin de ses médicaments.")
    html = client.get(page.url).content.decode()
    assert 'class="caution"' in html and "besoin de ses médicaments" in html


def test_deceased_content_note_comes_before_the_images(make_appeal, client):
    pages = in_every_language(make_appeal, "unknown", photo_kinds=("reconstruction", "mark"))
    for lang, page in pages.items():
        html = client.get(page.url).content.decode()
        note = html.index('class="content-note"')
        first_image = html.index("<img", html.index('class="gallery"'))
        assert note < first_image, lang
        # Marks have their own gallery with a heading.
        assert re.search(r'<h2 class="gallery__heading">[^<]+</h2>', html), lang


def test_a_missing_child_never_shows_a_reward(make_appeal, client):
    page = make_appeal(kind="missing", age_max=10, reward="Récompense", reward_amount=500)
    assert page.is_child and not page.shows_reward
    html = client.get(page.url).content.decode()
    assert "Récompense" not in html and 'class="reward"' not in html
    item = client.get(f"/api/v1/appeals/{page.pk}").json()
    assert item["child"] is True and item["reward_amount"] is None and item["reward"] == ""


def test_alerts_come_first_on_the_home_page(make_appeal, site_tree, client):
    make_appeal(featured=True, full_name="Featured Wanted")
    alert = make_appeal(kind="missing", child=True, alert=True, full_name="Alert Child")
    home = HomePage.objects.get(pk=site_tree["fr"][0].pk)
    assert home.featured_appeals()[0].pk == alert.pk
    html = client.get("/").content.decode()
    assert html.index("Alert Child") < html.index("Featured Wanted")
    assert 'class="card__alert"' in html


@pytest.mark.parametrize(
    "kind,status,banner",
    [
        ("missing", "found", "banner--found"),
        ("unknown", "identified", "banner--identified"),
        ("object", "identified", "banner--identified"),
    ],
)
def test_resolved_kinds_ask_for_nothing_in_every_language(
    kind, status, banner, make_appeal, client
):
    pages = in_every_language(make_appeal, kind, status=status, status_changed_on=days_ago(1))
    for lang, page in pages.items():
        html = client.get(page.url).content.decode()
        assert banner in html, lang
        assert page.get_tip_url(lang) not in html, lang  # no tip button
        assert "notice__question" not in html, lang
    item = client.get(f"/api/v1/appeals/{pages['fr'].pk}").json()
    assert item["status"] == status and item["tip_url"] is None


def test_found_person_photos_are_withdrawn_at_once(make_appeal, client):
    page = make_appeal(kind="missing", photos=2, status="found", status_changed_on=days_ago(0))
    html = client.get(page.url).content.decode()
    assert "<img" not in html.split('class="gallery"', 1)[1].split("</section>", 1)[0]
    assert client.get(f"/api/v1/appeals/{page.pk}").json()["photos"] == []


def test_found_appeals_are_withdrawn_after_their_short_delay(make_appeal, settings, run_on_commit):
    settings.APPEAL_WITHDRAW_DAYS = 30
    settings.APPEAL_FOUND_WITHDRAW_DAYS = 7
    pages = in_every_language(
        make_appeal,
        "missing",
        photo_kinds=("photo",),
        status="found",
        status_changed_on=days_ago(8),
    )
    recent = make_appeal(kind="missing", status="found", status_changed_on=days_ago(3))
    identified = make_appeal(kind="unknown", status="identified", status_changed_on=days_ago(8))
    image_id = pages["fr"].photos.first().image_id
    call_command("withdraw_resolved_appeals")
    live = set(AppealPage.objects.live().values_list("pk", flat=True))
    assert not live & {p.pk for p in pages.values()}  # every language
    assert {recent.pk, identified.pk} <= live  # 3 < 7 days; identified waits 30 days
    assert not get_image_model().objects.filter(pk=image_id).exists()


def test_photo_kind_follows_translation(make_appeal):
    fr = make_appeal(photos=1)
    fr.save_revision().publish()
    nl = fr.copy_for_translation(Locale.objects.get(language_code="nl"))
    AppealPage.objects.get(pk=nl.pk).save_revision().publish()
    fr = AppealPage.objects.get(pk=fr.pk)
    photo = fr.photos.first()
    fr.photos = [AppealPhoto(image=photo.image, kind="efit", caption=photo.caption)]
    fr.save_revision().publish()
    assert [p.kind for p in AppealPage.objects.get(pk=nl.pk).photos.all()] == ["efit"]


def test_missing_person_tip_form_asks_when_and_where_first(make_appeal, client):
    pages = in_every_language(make_appeal, "missing")
    labels = {
        "fr": "Où avez-vous vu cette personne ?",
        "nl": "Waar hebt u deze persoon gezien?",
        "de": "Wo haben Sie diese Person gesehen?",
        "en": "Where did you see this person?",
    }
    for lang, page in pages.items():
        html = client.get(page.get_tip_url(lang)).content.decode()
        where = html.index(labels[lang].replace("'", "&#x27;"))
        assert where < html.index('name="what"'), lang  # the first question
    wanted = make_appeal(kind="wanted")
    html = client.get(wanted.get_tip_url("fr")).content.decode()
    assert html.index('name="what"') < html.index('name="place"')


def test_missing_person_sighting_is_in_the_sealed_fields(make_appeal):
    form = TipForm(
        data={"what": "Je l'ai vue", "when_date": "2026-11-30", "place": "Gare d'Anvers"}
    ).adapt_to_appeal(make_appeal(kind="missing"))
    assert form.seen_first and form.is_valid(), form.errors
    sealed = form.fields_for_sealing()
    assert sealed["when_date"] == "2026-11-30" and sealed["place"] == "Gare d'Anvers"


@pytest.mark.parametrize("kind", ["missing", "unknown", "object"])
def test_kind_filters_feeds_api_sitemap_and_poster(kind, make_appeal, client):
    page = make_appeal(kind=kind, full_name="" if kind != "missing" else "Kim Filter")
    other = make_appeal(kind="wanted", full_name="Wanted Other")
    listing = client.get(page.get_parent().url + f"?kind={kind}")
    html = listing.content.decode()
    assert f'href="{page.url}"' in html and f'href="{other.url}"' not in html
    api = client.get(f"/api/v1/appeals?language=fr&kind={kind}").json()
    assert [i["id"] for i in api["items"]] == [page.pk]
    rss = client.get(f"/feeds/appeals.rss?kind={kind}").content.decode()
    assert page.get_url() in rss and other.get_url() not in rss
    assert page.get_url() in client.get("/sitemap.xml").content.decode()
    poster = client.get(page.url + "poster/")
    assert poster.status_code == 200 and poster["Content-Type"] == "image/png"


def test_openapi_documents_kinds_and_photo_kinds(client):
    spec = client.get("/api/v1/openapi.json").json()
    params = {p["name"] for p in spec["paths"]["/api/v1/appeals"]["get"]["parameters"]}
    assert {"kind", "country", "region"} <= params
    text = str(spec)
    assert "missing" in text and "age-progressed" in text and "found" in text


def _admin_form(page, **fields):
    form_class = AppealPage.get_edit_handler().get_form_class()
    data = {
        "title": page.title,
        "slug": page.slug,
        "kind": "wanted",
        "status": "active",
        "status_changed_on": "2026-01-01",
        "sex": "unknown",
        "nationalities-TOTAL_FORMS": "0",
        "nationalities-INITIAL_FORMS": "0",
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
        "questions-count": "0",  # no questions in the tip form
        **fields,
    }
    return form_class(data, instance=page, parent_page=page.get_parent(), for_user=None)


@pytest.mark.parametrize(
    "fields,error_field",
    [
        ({"kind": "missing", "child": "on", "reward_amount": "500"}, "reward_amount"),
        ({"kind": "missing", "age_max": "9", "reward_amount": "500"}, "reward_amount"),
        ({"kind": "wanted", "alert": "on"}, "alert"),
        ({"kind": "missing", "deceased": "on"}, "deceased"),
    ],
)
def test_admin_form_refuses_what_a_kind_does_not_allow(fields, error_field, make_appeal):
    form = _admin_form(make_appeal(), **fields)
    assert not form.is_valid()
    assert error_field in form.errors


def test_admin_form_accepts_each_kind_with_its_flags(make_appeal):
    page = make_appeal()
    region = Region.objects.get(code="antwerp", locale=page.locale)
    for fields in (
        {"kind": "missing", "child": "on", "alert": "on", "possible_countries": ["NL", "BE"]},
        {"kind": "unknown", "deceased": "on", "facts_country": "BE", "region": region.pk},
        {"kind": "object"},
    ):
        form = _admin_form(page, **fields)
        assert form.is_valid(), (fields, form.errors)


def test_an_incident_is_named_by_its_title_and_describes_no_person(make_appeal, client):
    """An incident appeal asks for witnesses' files: its title names it everywhere (page,
    card, upload form), never "Unknown person", and it has no person's description."""
    pages = in_every_language(make_appeal, "incident", full_name="")
    for lang, page in pages.items():
        html = client.get(page.url).content.decode()
        name = re.search(r'<h1 class="notice__name">([^<]*)</h1>', html).group(1)
        assert name == f"incident {lang}", lang
        assert 'class="facts-list"' not in html.split('id="facts-title"')[0], lang
        form = client.get(page.get_tip_url(lang)).content.decode()
        assert f"incident {lang}" in form.split("</h1>")[0], lang
