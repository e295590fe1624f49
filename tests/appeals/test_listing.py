"""The appeal index: filters, search, sorting, pagination."""

import datetime

import pytest
from django.utils import timezone

from appeals.listing import PAGE_SIZE


def names(response):
    return [a.full_name for a in response.context["appeals"]]


@pytest.fixture
def appeals(make_appeal, offences):
    fr = offences["fr"]
    now = timezone.now()
    made = {
        "alice": make_appeal(
            full_name="Alice Wanted",
            kind="wanted",
            sex="female",
            region="brussels",
            offences=[fr["murder"]],
            nationalities=["BE"],
        ),
        "bob": make_appeal(
            full_name="Bob Unknown",
            kind="identify",
            sex="male",
            region="liege",
            offences=[fr["fraud"]],
            nationalities=["FR"],
        ),
        "carl": make_appeal(
            full_name="Carl Witness",
            kind="witness",
            sex="male",
            region="brussels",
            offences=[fr["fraud"], fr["murder"]],
            nationalities=["BE", "NL"],
        ),
        "dora": make_appeal(
            full_name="Dora Caught",
            kind="wanted",
            sex="female",
            status="arrested",
            region="brussels",
        ),
    }
    for i, key in enumerate(["alice", "bob", "carl", "dora"]):
        type(made[key]).objects.filter(pk=made[key].pk).update(
            first_published_at=now - datetime.timedelta(days=10 - i),
            last_published_at=now - datetime.timedelta(days=i),
        )
    return made


def get(client, site_tree, **params):
    return client.get(site_tree["fr"][1].url, params)


def test_default_listing_hides_resolved_appeals(client, site_tree, appeals):
    assert names(get(client, site_tree)) == ["Carl Witness", "Bob Unknown", "Alice Wanted"]


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"kind": "wanted"}, {"Alice Wanted"}),
        ({"kind": "wanted", "status": "all"}, {"Alice Wanted", "Dora Caught"}),
        ({"status": "arrested"}, {"Dora Caught"}),
        ({"sex": "male"}, {"Bob Unknown", "Carl Witness"}),
        ({"region": "brussels"}, {"Alice Wanted", "Carl Witness"}),
        ({"offence": "fraud"}, {"Bob Unknown", "Carl Witness"}),
        ({"nationality": "BE"}, {"Alice Wanted", "Carl Witness"}),
        ({"nationality": "NL", "offence": "murder"}, {"Carl Witness"}),
        ({"kind": "nonsense"}, {"Alice Wanted", "Bob Unknown", "Carl Witness"}),
    ],
)
def test_filters(client, site_tree, appeals, params, expected):
    assert set(names(get(client, site_tree, **params))) == expected


def test_full_text_search(client, site_tree, appeals):
    assert names(get(client, site_tree, q="Witness")) == ["Carl Witness"]
    assert names(get(client, site_tree, q="Caught", status="all")) == ["Dora Caught"]
    assert names(get(client, site_tree, q="nobodyatall")) == []


def test_sort_by_last_updated(client, site_tree, appeals):
    assert names(get(client, site_tree, sort="updated")) == [
        "Alice Wanted",
        "Bob Unknown",
        "Carl Witness",
    ]


def test_filter_urls_are_shareable_and_kept_across_pages(client, site_tree, make_appeal):
    for _ in range(PAGE_SIZE + 2):
        make_appeal(kind="identify")
    make_appeal(kind="wanted")
    first = get(client, site_tree, kind="identify")
    assert len(first.context["appeals"]) == PAGE_SIZE
    assert "kind=identify&amp;page=2" in first.content.decode()
    second = get(client, site_tree, kind="identify", page=2)
    assert len(second.context["appeals"]) == 2
    assert get(client, site_tree, kind="identify", page=99).context["page_obj"].number == 2


def test_listing_is_per_language(client, site_tree, make_appeal):
    fr = make_appeal(full_name="Seulement FR")
    make_appeal(lang="nl", full_name="Alleen NL", translation_of=fr)
    assert names(client.get(site_tree["nl"][1].url)) == ["Alleen NL"]
    assert names(client.get(site_tree["fr"][1].url)) == ["Seulement FR"]
