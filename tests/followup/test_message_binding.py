"""A database writer cannot flip a follow-up message's direction or author (or move it to
another tip) undetected: both envelopes bind them (issue 14, tips.sealing.message_context).
A flipped message does not open; the operator gets a TRUST ALERT; the tipster's page still
answers (without that message), never a 500."""

import logging

import pytest
from django.test import Client

from tips import crypto, keys, sealing
from tips.followup import services
from tips.models import Message, MessageDirection, Tip

from .conftest import PASSPHRASE, open_conversation, send_tip_through_form


def _desk_keys(user):
    opened = keys.unwrap_desk_keys(user, keys.open_personal_key(user, PASSPHRASE))
    return opened, sealing.desk_key_ids(opened)


def _open_for_desk(message, user):
    message = Message.objects.select_related("tip").get(pk=message.pk)
    opened, key_ids = _desk_keys(user)
    return sealing.open_message_for_desk(message, message.tip, opened, key_ids)


def _alerts(caplog):
    return [r for r in caplog.records if r.name == "tips.trust" and "TRUST ALERT" in r.message]


@pytest.fixture
def conversation(world):
    """A tip sent through the form, a question from inv_a and an answer from the tipster."""
    client = Client()
    receipt = send_tip_through_form(client)
    tip = Tip.objects.get()
    question = services.question_send(tip=tip, actor=world.inv_a, text="QUESTION-CANARY?")
    answer = services.answer_submit(tip_id=tip.pk, text="ANSWER-CANARY")
    return receipt, tip, question, answer


@pytest.mark.parametrize(
    "change",
    [
        {"direction": MessageDirection.FROM_TIPSTER},  # the desk's question as an answer
        {"author": "inv_a2"},  # someone else asked
        {"author": None},
    ],
)
def test_flipped_question_is_detected_by_the_desk(world, conversation, caplog, change):
    _receipt, _tip, question, _answer = conversation
    assert _open_for_desk(question, world.inv_a)["text"] == "QUESTION-CANARY?"
    if "author" in change:
        change = {"author": getattr(world, change["author"]) if change["author"] else None}
    Message.objects.filter(pk=question.pk).update(**change)
    caplog.set_level(logging.WARNING, logger="tips.trust")
    assert _open_for_desk(question, world.inv_a) is None
    [alert] = _alerts(caplog)
    assert f"follow-up message {question.pk}" in alert.message
    assert "direction, author or tip was changed in the database" in alert.message


def test_flipped_answer_is_detected_by_the_desk(world, conversation, caplog):
    _receipt, _tip, _question, answer = conversation
    assert _open_for_desk(answer, world.inv_a)["text"] == "ANSWER-CANARY"
    # A fake question from inv_a: "the desk asked this".
    Message.objects.filter(pk=answer.pk).update(
        direction=MessageDirection.TO_TIPSTER, author=world.inv_a
    )
    caplog.set_level(logging.WARNING, logger="tips.trust")
    assert _open_for_desk(answer, world.inv_a) is None
    assert _alerts(caplog)


def test_flipped_message_is_left_out_of_the_tipsters_page_not_a_500(world, conversation, caplog):
    receipt, _tip, question, answer = conversation
    page = open_conversation(Client(), receipt)
    assert b"QUESTION-CANARY?" in page.content and b"ANSWER-CANARY" in page.content
    Message.objects.filter(pk=answer.pk).update(
        direction=MessageDirection.TO_TIPSTER, author=world.inv_a
    )
    caplog.set_level(logging.WARNING, logger="tips.trust")
    page = open_conversation(Client(), receipt)
    assert page.status_code == 200
    assert b"QUESTION-CANARY?" in page.content  # the untouched message still shows
    assert b"ANSWER-CANARY" not in page.content
    [alert] = _alerts(caplog)
    assert f"follow-up message {answer.pk}" in alert.message


def test_a_message_moved_to_another_tip_does_not_open(world, conversation, caplog):
    from tests.triage.conftest import submit_tip

    _receipt, _tip, question, _answer = conversation
    other = submit_tip(world.desk_a, "another tip")
    Message.objects.filter(pk=question.pk).update(tip=other)
    caplog.set_level(logging.WARNING, logger="tips.trust")
    assert _open_for_desk(question, world.inv_a) is None
    assert _alerts(caplog)


def test_messages_sealed_before_the_binding_still_open(world, conversation):
    """Rows written before direction and author were bound (legacy context): no data
    migration is needed, they open as before."""
    _receipt, tip, question, _answer = conversation
    legacy = crypto.seal(
        sealing._encode_message({"text": "LEGACY"}),
        sealing.desk_recipients(tip),
        context=f"tip-message:{tip.reference}:{question.nonce}".encode(),
    )
    Message.objects.filter(pk=question.pk).update(desk_ciphertext=legacy)
    assert _open_for_desk(question, world.inv_a)["text"] == "LEGACY"
