"""Public responses can be kept by a CDN: no cookie, no Vary: Cookie, public Cache-Control."""

import pytest


@pytest.fixture
def public_urls(site_tree, make_appeal):
    page = make_appeal(photos=1)
    nl = make_appeal(lang="nl", photos=1, translation_of=page)
    home, index = site_tree["fr"]
    return [
        home.url,
        index.url,
        index.url + "?kind=wanted&q=x",
        page.url,
        nl.url,
        page.url + "poster/",
        site_tree["de"][0].url,
        "/feeds/appeals.rss",
        "/en/feeds/appeals.atom",
        "/sitemap.xml",
        "/robots.txt",
        "/api/v1/appeals",
        f"/api/v1/appeals/{page.pk}",
        "/api/v1/openapi.json",
    ]


def assert_cacheable(response, url):
    assert response.status_code == 200, url
    assert not response.cookies, url
    assert "Set-Cookie" not in response.headers, url
    assert "cookie" not in response.headers.get("Vary", "").lower(), url
    cache_control = response.headers.get("Cache-Control", "")
    assert "public" in cache_control, url
    assert "max-age=" in cache_control and "s-maxage=" in cache_control, url
    assert "private" not in cache_control and "no-store" not in cache_control, url


def test_public_responses_are_cacheable(client, public_urls):
    for url in public_urls:
        assert_cacheable(client.get(url), url)


def test_public_pages_stay_cacheable_for_logged_in_editors(client, public_urls, django_user_model):
    user = django_user_model.objects.create_superuser("boss", "b@example.invalid", "pw-123456789")
    client.force_login(user)
    for url in public_urls[:5]:
        response = client.get(url)
        assert "Set-Cookie" not in response.headers, url
        assert "cookie" not in response.headers.get("Vary", "").lower(), url
