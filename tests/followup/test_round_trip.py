"""The whole exchange: tip through the form, question, the tipster returns, reads, answers with
a photo; the investigator reads the answer, its photo and the read marker."""

import io

from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image

from tips.models import Message, MessageDirection, Tip

from .conftest import open_conversation, png_bytes, send_tip_through_form


def _photo(name="answer.png"):
    f = io.BytesIO(png_bytes((10, 120, 200)))
    f.name = name
    return f


def test_round_trip(world, investigator_client, settings, django_capture_on_commit_callbacks):
    settings.TIP_DEFAULT_DESK_ID = world.desk_a.pk
    tipster = Client()
    receipt = send_tip_through_form(tipster)
    tip = Tip.objects.get()
    assert tip.desk_id == world.desk_a.pk
    tip.assignee = world.inv_a
    tip.save(update_fields=["assignee"])

    # The investigator asks a question.
    response = investigator_client.post(
        reverse("tips_admin:followup_question", args=[tip.pk]),
        {"text": "Which direction did he leave in?"},
    )
    assert response.status_code == 302
    question = Message.objects.get(direction=MessageDirection.TO_TIPSTER)
    assert question.author == world.inv_a
    assert question.read_by_tipster_at is None

    # The tipster comes back with the receipt (in a fresh browser): status, question, receipt.
    tipster = Client()
    response = open_conversation(tipster, receipt)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Which direction did he leave in?" in body
    assert receipt.split("-")[0] in body  # first return: the receipt is shown again
    assert response["Cache-Control"].startswith("no-store")
    cookie = response.cookies["followup"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    question.refresh_from_db()
    assert question.read_by_tipster_at is not None

    # Second visit within the session: no receipt any more.
    response = tipster.get(reverse("tips:followup"))
    assert "Which direction did he leave in?" in response.content.decode()
    assert receipt.split("-")[0] not in response.content.decode()

    # The tipster answers with a photo.
    Tip.objects.filter(pk=tip.pk).update(unread=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = tipster.post(
            reverse("tips:followup_answer"),
            {"text": "He went north, towards the canal.", "photos": [_photo()]},
        )
    assert response.status_code == 302, response.content[:3000]
    answer = Message.objects.get(direction=MessageDirection.FROM_TIPSTER)
    assert answer.attachments.count() == 1
    tip.refresh_from_db()
    assert tip.unread
    assert [m.to for m in mail.outbox] == [[world.inv_a.email]]
    assert tip.reference in mail.outbox[0].subject
    assert "canal" not in mail.outbox[0].body
    response = tipster.get(response["Location"])
    assert "He went north, towards the canal." in response.content.decode()

    # The investigator reads the answer, the photo and the read marker.
    response = investigator_client.get(reverse("tips_admin:detail", args=[tip.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "He went north, towards the canal." in body
    with translation.override(settings.LANGUAGE_CODE):  # the admin's language here
        assert gettext("read by the tipster on %(when)s").split("%")[0] in body
    answer.refresh_from_db()
    assert answer.read_by_desk
    photo_url = reverse("tips_admin:followup_photo", args=[tip.pk, answer.pk, 0])
    assert photo_url in body
    response = investigator_client.get(photo_url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert image.size == (32, 24)


def test_leave_ends_the_session(world):
    tipster = Client()
    receipt = send_tip_through_form(tipster)
    open_conversation(tipster, receipt)
    assert "followup" in tipster.cookies
    response = tipster.post(reverse("tips:followup_leave"))
    assert response.status_code == 302
    response = tipster.get(reverse("tips:followup"))
    assert b'name="receipt"' in response.content
