"""What is sealed to whom, under which context: the intent layer over :mod:`tips.crypto`.

Every envelope of the tip line is made and opened here, so one file tells who can read what:

==========================  ================================  ==============================
what                        sealed to                         context
==========================  ================================  ==============================
tip document                the tip's desk key + recovery     ``tip:<reference>``
note of an investigator     desk's active key + its recovery  ``tip-note:<reference>``
reader copy of a document   the reader's personal key         ``tip-reader:<ref>:<user id>``
message, tipster copy       the receipt-derived public key    ``tip-message/v2:…`` (below)
message, desk copy          desk's active key + its recovery  ``tip-message/v2:…`` (below)
==========================  ================================  ==============================

A message's context is ``tip-message/v2:<ref>:<nonce>:<direction>:<author id or ->``: the
direction and the author are bound, so a database writer cannot flip them undetected.

Documents are JSON, padded to a size bucket (:mod:`tips.padding`) before sealing so the
sealed size says only a bucket. The wraps of desk private keys (``tips.keys``) and the
secret-key cache entries (``tips.cache_session``) are the other users of the primitives.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping

from . import crypto, padding, trust
from .keys import active_desk_key
from .models import DeskKey, InvestigatorKey, RecoveryKey, Tip, TipNote, TipReader

MESSAGE_SCHEMA = 1


class TipNotReadable(crypto.DecryptionError):
    """The keys given do not include the one this tip is sealed to."""


# --------------------------------------------------------------------------- contexts


def tip_context(tip: Tip) -> bytes:
    """The envelope context binding the tip document to this tip."""
    return _tip_context(tip.reference)


def _tip_context(reference: str) -> bytes:
    return f"tip:{reference}".encode()


def _note_context(tip: Tip) -> bytes:
    return f"tip-note:{tip.reference}".encode()


def _reader_context(tip: Tip, user) -> bytes:
    return f"tip-reader:{tip.reference}:{user.pk}".encode()


def message_context(tip: Tip, nonce: str, direction: str, author_id) -> bytes:
    """Binds a follow-up message to its tip, its nonce, its direction and its author (issue
    14): a database writer who flips who asked or who answered makes it fail to open."""
    author = "-" if author_id is None else str(int(author_id))
    return f"tip-message/v2:{tip.reference}:{nonce}:{direction}:{author}".encode()


def _legacy_message_context(tip: Tip, nonce: str) -> bytes:
    """Messages sealed before direction and author were bound (opened, never sealed)."""
    return f"tip-message:{tip.reference}:{nonce}".encode()


def _message_contexts(message, tip: Tip) -> tuple[bytes, bytes]:
    return (
        message_context(tip, message.nonce, message.direction, message.author_id),
        _legacy_message_context(tip, message.nonce),
    )


class MessageTampered(crypto.DecryptionError):
    """A follow-up message opens under none of its contexts with the right key: its
    direction, author or tip was changed in the database."""


def alert_tampered(message, tip: Tip) -> None:
    """Tell the operator (CRITICAL ``tips.trust``): the right key did not open a message."""
    logging.getLogger("tips.trust").critical(
        "TRUST ALERT: follow-up message %s of tip %s fails its envelope check: its direction, "
        "author or tip was changed in the database (the stored row no longer matches what was "
        "sealed); investigate",
        message.pk,
        tip.pk,
    )


# --------------------------------------------------------------------------- recipients


def desk_recipients(tip: Tip) -> list[crypto.Recipient]:
    """The desk's active key (the tip's own key if the desk has none) and its recovery key:
    what is written after the tip arrived stays readable after a desk key rotation."""
    desk_key = active_desk_key(tip.desk) or tip.desk_key
    return trust.sealing_recipients(desk_key)  # anchored keys only: a swapped key is refused


def tipster_recipient(tip: Tip) -> crypto.Recipient:
    public = bytes(tip.receipt_public_key)
    return crypto.Recipient(crypto.key_fingerprint(public), tip.receipt_suite, public)


def desk_key_ids(desk_keys: Mapping[int, bytes]) -> dict[str, int]:
    """{key fingerprint: DeskKey id} of an unlocked vault's desk keys."""
    return {dk.key_id: dk.pk for dk in DeskKey.objects.filter(pk__in=list(desk_keys))}


def open_with_desk_keys(
    envelope: bytes, *, context: bytes, desk_keys: Mapping[int, bytes], key_ids: dict[str, int]
) -> bytes | None:
    """Open ``envelope`` with whichever unlocked desk key it is sealed to, or None.

    ``key_ids`` maps key fingerprints to DeskKey ids (see :func:`desk_key_ids`).
    """
    envelope = bytes(envelope)
    for key_id, _suite in crypto.envelope_recipients(envelope):
        pk = key_ids.get(key_id)
        if pk is not None and pk in desk_keys:
            try:
                return crypto.open_sealed(
                    envelope, key_id=key_id, private_key=desk_keys[pk], context=context
                )
            except crypto.CryptoError:
                return None
    return None


# --------------------------------------------------------------------------- tip document


def _load_document(plaintext: bytes) -> dict:
    try:
        return json.loads(padding.unpad_json(plaintext))  # padded or older, unpadded
    except ValueError:
        raise crypto.DecryptionError("document is not valid JSON") from None


def seal_tip_document(
    document: dict, *, reference: str, desk_key: DeskKey, recovery: RecoveryKey
) -> bytes:
    """The envelope of a tip document, sealed to the desk key and the recovery key."""
    plaintext = padding.pad_json(  # the sealed size says only a size bucket
        json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    )
    return crypto.seal(
        plaintext,
        [desk_key.recipient, recovery.recipient],
        context=_tip_context(reference),
    )


def open_tip_document(tip: Tip, desk_private_keys: Mapping[int, bytes]) -> dict:
    """The decrypted tip document, with the desk keys of an unlocked vault
    ({DeskKey id: private key}). Raises TipNotReadable / DecryptionError.

    Reading ``tip.desk_key`` costs a query unless the queryset used
    ``select_related("desk_key")``.
    """
    private = desk_private_keys.get(tip.desk_key_id)
    if private is None:
        raise TipNotReadable("tip sealed to a desk key that is not unlocked")
    return _open_tip(tip, tip.desk_key.key_id, private)


def open_tip_document_with_recovery(tip: Tip, recovery_private: bytes) -> dict:
    """The decrypted tip document, with the offline recovery private key."""
    return _open_tip(tip, tip.recovery_key.key_id, recovery_private)


def _open_tip(tip: Tip, key_id: str, private_key: bytes) -> dict:
    return _load_document(
        crypto.open_sealed(
            bytes(tip.ciphertext), key_id=key_id, private_key=private_key, context=tip_context(tip)
        )
    )


# --------------------------------------------------------------------------- notes


def seal_note(tip: Tip, text: str) -> bytes:
    """A note sealed to the desk's active key and the recovery key."""
    return crypto.seal(text.encode(), desk_recipients(tip), context=_note_context(tip))


def open_note(note: TipNote, desk_keys: Mapping[int, bytes], key_ids: dict[str, int]) -> str | None:
    """The note's text, or None if none of the unlocked keys opens it."""
    raw = open_with_desk_keys(
        note.ciphertext, context=_note_context(note.tip), desk_keys=desk_keys, key_ids=key_ids
    )
    return None if raw is None else raw.decode()


# --------------------------------------------------------------------------- reader copies


def seal_reader_copy(tip: Tip, reader, personal: InvestigatorKey, document: dict) -> bytes:
    """The opened document sealed to an info-only reader's personal key (checked against its
    binding first: never sealed to a key swapped in the database)."""
    trust.check_investigator_key(personal)
    return crypto.seal(
        json.dumps(document).encode(), [personal.recipient], context=_reader_context(tip, reader)
    )


def open_reader_copy(tip: Tip, user, personal_private: bytes) -> dict | None:
    """The reader copy of ``tip`` for ``user``, or None (no copy, no key, does not open)."""
    entry = TipReader.objects.filter(tip=tip, user=user).first()
    if entry is None or not entry.sealed_document:
        return None
    personal = InvestigatorKey.objects.filter(user=user).first()
    if personal is None:
        return None
    try:
        raw = crypto.open_sealed(
            bytes(entry.sealed_document),
            key_id=personal.key_id,
            private_key=personal_private,
            context=_reader_context(tip, user),
        )
    except crypto.CryptoError:
        return None
    return json.loads(raw)


# --------------------------------------------------------------------------- messages
#
# Two envelopes per follow-up message, both bound to it by ``message_context``. Document
# (JSON): ``{"schema": 1, "text": "...", "attachments": [...]}``. In the desk copy of an
# answer the attachments carry their keys (``StagedAttachment.document_entry``); the tipster
# copy lists names only.


def _encode_message(document: dict) -> bytes:
    # Padded to a size bucket: the sealed size does not tell the length of a message.
    return padding.pad_json(
        json.dumps({"schema": MESSAGE_SCHEMA, **document}, ensure_ascii=False).encode()
    )


def _decode_message(raw: bytes) -> dict:
    try:
        document = json.loads(padding.unpad_json(raw))  # padded or older, unpadded
    except ValueError:
        raise crypto.DecryptionError("message is not valid JSON") from None
    if not isinstance(document, dict):
        raise crypto.DecryptionError("message is not a document")
    return document


def seal_message_for_tipster(
    tip: Tip, nonce: str, document: dict, *, direction: str, author_id=None
) -> bytes:
    return crypto.seal(
        _encode_message(document),
        [tipster_recipient(tip)],
        context=message_context(tip, nonce, direction, author_id),
    )


def seal_message_for_desk(
    tip: Tip, nonce: str, document: dict, *, direction: str, author_id=None
) -> tuple[bytes, str]:
    """(envelope, suite of the desk key)."""
    recipients = desk_recipients(tip)
    envelope = crypto.seal(
        _encode_message(document),
        recipients,
        context=message_context(tip, nonce, direction, author_id),
    )
    return envelope, recipients[0].suite


def _open_message(message, tip: Tip, envelope: bytes, key_id: str, private_key: bytes) -> bytes:
    """Open with the bound context (or, for messages sealed before it, the legacy one);
    :class:`MessageTampered` if neither opens (or the key is not the right one: the callers
    that know the key is right call :func:`alert_tampered`)."""
    for context in _message_contexts(message, tip):
        try:
            return crypto.open_sealed(
                envelope, key_id=key_id, private_key=private_key, context=context
            )
        except crypto.CryptoError:
            continue
    raise MessageTampered(f"follow-up message {message.pk} does not match its envelope")


def open_message_for_tipster(message, tip: Tip, private_key: bytes) -> dict:
    """The tipster copy of ``message`` opened with the receipt-derived private key."""
    raw = _open_message(
        message,
        tip,
        bytes(message.tipster_ciphertext),
        tipster_recipient(tip).key_id,
        private_key,
    )
    return _decode_message(raw)


def open_message_for_desk(
    message, tip: Tip, desk_keys: Mapping[int, bytes], key_ids: dict[str, int]
) -> dict | None:
    """The desk copy opened with an unlocked vault's desk keys, or None if none opens it
    (no key of this vault, or a message changed in the database: then an alert is logged)."""
    envelope = bytes(message.desk_ciphertext)
    for key_id, _suite in crypto.envelope_recipients(envelope):
        pk = key_ids.get(key_id)
        if pk is None or pk not in desk_keys:
            continue
        try:
            raw = _open_message(message, tip, envelope, key_id, desk_keys[pk])
        except MessageTampered:
            alert_tampered(message, tip)  # the desk key the envelope names did not open it
            return None
        try:
            return _decode_message(raw)
        except crypto.CryptoError:
            return None
    return None
