"""The object store stops mid-run: storage faults are handled like database faults.

A private SeaweedFS holds the encrypted attachments; a tip with a photo goes through. Then
the ``weed`` process is stopped. A tip with a photo and a follow-up answer with a photo get
the "unavailable" page (503, ``Retry-After``) in the citizen's language with the text kept,
and nothing is half-stored; a tip without photos still goes; the investigator is told
clearly that the attachment cannot be fetched (never a 500).
"""

from __future__ import annotations

import io
import sys

import pytest
from django.test import Client
from django.urls import reverse

from mostwanted.storage_settings import s3_storages
from tests.followup.conftest import (  # noqa: F401 - fixtures
    _english_urls,
    _followup_settings,
    investigator_client,
    open_conversation,
    send_tip_through_form,
    world,
)
from tests.triage.conftest import png_bytes
from tips import antispam
from tips.models import Attachment, Message, MessageAttachment, Tip

pytestmark = [pytest.mark.django_db, pytest.mark.storage]
BEFORE = "OUTAGE-BEFORE the van was parked behind the station"
DURING = "OUTAGE-DURING he left towards the canal with a grey dog"
ANSWER = "OUTAGE-ANSWER he wore white trainers and a black cap"


def _photo(name="photo.png"):
    f = io.BytesIO(png_bytes((30, 140, 90)))
    f.name = name
    return f


def _tip_data(text):
    return {
        "what": text,
        "place": "Bruxelles-Midi",
        "how_known": "I saw him myself.",
        "contact": "",
        "website": "",
        "form_token": antispam.issue_token(),
    }


def _told(body: str) -> bool:
    """The attachment message, in the admin's language (French by default) or English."""
    return (
        "could not be fetched from storage" in body
        or "ne peut pas être lue dans le stockage" in body
    )


@pytest.fixture
def tips_on_private_store(private_store, settings, monkeypatch):
    for key, value in private_store.env().items():
        monkeypatch.setenv(key, value)
    settings.STORAGES = {**settings.STORAGES, "tips": s3_storages(location="outage")["tips"]}
    return private_store


def test_store_stopped_mid_run(
    world,  # noqa: F811 - the imported fixture
    investigator_client,  # noqa: F811 - the imported fixture
    tips_on_private_store,
    settings,
):
    settings.TIP_DEFAULT_DESK_ID = world.desk_a.pk
    tipster = Client()
    receipt = send_tip_through_form(tipster, BEFORE, photos=[_photo()])
    tip = Tip.objects.get()
    assert tip.attachments.count() == 1
    assert open_conversation(tipster, receipt).status_code == 200

    tips_on_private_store.stop()  # the store goes away

    # A tip with a photo: 503, Retry-After, the text kept, nothing stored.
    response = Client().post("/en/tip/", {**_tip_data(DURING), "photos": [_photo()]})
    body = response.content.decode()
    assert response.status_code == 503, response.status_code
    assert int(response["Retry-After"]) > 0
    assert DURING in body and "temporarily unavailable" in body
    assert Tip.objects.count() == 1 and Attachment.objects.count() == 1

    # The same in French (the citizen's language).
    response = Client().post("/tip/", {**_tip_data(DURING), "photos": [_photo()]})
    assert response.status_code == 503 and "indisponible" in response.content.decode()
    assert DURING in response.content.decode()

    # A follow-up answer with a photo: 503, the answer kept in the box, nothing stored.
    messages_before = Message.objects.count()
    response = tipster.post(
        "/en/tip/follow-up/answer/", {"text": ANSWER, "photos": [_photo("answer.png")]}
    )
    assert response.status_code == 503, response.status_code
    assert int(response["Retry-After"]) > 0
    assert ANSWER in response.content.decode()
    assert Message.objects.count() == messages_before
    assert not MessageAttachment.objects.exists()

    # A tip without photos does not need the store: it still goes.
    response = Client().post("/en/tip/", _tip_data("OUTAGE-TEXT-ONLY"))
    assert response.status_code == 200 and Tip.objects.count() == 2

    # Public images: the media view says 503 with Retry-After (a proxy serves stale copies).
    from django.test import RequestFactory

    from mostwanted.storage_views import serve_media

    settings.STORAGES = {**settings.STORAGES, "default": s3_storages(location="outage")["default"]}
    response = serve_media(RequestFactory().get("/media/images/a.jpg"), "images/a.jpg")
    assert response.status_code == 503 and int(response["Retry-After"]) > 0

    # The investigator: a clear message, never a 500.
    download = investigator_client.get(
        reverse("tips_admin:attachment_download", args=[tip.pk, 0]), follow=True
    )
    assert download.status_code == 200
    assert _told(download.content.decode())
    inline = investigator_client.get(reverse("tips_admin:attachment", args=[tip.pk, 0]))
    assert inline.status_code == 503
    assert _told(inline.content.decode())
    print(
        "\nstore stopped: tip 503 + text kept, answer 503 + text kept, admin told", file=sys.stderr
    )
