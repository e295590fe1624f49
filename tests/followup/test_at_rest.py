"""Nothing readable at rest: the database alone cannot open a question, and the canary of an
answer (text, photo metadata, file name) is nowhere in clear."""

import logging
import time
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.tips_intake import images
from tests.tips_intake.test_no_plaintext import LOGGERS, assert_nowhere, db_blobs, everywhere
from tips import crypto, receipts, sealing
from tips.followup import services
from tips.keys import active_desk_key
from tips.models import Message, MessageDirection, Tip

from .conftest import open_conversation, send_tip_through_form


@pytest.fixture
def capture_all_logs(caplog):
    caplog.set_level(logging.DEBUG)
    added = []
    for name in (*LOGGERS, "tips.followup"):
        logger = logging.getLogger(name)
        if caplog.handler not in logger.handlers:
            logger.addHandler(caplog.handler)
            added.append(logger)
    yield caplog
    for logger in added:
        logger.removeHandler(caplog.handler)


def _key_candidates():
    """Every byte string of every row of every table, and every slice of it that has the
    length of a private key of a supported suite: all key material the database holds."""
    lengths = {32, 96}
    for _table, blob in db_blobs():
        for part in blob.split(b"\x1f"):
            yield part
            if len(part) > 32:
                for length in lengths:
                    for start in range(0, len(part) - length + 1, 8):
                        yield part[start : start + length]


def test_the_database_alone_cannot_open_a_question(world):
    tip_a = Tip.objects.get(pk=_tip_for(world).pk)
    canary = f"QCANARY{uuid.uuid4().hex[:12]}"
    question = services.question_send(tip=tip_a, actor=world.inv_a, text=canary)
    assert canary.encode() not in bytes(question.tipster_ciphertext)
    assert canary.encode() not in bytes(question.desk_ciphertext)

    opened_with = []
    tried = 0
    for candidate in _key_candidates():
        if len(candidate) not in (32, 96):
            continue
        tried += 1
        try:
            sealing.open_message_for_tipster(question, tip_a, candidate)
        except crypto.CryptoError:
            continue
        opened_with.append(candidate)
    assert tried > 100
    assert opened_with == []
    # Nor can the stored receipt salts and digests be used as a receipt-derived key.
    for row in Tip.objects.all():
        for material in (bytes(row.receipt_digest), bytes(row.receipt_salt)):
            pair = crypto.derive_receipt_keypair(material.hex(), bytes(row.receipt_salt))
            with pytest.raises(crypto.CryptoError):
                sealing.open_message_for_tipster(question, tip_a, pair.private_key)


def _tip_for(world):
    from tests.triage.conftest import submit_tip

    return submit_tip(world.desk_a, "the tip")


def test_only_the_receipt_opens_a_question(world):
    from tips.services import tip_submit

    submitted = tip_submit(
        desk_key=active_desk_key(world.desk_a), fields={"what": "x"}, language="fr"
    )
    question = services.question_send(tip=submitted.tip, actor=world.inv_a, text="Colour?")
    pair = receipts.receipt_keypair(
        submitted.receipt, bytes(submitted.tip.receipt_salt), submitted.tip.receipt_suite
    )
    assert (
        sealing.open_message_for_tipster(question, submitted.tip, pair.private_key)["text"]
        == "Colour?"
    )


def test_answer_canary_nowhere_in_clear(
    world, settings, capture_all_logs, capfd, django_capture_on_commit_callbacks
):
    settings.TIP_DEFAULT_DESK_ID = world.desk_a.pk
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    started = time.time()
    tipster = Client()
    receipt = send_tip_through_form(tipster, text="first tip")
    tip = Tip.objects.get()
    services.question_send(tip=tip, actor=world.inv_a, text="Which way did he go?")
    canary = f"ACNRY{uuid.uuid4().hex[:16]}"
    assert open_conversation(tipster, receipt).status_code == 200
    photo = SimpleUploadedFile(
        f"{canary}-name.jpg", images.jpeg_with_metadata(f"{canary}-exif"), "image/jpeg"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = tipster.post(
            reverse("tips:followup_answer"), {"text": f"{canary} north", "photos": [photo]}
        )
    assert response.status_code == 302
    # The answer and its notification exist (queued: ids only).
    answer = Message.objects.get(direction=MessageDirection.FROM_TIPSTER)
    assert answer.attachments.count() == 1
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.filter(task_path="tips.followup.tasks.notify_new_answer").exists()
    # The tipster's own page shows it (from their copy), yet nothing stored shows it.
    assert canary in tipster.get(reverse("tips:followup")).content.decode()
    captured = capfd.readouterr()
    assert_nowhere(
        [canary, receipt, receipt.replace("-", "")],
        everywhere(capture_all_logs.text, captured.out + captured.err, started),
    )
