"""Sealed tip documents and follow-up messages are padded to size buckets before sealing,
and documents sealed before padding still open (issue 15: sizes that tell nothing)."""

import json

import pytest

from tips import crypto, keys, padding, sealing, services
from tips.keys import active_desk_key
from tips.models import Tip

from .conftest import PASS


def _unlock(user):
    return keys.unwrap_desk_keys(user, keys.open_personal_key(user, PASS))


@pytest.mark.parametrize("size", [0, 1, 1023, 1024, 1025, 5000, 70_000])
def test_pad_reaches_the_bucket_and_unpad_restores(size):
    text = json.dumps({"t": "x" * size}).encode()
    padded = padding.pad_json(text)
    assert len(padded) == padding.bucket(len(text)) >= len(text)
    assert len(padded) & (len(padded) - 1) == 0  # a power of two
    assert padding.unpad_json(padded) == text
    assert json.loads(padded) == json.loads(text)


def test_short_and_long_tips_have_the_same_sealed_size(ready_desk):
    short = services.tip_submit(
        desk_key=active_desk_key(ready_desk["desk"]), fields={"what": "red car"}, language="fr"
    )
    long = services.tip_submit(
        desk_key=active_desk_key(ready_desk["desk"]),
        fields={"what": "He wore a red jacket. " * 20},
        language="fr",
    )
    assert short.tip.document_size == long.tip.document_size
    unlocked = _unlock(ready_desk["alice"])
    assert services.tip_open(short.tip, unlocked)["fields"]["what"] == "red car"


def test_a_tip_sealed_before_padding_still_opens(ready_desk):
    tip = services.tip_submit(
        desk_key=active_desk_key(ready_desk["desk"]), fields={"what": "x"}, language="fr"
    ).tip
    old_document = {"schema": 1, "reference": tip.reference, "fields": {"what": "unpadded"}}
    envelope = crypto.seal(
        json.dumps(old_document).encode(),
        [tip.desk_key.recipient, tip.recovery_key.recipient],
        context=sealing.tip_context(tip),
    )
    Tip.objects.filter(pk=tip.pk).update(ciphertext=envelope)
    tip = Tip.objects.select_related("desk_key").get(pk=tip.pk)
    assert services.tip_open(tip, _unlock(ready_desk["alice"]))["fields"]["what"] == "unpadded"


def test_followup_messages_of_different_lengths_seal_to_one_size(ready_desk):
    tip = services.tip_submit(
        desk_key=active_desk_key(ready_desk["desk"]), fields={"what": "x"}, language="fr"
    ).tip
    short, _ = sealing.seal_message_for_desk(tip, "n1", {"text": "yes"}, direction="from_tipster")
    long, _ = sealing.seal_message_for_desk(
        tip, "n2", {"text": "The car was parked there. " * 10}, direction="from_tipster"
    )
    assert len(short) == len(long)
    assert sealing._decode_message(padding.pad_json(b'{"text": "yes"}')) == {"text": "yes"}
    assert sealing._decode_message(b'{"text": "old"}') == {"text": "old"}
