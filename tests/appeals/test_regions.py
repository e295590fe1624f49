"""Issue 16: regions are editable data (Country → Region snippets); countries and
nationalities are the ISO 3166 list of django-countries, named in every language."""

import pytest
from django.utils import translation
from wagtail.models import Locale

from appeals.models import AppealNationality, AppealPage, Region
from appeals.regions import BELGIUM, seed_regions

from .conftest import LANGS


def test_belgium_is_initial_data_in_every_language(site_tree):
    for code in LANGS:
        locale = Locale.objects.get(language_code=code)
        rows = Region.objects.filter(locale=locale, country="BE")
        assert rows.count() == len(BELGIUM), code
        antwerp = rows.get(code="antwerp")
        assert antwerp.parent.code == "flanders" and antwerp.parent.locale == locale
    names = {c: Region.objects.get(code="liege", locale__language_code=c).name for c in LANGS}
    assert names == {"fr": "Liège", "nl": "Luik", "de": "Lüttich", "en": "Liège"}
    # One translation key per region, shared by its languages.
    assert Region.objects.filter(code="namur").values("translation_key").distinct().count() == 1
    assert seed_regions(Region, Locale) == 0  # idempotent


def test_region_filter_matches_a_region_and_its_parts(make_appeal, client, site_tree):
    antwerp = make_appeal(region="antwerp", full_name="Anna Antwerp")
    liege = make_appeal(region="liege", full_name="Louis Liege")
    index = site_tree["fr"][1]
    html = client.get(index.url + "?region=flanders").content.decode()
    assert "Anna Antwerp" in html and "Louis Liege" not in html
    html = client.get(index.url + "?region=liege").content.decode()
    assert "Louis Liege" in html and "Anna Antwerp" not in html
    items = client.get("/api/v1/appeals?language=fr&region=wallonia").json()["items"]
    assert [i["id"] for i in items] == [liege.pk]
    assert items[0]["region"] == {
        "code": "liege",
        "name": "Liège",
        "country": "BE",
        "parent": "wallonia",
    }
    assert antwerp.region.name == "Anvers"


def test_country_filter_uses_facts_region_and_possible_countries(make_appeal, client, site_tree):
    in_nl = make_appeal(facts_country="NL", full_name="Nina Facts")
    may_be_in_nl = make_appeal(kind="missing", possible_countries=["FR", "NL"], full_name="Mia")
    in_be = make_appeal(region="namur", full_name="Bert Region")
    index = site_tree["fr"][1]
    html = client.get(index.url + "?country=NL").content.decode()
    assert "Nina Facts" in html and "Mia" in html and "Bert Region" not in html
    api = client.get("/api/v1/appeals?language=fr&country=be").json()
    assert [i["id"] for i in api["items"]] == [in_be.pk]  # region in Belgium; case-insensitive
    item = client.get(f"/api/v1/appeals/{may_be_in_nl.pk}").json()
    assert item["possible_countries"] == ["FR", "NL"] and item["country"] is None
    assert client.get(f"/api/v1/appeals/{in_nl.pk}").json()["country"] == "NL"
    # The appeal page names the countries in its language.
    html = client.get(may_be_in_nl.url).content.decode()
    assert "France" in html and "Pays-Bas" in html


def test_a_region_added_by_an_editor_appears_in_the_filter(make_appeal, client, site_tree):
    """A unit in the Netherlands adds its province as a snippet: no code change needed."""
    index = site_tree["fr"][1]
    assert "noord-holland" not in client.get(index.url).content.decode()
    fr = Locale.objects.get(language_code="fr")
    province = Region.objects.create(
        code="noord-holland", name="Hollande-Septentrionale", country="NL", locale=fr
    )
    html = client.get(index.url).content.decode()
    assert 'value="noord-holland"' in html and "Hollande-Septentrionale (Pays-Bas)" in html
    assert '<option value="NL"' in html  # its country joins the country filter
    page = make_appeal(region=province, full_name="Henk Haarlem")
    html = client.get(index.url + "?region=noord-holland").content.decode()
    assert "Henk Haarlem" in html
    api = client.get("/api/v1/appeals?language=fr&country=NL").json()
    assert [i["id"] for i in api["items"]] == [page.pk]


def test_region_snippet_is_in_the_admin(admin_client, site_tree):
    response = admin_client.get("/admin/snippets/appeals/region/")
    assert response.status_code == 200
    assert "Anvers" in response.content.decode() or "Antwerpen" in response.content.decode()


def test_nationalities_are_every_iso_country_named_in_four_languages(make_appeal, client):
    choices = dict(AppealNationality._meta.get_field("code").choices)
    assert len(choices) >= 249  # every ISO 3166-1 country
    assert {"BE", "CD", "MA", "UA", "SY", "VN", "IS"} <= set(choices)
    names = {}
    for code in LANGS:
        with translation.override(code):
            names[code] = str(AppealNationality(code="DE").code.name)
    assert names == {"fr": "Allemagne", "nl": "Duitsland", "de": "Deutschland", "en": "Germany"}
    page = make_appeal(nationalities=["VN"], full_name="Van Iso")
    assert "Viêt Nam" in client.get(page.url).content.decode() or "Vietnam" in (
        client.get(page.url).content.decode()
    )
    api = client.get("/api/v1/appeals?language=fr&nationality=VN").json()
    assert [i["id"] for i in api["items"]] == [page.pk]
    assert api["items"][0]["nationalities"] == ["VN"]


@pytest.mark.parametrize("bad", ["ZZ", "X", "'; --", "\x00"])
def test_unknown_country_or_region_is_ignored_or_matches_nothing(bad, make_appeal, client):
    make_appeal(full_name="Any Body")
    response = client.get("/api/v1/appeals", {"language": "fr", "country": bad})
    assert response.status_code == 200 and response.json()["total"] == 1  # ignored
    response = client.get("/api/v1/appeals", {"language": "fr", "region": "nowhere"})
    assert response.status_code == 200 and response.json()["total"] == 0


def test_translation_sync_maps_the_region_to_the_target_language(make_appeal):
    fr = make_appeal(region="antwerp", facts_country="BE", possible_countries=["NL"])
    fr.save_revision().publish()
    nl = fr.copy_for_translation(Locale.objects.get(language_code="nl"))
    AppealPage.objects.get(pk=nl.pk).save_revision().publish()
    fr = AppealPage.objects.get(pk=fr.pk)
    fr.region = Region.objects.get(code="liege", locale=fr.locale)
    fr.possible_countries = ["NL", "DE"]
    fr.save_revision().publish()
    nl = AppealPage.objects.get(pk=nl.pk)
    assert nl.region.code == "liege" and nl.region.locale.language_code == "nl"
    assert nl.region.name == "Luik"
    assert [c.code for c in nl.possible_countries] == ["DE", "NL"]  # stored sorted
