"""Hostile search and API input never yields a 5xx, on SQLite and on PostgreSQL alike.

Run with ``DATABASE_URL=postgres://…`` to check PostgreSQL: the same tests, another backend.
Every answer of the API must be one its OpenAPI document lists, with a body that matches.
"""

import pytest

from appeals.listing import search_words

from .test_api import validate

HOSTILE_TEXT = [
    '"',
    '"Élodie',
    'a"b',
    "'",
    "\x00",
    "Élodie\x00Marchal",
    "AND",
    "OR",
    "NOT",
    "NEAR",
    "Élodie AND",
    "OR Élodie",
    "NEAR(Élodie Marchal, 2)",
    "*",
    "Élo*",
    "(",
    ")",
    "((Élodie)",
    "full_name:Élodie",
    "^Élodie",
    "-Élodie",
    "+Élodie",
    "Élodie & Marchal | x",
    "!",
    "%",
    "_",
    "\\",
    "';DROP TABLE wagtailcore_page;--",
    "x" * 5000,
    "Élodie " * 400,
    "🙂",
    "名前",
    "\u202e\u200b",
    "   ",
]


@pytest.fixture
def appeals(make_appeal, site_tree):
    for code in ("fr", "nl", "de", "en"):
        make_appeal(lang=code, full_name="Élodie Marchal", case_reference="T-2024/77")
        make_appeal(lang=code, full_name="Jean Dupont")
    return site_tree


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").json()


def check_api(client, spec, url, params):
    response = client.get(url, params)
    assert response.status_code < 500, (url, params, response.status_code)
    template = "/api/v1/appeals/{appeal_id}" if url.count("/") > 3 else "/api/v1/appeals"
    documented = spec["paths"][template]["get"]["responses"]
    status = str(response.status_code)
    assert status in documented, f"{status} for {params} is not in the OpenAPI document"
    validate(response.json(), documented[status]["content"]["application/json"]["schema"], spec)
    return response


def test_search_words_keeps_letters_and_digits_only():
    assert search_words('"Élodie" AND (Marchal*)') == "Élodie AND Marchal"
    assert search_words("a\x00b") == "a b"
    assert search_words("T-2024/77") == "T 2024 77"
    assert search_words("\"'*()") == ""
    assert len(search_words("w " * 1000).split()) == 12


# One test per language, every hostile text in it: the appeals are made once per test.
@pytest.mark.parametrize("code", ["fr", "nl", "de", "en"])
def test_index_search(client, appeals, code):
    _home, index = appeals[code]
    for q in HOSTILE_TEXT:
        response = client.get(index.url, {"q": q})
        assert response.status_code == 200, (code, q, response.status_code)


@pytest.mark.parametrize("code", ["fr", "nl", "de", "en"])
def test_api_search(client, appeals, spec, code):
    for q in HOSTILE_TEXT:
        assert check_api(client, spec, "/api/v1/appeals", {"q": q, "language": code})


def test_search_treats_text_as_words(client, appeals):
    def found(q, code="fr"):
        data = client.get("/api/v1/appeals", {"q": q, "language": code}).json()
        return sorted(item["full_name"] for item in data["items"])

    assert found('"Élodie') == ["Élodie Marchal"]
    assert found("Élodie\x00Marchal") == ["Élodie Marchal"]
    assert found("(Marchal)", "nl") == ["Élodie Marchal"]
    assert found("dupont*", "de") == ["Jean Dupont"]
    assert found('"*"') == []
    _home, index = appeals["en"]
    page = client.get(index.url, {"q": 'Élodie"'}).content.decode()
    assert "Élodie Marchal" in page and "Jean Dupont" not in page


@pytest.mark.parametrize(
    "appeal_id, status",
    [
        ("9223372036854775808", 404),
        ("9223372036854775807", 404),
        ("99999999999999999999999999999999", 404),
        ("0", 404),
        ("-1", 404),
        ("-9223372036854775809", 404),
        ("abc", 422),
        ("1e3", 422),
        ("%00", 422),
    ],
)
def test_api_ids(client, appeals, spec, appeal_id, status):
    response = check_api(client, spec, f"/api/v1/appeals/{appeal_id}", {})
    assert response.status_code == status


@pytest.mark.parametrize(
    "params, status",
    [
        ({"language": "xx"}, 404),
        ({"language": "\x00"}, 404),
        ({"language": "fr\x00"}, 404),
        ({"language": "é" * 300}, 404),
        ({"page": "9223372036854775808"}, 200),
        ({"page": "0"}, 422),
        ({"page": "-1"}, 422),
        ({"page": "\x00"}, 422),
        ({"page_size": "9223372036854775808"}, 422),
        ({"page_size": "x"}, 422),
        ({"kind": "\x00", "status": '"', "sort": "*", "region": "(", "sex": "NEAR"}, 200),
        ({"offence": "\x00", "nationality": "B\x00"}, 200),
        ({"offence": "x" * 5000}, 200),
    ],
)
def test_api_other_parameters(client, appeals, spec, params, status):
    assert check_api(client, spec, "/api/v1/appeals", params).status_code == status


def test_index_other_parameters(client, appeals):
    _home, index = appeals["nl"]
    for params in (
        {"page": "9223372036854775808"},
        {"page": "\x00"},
        {"page": "-5"},
        {"kind": "\x00", "offence": "\x00", "sort": '"', "nationality": "\x00"},
    ):
        assert client.get(index.url, params).status_code == 200, params
