"""Sealing and opening follow-up messages (thin layer over :mod:`tips.crypto`).

Two envelopes per message, both bound to the message by the context
``tip-message:<reference>:<nonce>``:

* the tipster copy, sealed to the receipt-derived public key of the tip;
* the desk copy, sealed to the desk's active key (the tip's key if none) and its recovery key.

Document (JSON): ``{"schema": 1, "text": "...", "attachments": [...]}``. In the desk copy of an
answer the attachments carry their keys (``StagedAttachment.document_entry``); the tipster copy
lists names only.
"""

from __future__ import annotations

import json

from tips import crypto, padding
from tips.models import Tip

SCHEMA = 1


def message_context(tip: Tip, nonce: str) -> bytes:
    return f"tip-message:{tip.reference}:{nonce}".encode()


def tipster_recipient(tip: Tip) -> crypto.Recipient:
    public = bytes(tip.receipt_public_key)
    return crypto.Recipient(crypto.key_fingerprint(public), tip.receipt_suite, public)


def desk_recipients(tip: Tip) -> list[crypto.Recipient]:
    from tips.keys import active_desk_key
    from tips.trust import sealing_recipients

    desk_key = active_desk_key(tip.desk) or tip.desk_key
    return sealing_recipients(desk_key)  # anchored keys only (issue 14)


def _encode(document: dict) -> bytes:
    # Padded to a size bucket: the sealed size does not tell the length of a message.
    return padding.pad_json(json.dumps({"schema": SCHEMA, **document}, ensure_ascii=False).encode())


def seal_for_tipster(tip: Tip, nonce: str, document: dict) -> bytes:
    return crypto.seal(
        _encode(document), [tipster_recipient(tip)], context=message_context(tip, nonce)
    )


def seal_for_desk(tip: Tip, nonce: str, document: dict) -> tuple[bytes, str]:
    """(envelope, suite of the desk key)."""
    recipients = desk_recipients(tip)
    envelope = crypto.seal(_encode(document), recipients, context=message_context(tip, nonce))
    return envelope, recipients[0].suite


def _decode(raw: bytes) -> dict:
    try:
        document = json.loads(padding.unpad_json(raw))  # padded or older, unpadded
    except ValueError:
        raise crypto.DecryptionError("message is not valid JSON") from None
    if not isinstance(document, dict):
        raise crypto.DecryptionError("message is not a document")
    return document


def open_tipster_copy(message, tip: Tip, private_key: bytes) -> dict:
    """The tipster copy of ``message`` opened with the receipt-derived private key."""
    return _decode(
        crypto.open_sealed(
            bytes(message.tipster_ciphertext),
            key_id=tipster_recipient(tip).key_id,
            private_key=private_key,
            context=message_context(tip, message.nonce),
        )
    )


def open_desk_copy(message, tip: Tip, desk_keys: dict[int, bytes], key_ids: dict[str, int]):
    """The desk copy opened with an unlocked vault's desk keys, or None if none opens it.

    ``key_ids`` maps key fingerprints to DeskKey ids (``tips.admin.workflow.desk_key_ids``).
    """
    envelope = bytes(message.desk_ciphertext)
    for key_id, _suite in crypto.envelope_recipients(envelope):
        pk = key_ids.get(key_id)
        if pk is not None and pk in desk_keys:
            try:
                return _decode(
                    crypto.open_sealed(
                        envelope,
                        key_id=key_id,
                        private_key=desk_keys[pk],
                        context=message_context(tip, message.nonce),
                    )
                )
            except crypto.CryptoError:
                return None
    return None
