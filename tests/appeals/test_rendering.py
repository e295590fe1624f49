"""Every field of an appeal renders; every public page renders in every language."""

import datetime

import pytest

from appeals.models import AppealPage

LANGS = ("fr", "nl", "de", "en")


@pytest.fixture
def full_appeal(make_appeal, offences, desk):
    return make_appeal(
        photos=2,
        offences=[offences["fr"]["murder"]],
        nationalities=["BE", "MA"],
        kind="wanted",
        status="active",
        full_name="Jean Exemple",
        known_aliases="Le Renard, J.E.",
        sex="male",
        date_of_birth=datetime.date(1980, 5, 17),
        height_min_cm=178,
        height_max_cm=182,
        build="Corpulence athlétique",
        eyes="Yeux verts",
        hair="Cheveux roux",
        distinguishing_marks="Tatouage d'ancre",
        languages="français, espagnol",
        facts="<p>Faits survenus au port.</p>",
        facts_place="Ostende",
        facts_date=datetime.date(2025, 3, 2),
        region="west-flanders",
        case_reference="BE-2025-4242",
        desk=desk,
        reward="Récompense de 5000 euros",
        caution="Armé et dangereux",
    )


def test_every_appeal_field_renders(client, full_appeal):
    html = client.get(full_appeal.url).content.decode()
    for text in [
        "Jean Exemple",
        "Le Renard",
        "J.E.",
        "1980",
        "178",
        "182",
        "Corpulence athlétique",
        "Yeux verts",
        "Cheveux roux",
        "Tatouage d&#x27;ancre",
        "français, espagnol",
        "Meurtre",
        "Faits survenus au port.",
        "Ostende",
        "2025",
        "BE-2025-4242",
        "Récompense de 5000 euros",
        "Armé et dangereux",
        "Caption",
        "<picture",
        "image/webp",
        "srcset=",
        'property="og:image"',
        "poster/",
    ]:
        assert text in html, text
    assert "Belgique" in html and "Maroc" in html  # nationalities (ISO names), translated
    assert "Flandre-Occidentale" in html  # region, translated
    assert "Secret internal desk" not in html  # desk internals are never shown
    tip_url = f"/tip/appeal/{full_appeal.pk}/"
    assert f'href="{tip_url}"' in html


def test_age_range_and_unknown_name_render(client, make_appeal):
    page = make_appeal(full_name="", kind="identify", age_min=25, age_max=35, sex="unknown")
    html = client.get(page.url).content.decode()
    assert "Personne inconnue" in html
    assert "25–35" in html


@pytest.mark.parametrize("status", ["arrested", "identified"])
def test_resolved_appeal_shows_banner_and_no_tip_button(client, make_appeal, status):
    page = make_appeal(status=status)
    html = client.get(page.url).content.decode()
    assert "banner--" + status in html
    assert f"/tip/appeal/{page.pk}/" not in html


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_renders_in_every_language(client, site_tree, make_appeal, lang):
    fr = make_appeal(photos=1)
    appeal = fr if lang == "fr" else make_appeal(lang=lang, photos=1, translation_of=fr)
    home, index = site_tree[lang]
    for page in (home, index, appeal):
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        assert response["Content-Language"] == lang
        html = response.content.decode()
        assert f'<html lang="{lang}">' in html
        assert 'rel="canonical"' in html
    html = client.get(appeal.url).content.decode()
    if lang != "fr":
        assert 'hreflang="fr"' in html and f'hreflang="{lang}"' in html
        assert f"/{lang}/tip/appeal/{appeal.pk}/" in html
    prefix = "" if lang == "fr" else f"/{lang}"
    for url in (f"{prefix}/feeds/appeals.rss", f"{prefix}/feeds/appeals.atom"):
        response = client.get(url)
        assert response.status_code == 200
        assert appeal.full_name in response.content.decode()
    poster = client.get(appeal.url + "poster/")
    assert poster.status_code == 200 and poster["Content-Type"] == "image/png"
    assert poster.content.startswith(b"\x89PNG")


def test_language_switcher_links_translations(client, site_tree, make_appeal):
    fr = make_appeal()
    nl = make_appeal(lang="nl", translation_of=fr, slug="nl-versie")
    html = client.get(fr.url).content.decode()
    assert f'href="{nl.url}"' in html
    assert nl.url.startswith("/nl/")


def test_sitemap_and_robots(client, site_tree, make_appeal):
    page = make_appeal()
    sitemap = client.get("/sitemap.xml").content.decode()
    assert f"http://testserver{page.url}" in sitemap
    assert "http://testserver/nl/" in sitemap
    robots = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in robots and "Disallow: /nl/tip/" in robots
    assert "Sitemap: http://testserver/sitemap.xml" in robots


def test_unpublished_appeal_is_not_served(client, make_appeal):
    page = make_appeal()
    url = page.url
    page.unpublish()
    assert client.get(url).status_code == 404
    assert not AppealPage.objects.live().filter(pk=page.pk).exists()


def test_a_narrow_photo_gives_one_srcset_candidate_per_width(client, make_appeal):
    """The test photos (80 px) are narrower than every rendition asked for: Wagtail never
    enlarges, so each format would list "80w" twice, which is invalid HTML."""
    import re

    page = make_appeal(photos=2)
    html = client.get(page.url).content.decode()
    srcsets = re.findall(r'srcset="([^"]+)"', html)
    assert srcsets
    for srcset in srcsets:
        widths = re.findall(r" (\d+)w", srcset)
        assert widths, srcset  # descriptors kept: the element has a sizes attribute
        assert len(widths) == len(set(widths)), srcset
    home = client.get(page.get_parent().url).content.decode()
    for srcset in re.findall(r'srcset="([^"]+)"', home):
        widths = re.findall(r" (\d+)w", srcset)
        assert len(widths) == len(set(widths)), srcset
