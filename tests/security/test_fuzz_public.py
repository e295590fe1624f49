"""Property-based fuzzing (hypothesis) of every public endpoint.

Properties, for random and hostile input (field values of every Unicode category, control
characters, huge sizes, missing and duplicated fields, invalid UTF-8, malformed multipart
bodies, unknown or absurd query parameters):
- never a server error (the test client re-raises any exception a view lets through);
- every refusal is a 4xx with a readable page (HTML) or, for the JSON API, a JSON error;
- an accepted tip shows a receipt.

Example counts are modest (``max_examples`` per test below); the summary printed at the end
says how many examples ran and how the answers were distributed.
"""

from __future__ import annotations

import collections
import json
import re
import sys

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.tips_core.helpers import make_tip_line_ready
from tips import antispam

pytestmark = pytest.mark.django_db

EXAMPLES = 60
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # reproducible in CI; hostile seeds below cover the nasty corners
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
RECEIPT_RE = re.compile(rb"\b\d{4}(?:-\d{4}){6}\b")
STATS: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)

TIP_FIELDS = [
    "what",
    "when_date",
    "when_time",
    "place",
    "how_known",
    "seeing_now",
    "contact",
    "website",
    "form_token",
]

# Text: every category except lone surrogates (not encodable), plus nasty fixed strings.
HOSTILE = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "\x00" * 100,
        "\r\n\r\n--boundary--",
        "<script>alert(1)</script>",
        "'; DROP TABLE tips_tip; --",
        "{{ 7*7 }}{% debug %}",
        "\u202e\u2066evil\u2069",
        "\ufeff\ufffd\uffff",
        "%00%ff%fe",
        "../../../../etc/passwd",
        "9" * 400,
        "-1",
        "1e309",
        "NaN",
        "2025-02-30",
        "25:61",
        "0000-00-00",
        "\U0001f4a9" * 50,
        "a" * 70_000,
    ]
)
TEXT = st.one_of(
    HOSTILE,
    st.text(st.characters(exclude_categories=("Cs",)), max_size=300),
    st.text(st.characters(codec="latin-1"), min_size=0, max_size=50),
)


@pytest.fixture(autouse=True)
def _public_settings(settings):
    settings.TIP_FORM_MIN_SECONDS = 0
    settings.TIP_RATE_PER_SOURCE = "100000/h"
    settings.TIP_RATE_GLOBAL = "100000/m"
    settings.TIP_FOLLOWUP_RATE_PER_SOURCE = "100000/h"
    settings.TIP_FOLLOWUP_RATE_GLOBAL = "100000/m"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module", autouse=True)
def _summary():
    yield
    total = sum(sum(c.values()) for c in STATS.values())
    lines = [f"fuzz summary: {total} requests"]
    for name, counter in sorted(STATS.items()):
        lines.append(
            f"  {name}: {sum(counter.values())} -> {dict(sorted(counter.items(), key=str))}"
        )
    print("\n" + "\n".join(lines), file=sys.stderr)


@pytest.fixture
def tipline(site_tree):
    from tips import keys

    keys.create_recovery_key()
    make_tip_line_ready(site_tree["desk"])  # a member holds the key; the default desk
    return site_tree


def _record(name: str, response) -> None:
    STATS[name][response.status_code] += 1


def assert_clear_html(response) -> None:
    assert response.status_code < 500, response.status_code
    if response.status_code == 405:
        assert response["Allow"]  # a method the page does not take: the standard empty 405
        return
    if response.status_code >= 400:
        assert response["Content-Type"].startswith("text/html"), response["Content-Type"]
        body = response.content.decode("utf-8", "replace")
        assert "<html" in body.lower() and "<h1" in body.lower(), body[:500]
        if "<title>Bad Request (400)</title>" in body:
            STATS["django bare 400 page (no site 400.html)"][response.status_code] += 1


def assert_clear_json(response) -> None:
    assert response.status_code < 500, response.status_code
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    payload = json.loads(response.content)
    if response.status_code >= 400:
        assert payload.get("detail"), payload


# --------------------------------------------------------------------------- tip form


def _tip_urls(site_tree):
    appeal = site_tree["appeal"].pk
    return ["/tip/", "/en/tip/", f"/nl/tip/appeal/{appeal}/", "/de/tip/appeal/999999999/"]


@st.composite
def tip_fields(draw):
    """A POST body as a list of (name, value): fields missing, duplicated, unknown or hostile."""
    items = []
    well_formed = draw(st.integers(0, 3)) == 0  # a quarter: valid tips with hostile extras
    for name in TIP_FIELDS:
        choice = (
            "keep"
            if well_formed
            else draw(st.sampled_from(["keep", "keep", "missing", "dup", "hostile"]))
        )
        if name == "form_token" and choice in ("keep", "dup"):
            value = antispam.issue_token()
        elif name == "website" and choice == "keep":
            value = ""
        elif choice == "keep":
            value = {"when_date": "2025-05-01", "when_time": "14:30", "seeing_now": "on"}.get(
                name, draw(st.sampled_from(["I saw him near the station.", "Gare du Midi"]))
            )
        else:
            value = draw(TEXT)
        if choice == "missing":
            continue
        items.append((name, value))
        if choice == "dup":
            items.append((name, draw(TEXT)))
    for _ in range(draw(st.integers(0, 2))):
        items.append((draw(st.text(max_size=20)), draw(TEXT)))
    return items


@FUZZ
@given(fields=tip_fields(), url_index=st.integers(0, 3), multipart=st.booleans())
def test_tip_form_fields(tipline, fields, url_index, multipart):
    client = Client()
    url = _tip_urls(tipline)[url_index]
    data: dict[str, list[str]] = collections.defaultdict(list)
    for name, value in fields:
        data[name].append(value)
    if multipart:
        response = client.post(url, dict(data))
    else:
        from urllib.parse import urlencode

        body = urlencode([(n, v) for n, v in fields], doseq=True)
        response = client.post(url, body, content_type="application/x-www-form-urlencoded")
    _record("tip form fields", response)
    assert_clear_html(response)
    if response.status_code == 200 and RECEIPT_RE.search(response.content):
        STATS["tip form fields"]["accepted"] += 1


_BOUNDARY = "----fuzzboundary7MA4YWxkTrZu0gW"


@st.composite
def multipart_body(draw):
    """A multipart body that may be truncated, mis-delimited or mis-encoded."""
    parts = []
    for _ in range(draw(st.integers(0, 6))):
        name = draw(st.one_of(st.sampled_from([*TIP_FIELDS, "photos"]), st.text(max_size=10)))
        header = f'Content-Disposition: form-data; name="{name}"'
        if draw(st.booleans()):
            header += f'; filename="{draw(st.text(max_size=30))}"'
            header += "\r\nContent-Type: " + draw(
                st.sampled_from(["image/jpeg", "text/html", "", "application/zip", "image/png"])
            )
        value = draw(
            st.one_of(
                st.binary(max_size=400),
                st.sampled_from(
                    [b"\xff\xd8\xff\xe0garbage", b"\x89PNG\r\n\x1a\n", b"\xc3\x28\xa0\xa1", b""]
                ),
                TEXT.map(lambda t: t.encode("utf-8")),
            )
        )
        parts.append(header.encode("utf-8", "surrogatepass") + b"\r\n\r\n" + value)
    body = b"".join(b"--" + _BOUNDARY.encode() + b"\r\n" + p + b"\r\n" for p in parts)
    if draw(st.booleans()):
        body += b"--" + _BOUNDARY.encode() + b"--\r\n"
    mutation = draw(st.sampled_from(["none", "truncate", "garbage", "flip"]))
    if mutation == "truncate" and body:
        body = body[: draw(st.integers(0, len(body)))]
    elif mutation == "garbage":
        body = draw(st.binary(max_size=300)) + body
    elif mutation == "flip" and body:
        i = draw(st.integers(0, len(body) - 1))
        body = body[:i] + bytes([body[i] ^ 0xFF]) + body[i + 1 :]
    content_type = draw(
        st.sampled_from(
            [
                f"multipart/form-data; boundary={_BOUNDARY}",
                "multipart/form-data",
                "multipart/form-data; boundary=",
                f"multipart/form-data; boundary={_BOUNDARY}; charset=bogus-charset",
                f"multipart/form-data; boundary={'x' * 300}",
                "application/x-www-form-urlencoded; charset=utf-16",
                "text/plain",
                "application/json",
            ]
        )
    )
    return body, content_type


@FUZZ
@given(payload=multipart_body(), followup=st.booleans())
def test_malformed_bodies(tipline, payload, followup):
    body, content_type = payload
    url = "/en/tip/follow-up/" if followup else "/en/tip/"
    response = Client().generic("POST", url, body, content_type=content_type)
    _record("malformed bodies", response)
    assert_clear_html(response)


@FUZZ
@given(
    size=st.sampled_from([3 * 1024 * 1024, 200_000, 2_100_000]),
    field=st.sampled_from(["what", "place", "contact", "how_known", "unknown"]),
)
def test_huge_fields(tipline, size, field):
    data = {"what": "seen", "form_token": antispam.issue_token(), field: "x" * size}
    response = Client().post("/en/tip/", data)
    _record("huge fields", response)
    assert_clear_html(response)
    # Too big for the site's limits: refused with 400/413, or re-shown (200) with a message.
    assert not RECEIPT_RE.search(response.content) or field == "unknown" or size < 20_000


@pytest.mark.parametrize("encoding", ["latin-1-bytes", "overlong", "lone-continuation"])
def test_invalid_utf8_keeps_the_text(tipline, encoding):
    raw = {
        "latin-1-bytes": b"J'ai vu l'homme \xe0 la gare \xe9\xe8",
        "overlong": b"station \xc0\xaf\xe0\x80\xaf",
        "lone-continuation": b"near the \x80\x81 bridge",
    }[encoding]
    token = antispam.issue_token().encode()
    body = b"what=" + raw.replace(b" ", b"+") + b"&website=&form_token=" + token
    response = Client().post("/en/tip/", body, content_type="application/x-www-form-urlencoded")
    _record("invalid utf-8", response)
    assert_clear_html(response)
    assert response.status_code == 200


# --------------------------------------------------------------------------- follow-up


def _open_followup(client: Client) -> str:
    response = client.post(
        "/en/tip/",
        {"what": "Seen near the market.", "website": "", "form_token": antispam.issue_token()},
    )
    match = RECEIPT_RE.search(response.content)
    assert match, response.content[:2000]
    receipt = match.group().decode()
    opened = client.post("/en/tip/follow-up/", {"receipt": receipt})
    assert opened.status_code in (200, 302), opened.status_code
    return receipt


@FUZZ
@given(
    receipt=st.one_of(TEXT, st.from_regex(r"\d{4}(-\d{4}){6}", fullmatch=True)),
    draft=TEXT,
)
def test_followup_receipt(tipline, receipt, draft):
    response = Client().post("/en/tip/follow-up/", {"receipt": receipt, "draft": draft})
    _record("follow-up receipt", response)
    assert_clear_html(response)


@FUZZ
@given(
    endpoint=st.sampled_from(["answer/", "leave/", "delete/", "proof/", ""]),
    fields=st.dictionaries(
        st.sampled_from(["text", "confirm", "format", "draft", "receipt", "photos", "zz"]),
        st.one_of(TEXT, st.lists(TEXT, max_size=3)),
        max_size=4,
    ),
    method=st.sampled_from(["get", "post"]),
    query=st.dictionaries(st.sampled_from(["done", "next", "page"]), TEXT, max_size=2),
)
def test_followup_conversation(followup_client, endpoint, fields, method, query):
    from urllib.parse import urlencode

    url = "/en/tip/follow-up/" + endpoint + ("?" + urlencode(query) if query else "")
    response = getattr(followup_client, method)(url, fields if method == "post" else None)
    _record("follow-up session", response)
    assert_clear_html_or_download(response)


def assert_clear_html_or_download(response):
    if response.status_code == 200 and "attachment" in response.get("Content-Disposition", ""):
        return
    assert_clear_html(response)


@pytest.fixture
def followup_client(tipline):
    client = Client()
    _open_followup(client)
    return client


# --------------------------------------------------------------------------- appeals


QUERY_KEYS = [
    "q",
    "kind",
    "status",
    "offence",
    "region",
    "sex",
    "nationality",
    "sort",
    "page",
    "page_size",
    "language",
    "format",
    "utm_source",
]


@st.composite
def query_string(draw):
    from urllib.parse import quote

    pairs = draw(st.lists(st.tuples(st.sampled_from(QUERY_KEYS), TEXT), max_size=6))
    if draw(st.booleans()):
        pairs.append(
            (
                "page",
                draw(
                    st.sampled_from(["0", "-1", "99999999999999999999", "1.5", "2", "last", "\x00"])
                ),
            )
        )
    encoded = "&".join(f"{quote(k)}={quote(v[:3000], safe='')}" for k, v in pairs)
    if draw(st.booleans()):
        encoded += "&%ff%fe=%c3%28&bare&&=="  # invalid UTF-8 and degenerate pairs
    return encoded


@FUZZ
@given(qs=query_string(), which=st.sampled_from(["index", "home", "appeal", "feed", "feed-en"]))
def test_appeal_pages_search_filters_pagination(tipline, qs, which):
    path = {
        "index": tipline["index"].url,
        "home": "/",
        "appeal": tipline["appeal"].url,
        "feed": "/feeds/appeals.rss",
        "feed-en": "/en/feeds/appeals.atom",
    }[which]
    response = Client().get(f"{path}?{qs}")
    _record("appeal pages", response)
    assert response.status_code < 500
    if which.startswith("feed"):
        assert response.status_code in (200, 400, 404)
    else:
        assert_clear_html(response)


@FUZZ
@given(
    qs=query_string(),
    appeal_id=st.one_of(
        st.integers(-(2**70), 2**70).map(str), TEXT.filter(lambda t: "/" not in t and t)
    ),
    which=st.sampled_from(["list", "detail", "openapi"]),
)
def test_json_api_parameters(tipline, qs, appeal_id, which):
    from urllib.parse import quote

    path = {
        "list": "/api/v1/appeals",
        "detail": f"/api/v1/appeals/{quote(appeal_id[:200], safe='')}",
        "openapi": "/api/v1/openapi.json",
    }[which]
    response = Client().get(f"{path}?{qs}")
    _record("json api", response)
    assert response.status_code < 500, response.content[:500]
    if response.status_code == 404 and not response["Content-Type"].startswith("application"):
        assert_clear_html(response)  # no API route matched: the site's 404 page
    else:
        assert_clear_json(response)
