"""Fixtures for incident media: an open incident appeal on a ready tip line."""

import base64
import os

import pytest

from tests.factories import make_tipline, open_intake

UPLOAD_URL = "/en/tip/upload/"


@pytest.fixture(autouse=True)
def _intake_settings(settings):
    yield from open_intake(settings, clear_after=False)


@pytest.fixture
def tipline(db):
    return make_tipline("Incident desk")


@pytest.fixture
def incident(tipline):
    """A live incident appeal (fr) with an open intake window, routed to the desk."""
    from wagtail.models import Locale, Site

    from appeals.models import AppealIndexPage, AppealPage

    for code in ("fr", "nl", "de", "en"):
        Locale.objects.get_or_create(language_code=code)
    root = Site.objects.get(is_default_site=True).root_page
    index = root.add_child(instance=AppealIndexPage(title="Avis", slug="avis-incident"))
    return index.add_child(
        instance=AppealPage(
            title="Attaque du marché", slug="attaque-marche", kind="incident", desk=tipline[0]
        )
    )


def new_secret() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()


def tus_headers(secret, **extra):
    headers = {"HTTP_TUS_RESUMABLE": "1.0.0", "HTTP_UPLOAD_SECRET": secret}
    headers.update({"HTTP_" + k.upper().replace("-", "_"): str(v) for k, v in extra.items()})
    return headers


def metadata(filename, appeal_id):
    enc = lambda s: base64.b64encode(s.encode()).decode()  # noqa: E731
    return f"filename {enc(filename)},appeal {enc(str(appeal_id))}"


def create(client, secret, appeal, length, filename="clip.mp4"):
    response = client.post(
        UPLOAD_URL,
        **tus_headers(
            secret, **{"Upload-Length": length, "Upload-Metadata": metadata(filename, appeal.pk)}
        ),
    )
    return response


def patch(client, location, secret, offset, body, **extra):
    return client.generic(
        "PATCH",
        location,
        data=body,
        content_type="application/offset+octet-stream",
        **tus_headers(secret, **{"Upload-Offset": offset, **extra}),
    )


def upload_all(client, appeal, data: bytes, *, filename="clip.mp4", chunk=64 * 1024, secret=None):
    """Create and send a whole file in chunks; return (token, secret)."""
    secret = secret or new_secret()
    response = create(client, secret, appeal, len(data), filename)
    assert response.status_code == 201, response.content
    location = response["Location"]
    offset = 0
    while offset < len(data):
        r = patch(client, location, secret, offset, data[offset : offset + chunk])
        assert r.status_code == 204, r.content
        offset = int(r["Upload-Offset"])
    return location.rstrip("/").rsplit("/", 1)[-1], secret
