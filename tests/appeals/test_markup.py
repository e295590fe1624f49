"""Markup the HTML and Atom specifications ask for, and dates as Belgian readers expect."""

import datetime
import io
import re

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import formats, timezone, translation
from PIL import Image

TIME_VALUE = re.compile(r'<time datetime="([^"]*)"')
# HTML "valid date string" or "valid global date and time string" with at most 3 fraction digits.
VALID_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2}))?$"
)


def test_time_elements_have_valid_datetime(client, make_appeal):
    moment = timezone.now()  # microseconds included, as Wagtail stores them
    appeal = make_appeal(
        full_name="Time Check", first_published_at=moment, last_published_at=moment
    )
    html = client.get(appeal.url).content.decode()
    values = TIME_VALUE.findall(html)
    assert values, "the appeal page shows its dates in <time> elements"
    assert all(VALID_TIME.match(v) for v in values), values


def test_receipt_page_labels_no_paragraph(db):
    request = RequestFactory().get("/")
    code = "1234-5678-9012-3456-7890-1234-5678"
    html = render_to_string(
        "tips/receipt.html",
        {"receipt": code, "receipt_groups": code.split("-"), "followup_url": "x"},
        request=request,
    )
    assert not re.search(r"<p\b[^>]*aria-label", html)
    assert 'id="receipt-code"' in html and "1234" in html


@pytest.mark.parametrize("lang", ["fr", "nl", "de", "en"])
def test_atom_feed_has_an_author(client, make_appeal, lang):
    make_appeal(lang=lang, full_name="Feed Person")
    prefix = "" if lang == "fr" else f"/{lang}"
    xml = client.get(f"{prefix}/feeds/appeals.atom").content.decode()
    assert re.search(r"<feed[^>]*>.*?<author><name>[^<]+</name></author>", xml, re.S)


def test_pages_advertise_their_feeds_and_icon(client, site_tree):
    home, index = site_tree["nl"]
    for url in (home.url, index.url):
        html = client.get(url).content.decode()
        assert re.search(r'<link rel="alternate" type="application/rss\+xml"[^>]+href="http', html)
        assert re.search(r'<link rel="alternate" type="application/atom\+xml"[^>]+/nl/feeds/', html)
        assert '<link rel="icon" href="/favicon.ico"' in html


def test_favicon_is_ours(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert "public" in response["Cache-Control"]
    icon = Image.open(io.BytesIO(response.content))
    assert icon.format == "ICO" and icon.size[0] >= 16


@pytest.mark.parametrize("lang", ["fr", "nl", "de", "en"])
def test_home_title_names_the_site_once(client, site_tree, lang):
    home, _index = site_tree[lang]
    html = client.get(home.url).content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()
    assert title == home.title


def test_english_dates_put_the_day_first():
    moment = datetime.datetime(2026, 3, 4, 15, 30)
    with translation.override("en"):
        assert formats.date_format(moment, "SHORT_DATE_FORMAT") == "04/03/2026"
        assert formats.date_format(moment, "DATE_FORMAT") == "4 March 2026"
        long = formats.date_format(moment, "DATETIME_FORMAT")
    assert long == "4 March 2026, 15:30"
    assert not (long + ".").endswith("..")  # "Received on …." never gets two full stops
