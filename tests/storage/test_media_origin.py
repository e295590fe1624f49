"""Public images reach visitors from the site's own origin, whatever the storage.

Pages, feeds, the sitemap, the poster and the API are rendered with the configured storage
(local folder, or the S3 store in CI's object-store run) and searched: every image URL is
``/media/…`` on the site itself, and the store's host or bucket name appears nowhere. Each
image URL is then fetched through the site's media view and gives the image.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest
from django.core.files.storage import default_storage, storages
from django.test import RequestFactory

from mostwanted.storage import is_s3
from mostwanted.storage_views import clean_media_path, serve_media

pytestmark = [pytest.mark.django_db, pytest.mark.storage]

IMG_URL = re.compile(
    r'(?:src|content|href)="([^"]+\.(?:jpe?g|png|webp|gif))"|srcset="([^"]+)"'
    r'|<(?:url|enclosure)[^>]*(?:url|href)="([^"]+)"'
)


def _store_markers() -> list[str]:
    """Strings that would reveal the object store in a page (none for local storage)."""
    markers = []
    for alias in ("default", "tips"):
        storage = storages[alias]
        if is_s3(storage):
            markers.append(storage.bucket_name)
            if storage.endpoint_url:
                markers.append(urlsplit(storage.endpoint_url).netloc)
    return markers + ["amazonaws.com"]


def _image_urls(body: str) -> set[str]:
    found = set()
    for m in IMG_URL.finditer(body):
        if m.group(1) or m.group(3):
            found.add(m.group(1) or m.group(3))
        if m.group(2):
            found |= {part.strip().split(" ")[0] for part in m.group(2).split(",")}
    return found


def _json_strings(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _json_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _json_strings(v)
    elif isinstance(value, str):
        yield value


def _media_path(url: str) -> str:
    parts = urlsplit(url)
    assert parts.netloc in ("", "testserver"), f"image from another host: {url}"
    assert parts.path.startswith("/media/"), f"image outside /media/: {url}"
    return parts.path[len("/media/") :]


def test_pages_api_and_feeds_name_only_the_sites_own_media(client, make_appeal):
    appeal = make_appeal(photos=2, status="active")
    make_appeal(photos=1, status="active")
    pages = {
        "appeal": appeal.url,
        "index": appeal.get_parent().url,
        "home": "/",
        "rss": "/feeds/appeals.rss",
        "atom": "/feeds/appeals.atom",
        "sitemap": "/sitemap.xml",
        "api list": "/api/v1/appeals",
        "api item": f"/api/v1/appeals/{appeal.pk}",
    }
    markers = _store_markers()
    image_urls = set()
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        body = response.content.decode()
        for marker in markers:
            assert marker not in body, f"{marker!r} (the object store) named in {name}"
        if name.startswith("api"):
            strings = set(_json_strings(json.loads(body)))
            image_urls |= {s for s in strings if re.search(r"\.(?:jpe?g|png|webp)$", s)}
        else:
            image_urls |= _image_urls(body)
    # The poster draws the photo server-side (read from the store) and names no host either.
    poster = client.get(appeal.url + "poster/")
    assert poster.status_code == 200 and poster["Content-Type"] == "image/png"
    for marker in markers:
        assert marker.encode() not in poster.content

    paths = {_media_path(url) for url in image_urls}
    assert any(p.startswith("images/") for p in paths), image_urls  # renditions are there
    rf = RequestFactory()
    for path in sorted(paths):
        response = serve_media(rf.get(f"/media/{path}"), path)
        assert response.status_code == 200, path
        data = b"".join(response.streaming_content)
        assert data[:3] in (b"\xff\xd8\xff", b"\x89PN", b"RIF"), path
        assert response["Content-Type"].startswith("image/"), path
        assert response["Cache-Control"].startswith("public, max-age=")
        assert response["X-Content-Type-Options"] == "nosniff"
        if is_s3(default_storage):  # the route is wired: /media/ answers on the site itself
            assert client.get(f"/media/{path}").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "../etc/passwd",
        "images/../../secret",
        "images/../ab/0123.bin",
        "/images/x.jpg",
        "images\\x.jpg",
        "images/x.jpg\x00",
        "documents/report.pdf",
        "tips/ab/0123.bin",
        "",
        "images//x.jpg",
    ],
)
def test_media_view_refuses_anything_but_public_image_names(path):
    assert clean_media_path(path) is None


def test_media_view_never_reads_the_tip_store(client):
    """An encrypted attachment's name, asked for under /media/, is not found."""
    from django.core.files.base import ContentFile
    from django.http import Http404

    tips = storages["tips"]
    name = tips.save("images/probe.jpg", ContentFile(b"\xff\xd8\xff ciphertext"))
    try:
        with pytest.raises(Http404):
            serve_media(RequestFactory().get(f"/media/{name}"), name)
    finally:
        tips.delete(name)


def test_missing_image_is_404():
    from django.http import Http404

    with pytest.raises(Http404):
        serve_media(RequestFactory().get("/media/images/none.jpg"), "images/none.jpg")
