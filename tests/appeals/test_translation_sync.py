"""One appeal, one truth in every language (appeals.translation_sync).

An appeal published in fr, nl, de and en: publishing any one copies its language-neutral facts
(status, dates, physical details, desk, reward amount, offences, nationalities, photos) to the
others, and leaves their translated text alone.
"""

import datetime
import io
import uuid

import pytest
from django.utils import translation
from PIL import Image
from wagtail.contrib.frontend_cache.backends.base import BaseBackend
from wagtail.models import Locale, PageLogEntry

from appeals import poster, translation_sync
from appeals.choices import Status
from appeals.models import AppealPage, Desk

from .conftest import LANGS, make_image

ARRESTED_ON = datetime.date(2026, 11, 20)

TEXTS = {
    "fr": {"title": "Jean Dupont recherché", "known_aliases": "Le Grand", "build": "mince",
           "facts_place": "Bruxelles", "caution": "Ne l'approchez pas.",
           "reward": "Pour toute information menant à l'arrestation."},
    "nl": {"title": "Jean Dupont gezocht", "known_aliases": "De Lange", "build": "slank",
           "facts_place": "Brussel", "caution": "Benader hem niet.",
           "reward": "Voor elke informatie die tot de aanhouding leidt."},
    "de": {"title": "Jean Dupont gesucht", "known_aliases": "Der Lange", "build": "schlank",
           "facts_place": "Brüssel", "caution": "Nicht ansprechen.",
           "reward": "Für Hinweise, die zur Festnahme führen."},
    "en": {"title": "Jean Dupont wanted", "known_aliases": "The Tall One", "build": "slim",
           "facts_place": "Brussels", "caution": "Do not approach him.",
           "reward": "For information leading to the arrest."},
}  # fmt: skip


@pytest.fixture
def desks(db):
    """Two translatable desks, each in four languages: {"a": {lang: Desk}, "b": {...}}."""
    result = {}
    for name in ("a", "b"):
        key = uuid.uuid4()
        result[name] = {
            code: Desk.objects.create(
                name=f"Desk {name} {code}",
                locale=Locale.objects.get(language_code=code),
                translation_key=key,
            )
            for code in LANGS
        }
    return result


@pytest.fixture
def appeal(make_appeal, offences, desks):
    """{lang: AppealPage}: published in fr, translated as the admin's Translate action does
    (copy_for_translation), each translation's text written in its language and published."""
    fr = make_appeal(
        "fr",
        photos=2,
        offences=[offences["fr"]["murder"]],
        nationalities=["BE"],
        full_name="Jean Dupont",
        desk=desks["a"]["fr"],
        reward_amount=5000,
        age_min=30,
        age_max=35,
        case_reference="BXL-2026-001",
        **TEXTS["fr"],
    )
    fr.save_revision().publish()
    pages = {"fr": AppealPage.objects.get(pk=fr.pk)}
    for code in LANGS[1:]:
        copy = fr.copy_for_translation(Locale.objects.get(language_code=code))
        copy = AppealPage.objects.get(pk=copy.pk)
        for name, value in TEXTS[code].items():
            setattr(copy, name, value)
        photos = list(copy.photos.all())
        for photo in photos:
            photo.caption = f"{code}: {photo.caption}"
        copy.photos = photos
        copy.save_revision().publish()
        pages[code] = AppealPage.objects.get(pk=copy.pk)
    return pages


def publish(page, **changes):
    """Publish ``page`` (re-read) with ``changes``, as the admin's Publish does."""
    page = AppealPage.objects.get(pk=page.pk)
    for name, value in changes.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return AppealPage.objects.get(pk=page.pk)


def reload(pages):
    return {code: AppealPage.objects.get(pk=p.pk) for code, p in pages.items()}


def test_translate_action_copies_then_text_is_per_language(appeal):
    assert {p.live for p in appeal.values()} == {True}
    assert {p.translation_key for p in appeal.values()} == {appeal["fr"].translation_key}
    assert appeal["nl"].known_aliases == "De Lange"


def test_arrested_in_french_is_arrested_in_every_language(appeal):
    publish(appeal["fr"], status=Status.ARRESTED, status_changed_on=ARRESTED_ON)
    pages = reload(appeal)
    for code in LANGS:
        page = pages[code]
        assert page.live, code
        assert page.status == Status.ARRESTED, code
        assert page.status_changed_on == ARRESTED_ON, code
        assert not page.has_unpublished_changes, code
        # Translated text is never overwritten.
        for name, value in TEXTS[code].items():
            assert getattr(page, name) == value, (code, name)
    for code in LANGS[1:]:
        entry = PageLogEntry.objects.get(page=pages[code], action=translation_sync.LOG_ACTION)
        assert entry.data["source"]["id"] == appeal["fr"].pk
        assert entry.data["source"]["language"] == "fr"
        assert {"status", "status_changed_on"} <= set(entry.data["fields"])
        # Published through a revision, with Wagtail's own publish entry.
        assert pages[code].live_revision_id != appeal[code].live_revision_id
        assert PageLogEntry.objects.filter(
            page=pages[code], action="wagtail.publish", revision=pages[code].live_revision
        ).exists()


def test_every_public_view_reports_the_real_status(appeal, client):
    publish(appeal["fr"], status=Status.ARRESTED, status_changed_on=ARRESTED_ON)
    pages = reload(appeal)
    for code in LANGS:
        page = pages[code]
        with translation.override(code):
            label = str(Status.ARRESTED.label)
        html = client.get(page.url).content.decode()
        assert label in html, code
        assert page.get_tip_url(code) not in html, code  # no "send information" button
        assert 'class="caution"' not in html and 'class="reward"' not in html, code

        index = page.get_parent()
        assert page.url not in client.get(index.url).content.decode(), code
        assert page.url in client.get(index.url + "?status=arrested").content.decode(), code

        prefix = "" if code == "fr" else f"/{code}"
        feed = client.get(f"{prefix}/feeds/appeals.rss").content.decode()
        assert f"<category>{label}</category>" in feed, code
        assert f"({label})</title>" in feed, code

        api = client.get(f"/api/v1/appeals/{page.pk}").json()
        assert api["status"] == "arrested" and api["tip_url"] is None, code
        assert api["status_changed_on"] == ARRESTED_ON.isoformat(), code
        listed = client.get(f"/api/v1/appeals?language={code}").json()
        assert page.pk not in [item["id"] for item in listed["items"]], code
        listed = client.get(f"/api/v1/appeals?language={code}&status=arrested").json()
        assert page.pk in [item["id"] for item in listed["items"]], code

    # The sitemap tells crawlers every translation changed.
    sitemap = client.get("/sitemap.xml").content.decode()
    for code in LANGS[1:]:
        assert pages[code].last_published_at > appeal[code].last_published_at
        assert pages[code].full_url in sitemap


def _qr_region(png: bytes) -> Image.Image:
    left, top = poster.WIDTH - poster.MARGIN - 360, poster.HEIGHT - poster.MARGIN - 360
    return Image.open(io.BytesIO(png)).convert("RGB").crop((left, top, left + 360, top + 360))


def _dark_share(image: Image.Image) -> float:
    pixels = image.convert("L").tobytes()
    return sum(1 for p in pixels if p < 80) / len(pixels)


def test_posters_of_every_language_lose_the_qr_code(appeal, client):
    active_png = client.get(appeal["nl"].url + "poster/").content
    tip_url = "http://testserver" + appeal["nl"].get_tip_url("nl")
    qr = poster._qr(tip_url, 360)
    assert _qr_region(active_png).tobytes() == qr.tobytes()  # the check sees a QR code
    assert _dark_share(_qr_region(active_png)) > 0.3

    publish(appeal["fr"], status=Status.ARRESTED, status_changed_on=ARRESTED_ON)
    for code in LANGS:
        page = AppealPage.objects.get(pk=appeal[code].pk)
        response = client.get(page.url + "poster/")
        assert response.status_code == 200
        region = _qr_region(response.content)
        qr = poster._qr("http://testserver" + page.get_tip_url(code), 360)
        assert region.tobytes() != qr.tobytes(), code
        assert _dark_share(region) < 0.15, code


def test_photos_desk_offences_and_nationalities_follow(appeal, desks, offences):
    fr = AppealPage.objects.get(pk=appeal["fr"].pk)
    old = list(fr.photos.order_by("sort_order"))
    new_image = make_image("red")
    from appeals.models import AppealNationality, AppealPhoto

    fr.photos = [
        AppealPhoto(image=new_image, caption="Image caméra"),
        AppealPhoto(image=old[1].image, caption=old[1].caption),
    ]  # the first photo removed, a new one first
    fr.nationalities = [AppealNationality(code="FR"), AppealNationality(code="BE")]
    fr.offences = [offences["fr"]["murder"], offences["fr"]["fraud"]]
    fr.desk = desks["b"]["fr"]
    fr.reward_amount = 10000
    fr.height_min_cm = 180
    fr.save_revision().publish()

    for code in LANGS[1:]:
        page = AppealPage.objects.get(pk=appeal[code].pk)
        photos = list(page.photos.order_by("sort_order"))
        assert [p.image_id for p in photos] == [new_image.pk, old[1].image_id], code
        assert photos[0].caption == "Image caméra"  # new photo: the source's caption
        assert photos[1].caption == f"{code}: {old[1].caption}"  # kept its translation
        assert [n.code for n in page.nationalities.order_by("sort_order")] == ["FR", "BE"]
        assert set(page.offences.all()) == {
            offences[code]["murder"],
            offences[code]["fraud"],
        }, code  # each in the page's language
        assert page.desk == desks["b"][code], code
        assert page.reward_amount == 10000 and page.height_min_cm == 180, code
        assert page.reward == TEXTS[code]["reward"], code


def test_publishing_in_dutch_propagates_back_to_french(appeal):
    publish(appeal["nl"], status=Status.IDENTIFIED, status_changed_on=ARRESTED_ON, age_max=40)
    pages = reload(appeal)
    for code in LANGS:
        assert pages[code].status == Status.IDENTIFIED, code
        assert pages[code].age_max == 40, code
        assert pages[code].title == TEXTS[code]["title"], code
    entry = PageLogEntry.objects.get(page=pages["fr"], action=translation_sync.LOG_ACTION)
    assert entry.data["source"]["language"] == "nl"


def test_last_publish_wins(appeal):
    publish(appeal["fr"], status=Status.ARRESTED, status_changed_on=ARRESTED_ON)
    publish(appeal["de"], status=Status.ACTIVE, status_changed_on=ARRESTED_ON)
    assert {p.status for p in reload(appeal).values()} == {Status.ACTIVE}


def test_unpublished_translation_is_not_resurrected_but_its_draft_is_updated(appeal):
    de = AppealPage.objects.get(pk=appeal["de"].pk)
    de.unpublish()
    publish(appeal["fr"], status=Status.ARRESTED, status_changed_on=ARRESTED_ON)
    de = AppealPage.objects.get(pk=de.pk)
    assert not de.live
    draft = de.get_latest_revision().as_object()
    assert draft.status == Status.ARRESTED and draft.title == TEXTS["de"]["title"]
    assert PageLogEntry.objects.filter(page=de, action=translation_sync.LOG_ACTION).exists()


def test_a_translators_draft_is_kept_and_gets_the_facts(appeal):
    en = AppealPage.objects.get(pk=appeal["en"].pk)
    en.facts_place = "Brussels, Midi station"  # work in progress, not published
    en.save_revision()
    publish(appeal["fr"], status=Status.ARRESTED, status_changed_on=ARRESTED_ON)
    en = AppealPage.objects.get(pk=en.pk)
    assert en.live and en.status == Status.ARRESTED
    assert en.facts_place == "Brussels"  # the live page did not get the draft
    assert en.has_unpublished_changes
    draft = en.get_latest_revision().as_object()
    assert draft.facts_place == "Brussels, Midi station"
    assert draft.status == Status.ARRESTED  # publishing the draft later keeps "arrested"


def test_publishing_again_without_changes_adds_no_revision(appeal):
    publish(appeal["fr"], status=Status.ARRESTED, status_changed_on=ARRESTED_ON)
    counts = {c: AppealPage.objects.get(pk=p.pk).revisions.count() for c, p in appeal.items()}
    publish(appeal["fr"], title="Jean Dupont arrêté")  # a text change only
    for code in LANGS[1:]:
        assert AppealPage.objects.get(pk=appeal[code].pk).revisions.count() == counts[code]


def test_scheduled_publish_syncs_only_when_it_goes_live(appeal):
    fr = AppealPage.objects.get(pk=appeal["fr"].pk)
    fr.unpublish()
    fr = AppealPage.objects.get(pk=fr.pk)
    fr.status = Status.ARRESTED
    fr.go_live_at = fr.first_published_at + datetime.timedelta(days=36500)
    fr.save_revision().publish()  # scheduled, not live: Wagtail still sends page_published
    assert AppealPage.objects.get(pk=appeal["nl"].pk).status == Status.ACTIVE


class RecordingProxy(BaseBackend):
    """Stands in for the proxy in front of the site (an outside system): records the URLs
    Wagtail's frontend cache asks it to purge."""

    urls: list = []

    def purge(self, url):
        RecordingProxy.urls.append(url)


def test_every_translation_and_its_poster_is_purged_after_commit(
    appeal, settings, django_capture_on_commit_callbacks
):
    settings.WAGTAILFRONTENDCACHE = {
        "proxy": {"BACKEND": f"{__name__}.RecordingProxy", "HOSTNAMES": ["testserver"]}
    }
    RecordingProxy.urls = []
    with django_capture_on_commit_callbacks(execute=True):
        publish(appeal["fr"], status=Status.ARRESTED, status_changed_on=ARRESTED_ON)
    for code in LANGS:
        url = AppealPage.objects.get(pk=appeal[code].pk).full_url
        assert url in RecordingProxy.urls, code
        assert url + "poster/" in RecordingProxy.urls, code


def test_resolved_or_closed_page_asks_for_nothing(make_appeal, client):
    for status in (Status.ARRESTED, Status.IDENTIFIED, Status.CLOSED):
        page = make_appeal(status=status, reward="5000 €", reward_amount=5000)
        html = client.get(page.url).content.decode()
        assert page.get_tip_url("fr") not in html, status
        assert 'class="caution"' not in html and 'class="reward"' not in html, status
    page = make_appeal(status=Status.ACTIVE, reward="Conditions", reward_amount=5000)
    html = client.get(page.url).content.decode()
    assert page.get_tip_url("fr") in html
    assert 'class="caution"' in html and 'class="reward__amount"' in html


def test_publishing_in_the_admin_syncs_and_logs_the_editor(appeal, admin_client, admin_user):
    """The real path: the page editor's Publish button (not atomic in Wagtail) for the nl page."""
    from wagtail.test.utils.form_data import (
        inline_formset,
        nested_form_data,
        rich_text,
        streamfield,
    )

    nl = AppealPage.objects.get(pk=appeal["nl"].pk)
    photos = list(nl.photos.order_by("sort_order"))
    data = nested_form_data(
        {
            "title": nl.title,
            "slug": nl.slug,
            "kind": nl.kind,
            "status": Status.ARRESTED,
            "status_changed_on": ARRESTED_ON.isoformat(),
            "full_name": nl.full_name,
            "known_aliases": nl.known_aliases,
            "sex": nl.sex,
            "age_min": nl.age_min,
            "age_max": nl.age_max,
            "build": nl.build,
            "offences": [o.pk for o in nl.offences.all()],
            "facts": rich_text(nl.facts),
            "facts_place": nl.facts_place,
            "case_reference": nl.case_reference,
            "desk": nl.desk_id,
            "reward_amount": 7500,
            "reward": nl.reward,
            "caution": nl.caution,
            "nationalities": inline_formset(
                [
                    {"id": n.pk, "code": n.code, "ORDER": i}
                    for i, n in enumerate(nl.nationalities.all())
                ],
                initial=nl.nationalities.count(),
            ),
            "photos": inline_formset(
                [
                    {
                        "id": p.pk,
                        "image": p.image_id,
                        "kind": p.kind,
                        "caption": p.caption,
                        "ORDER": i,
                    }
                    for i, p in enumerate(photos)
                ],
                initial=len(photos),
            ),
            "questions": streamfield([]),  # the page has no questions for the tip form
            "comments": inline_formset([]),
            "action-publish": "action-publish",
        }
    )
    response = admin_client.post(f"/admin/pages/{nl.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    pages = reload(appeal)
    for code in LANGS:
        assert pages[code].live and pages[code].status == Status.ARRESTED, code
        assert pages[code].reward_amount == 7500, code
        assert pages[code].title == TEXTS[code]["title"], code
    entry = PageLogEntry.objects.get(page=pages["fr"], action=translation_sync.LOG_ACTION)
    assert entry.user_id == admin_user.pk
    assert entry.data["source"]["language"] == "nl"
    # Each translation's history in the admin (in French here) shows the entry.
    for code in ("fr", "de", "en"):
        history = admin_client.get(f"/admin/pages/{pages[code].pk}/history/").content.decode()
        assert "Faits communs à toutes les langues copiés depuis une autre traduction" in history


def test_command_repairs_appeals_published_before_the_rule(make_appeal):
    from django.core.management import call_command
    from django.utils import timezone

    fr = make_appeal("fr", status=Status.ARRESTED, status_changed_on=ARRESTED_ON, photos=1)
    nl = make_appeal("nl", translation_of=fr, status=Status.ACTIVE)
    en = make_appeal("en", translation_of=fr, status=Status.ACTIVE)
    now = timezone.now()
    AppealPage.objects.filter(pk=fr.pk).update(last_published_at=now)  # the last published
    AppealPage.objects.filter(pk__in=[nl.pk, en.pk]).update(
        last_published_at=now - datetime.timedelta(days=1)
    )

    out = io.StringIO()
    call_command("sync_appeal_translations", "--dry-run", stdout=out)
    assert f"appeal page {fr.pk} -> translations {nl.pk}, {en.pk}" in out.getvalue()
    assert AppealPage.objects.get(pk=nl.pk).status == Status.ACTIVE  # dry run

    call_command("sync_appeal_translations", stdout=io.StringIO())
    image_ids = [p.image_id for p in fr.photos.all()]
    for page in (nl, en):
        page = AppealPage.objects.get(pk=page.pk)
        assert page.live and page.status == Status.ARRESTED
        assert page.status_changed_on == ARRESTED_ON
        assert [p.image_id for p in page.photos.all()] == image_ids
        assert page.title != fr.title  # its own text

    out = io.StringIO()
    call_command("sync_appeal_translations", "--dry-run", stdout=out)
    assert "0 appeal(s)" in out.getvalue()
