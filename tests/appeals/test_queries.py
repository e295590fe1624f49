"""Query counts of public pages do not grow with the number of appeals or photos."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

# The target of bench/README.md (origin-uncached): the region filter options are cached, the
# country options one constant query.
MAX_QUERIES = 15


def count(client, url):
    client.get(url)  # warm: renditions are created on first view
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_index_query_count_is_constant(
    client, site_tree, make_appeal, offences, django_assert_max_num_queries
):
    index_url = site_tree["fr"][1].url
    # Offences linked in another language cost one (constant) translation query.
    make_appeal(photos=1, offences=[offences["nl"]["murder"]], nationalities=["BE"])
    few = count(client, index_url)
    for _ in range(6):
        make_appeal(photos=3, offences=list(offences["nl"].values()), nationalities=["BE", "FR"])
    many = count(client, index_url)
    assert many == few
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(index_url)
    home_url = site_tree["fr"][0].url
    count(client, home_url)
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(home_url)


def test_appeal_page_query_count_is_constant(
    client, make_appeal, offences, django_assert_max_num_queries
):
    one = make_appeal(photos=1, offences=[offences["fr"]["murder"]], nationalities=["BE"])
    five = make_appeal(
        photos=5, offences=list(offences["fr"].values()), nationalities=["BE", "FR", "NL"]
    )
    assert count(client, five.url) == count(client, one.url)
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(five.url)
