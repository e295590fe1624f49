"""What the public pages read from the cache to keep their queries down still follows its
source: regions, offence translations; and the one-query view-restriction check still
restricts."""

import uuid

from wagtail.models import Locale, PageViewRestriction

from appeals.models import Offence, Region


def test_region_options_follow_a_rename_and_a_deletion(client, site_tree):
    index = site_tree["nl"][1]
    fr_nl = Locale.objects.get(language_code="nl")
    region = Region.objects.create(code="utrecht", name="Utrecht", country="NL", locale=fr_nl)
    assert "Utrecht (Nederland)" in client.get(index.url).content.decode()
    region.name = "Provincie Utrecht"
    region.save()
    assert "Provincie Utrecht (Nederland)" in client.get(index.url).content.decode()
    region.delete()
    assert 'value="utrecht"' not in client.get(index.url).content.decode()


def test_an_offence_translated_later_shows_in_the_appeal_language(client, make_appeal):
    fr = Locale.objects.get(language_code="fr")
    de = Locale.objects.get(language_code="de")
    key = uuid.uuid4()
    arson = Offence.objects.create(name="Incendie", slug="arson", locale=fr, translation_key=key)
    page = make_appeal(lang="de", offences=[arson], full_name="Karl Brand")
    assert "Incendie" in client.get(page.url).content.decode()  # no German yet: as linked
    Offence.objects.create(name="Brandstiftung", slug="arson", locale=de, translation_key=key)
    html = client.get(page.url).content.decode()
    assert "Brandstiftung" in html and "Incendie" not in html
    listing = client.get(page.get_parent().url).content.decode()
    assert "Brandstiftung" in listing


def test_a_restriction_on_the_index_or_the_appeal_still_applies(client, site_tree, make_appeal):
    page = make_appeal(full_name="Restricted Person")
    other = make_appeal(full_name="Open Person")
    assert client.get(page.url).status_code == 200
    own = PageViewRestriction.objects.create(page=page, restriction_type="login")
    assert client.get(page.url).status_code == 302  # to the login page
    assert client.get(other.url).status_code == 200
    own.delete()
    PageViewRestriction.objects.create(page=site_tree["fr"][1], restriction_type="login")
    assert client.get(page.url).status_code == 302
    assert client.get(other.url).status_code == 302
    assert client.get(site_tree["fr"][0].url).status_code == 200  # the home is not restricted
