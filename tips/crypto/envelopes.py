"""Envelopes (one plaintext sealed to several recipients), single-recipient wraps, and
secret-key sealing (AES-256-GCM under a key the caller holds)."""

from __future__ import annotations

import os
import struct
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .errors import CryptoError, DecryptionError, UnsupportedSuiteError
from .suites import Recipient, _suite

# --------------------------------------------------------------------------- envelopes
#
# Envelope v1 (all integers big-endian):
#   b"MWE" 0x01 | u16 n | n * ( u8 len key_id | key_id | u8 len suite | suite |
#                               u32 len wrap | wrap = HPKE(data key) )
#   | 12-byte nonce | AES-256-GCM(data key, nonce, plaintext, aad = header || context)
# The HPKE info binds each wrapped data key to the context and the recipient's key id.

_ENV_MAGIC = b"MWE\x01"
_GCM_NONCE = 12
_GCM_TAG = 16


def _hpke_info(context: bytes, key_id: str) -> bytes:
    kid = key_id.encode()
    return b"mostwanted/envelope/v1\x00" + struct.pack(">I", len(context)) + context + kid


def seal(plaintext: bytes, recipients: Sequence[Recipient], *, context: bytes) -> bytes:
    """Encrypt ``plaintext`` once and make it openable by each of ``recipients``.

    ``context`` (e.g. ``b"tip:T-7K3Q9D"``) must be given again to open: it binds the
    envelope to what it belongs to, so a ciphertext moved elsewhere does not open.
    """
    if not recipients:
        raise CryptoError("at least one recipient is required")
    data_key = AESGCM.generate_key(bit_length=256)
    header = bytearray(_ENV_MAGIC)
    header += struct.pack(">H", len(recipients))
    seen = set()
    for r in recipients:
        kid, sid = r.key_id.encode(), r.suite.encode()
        if not 0 < len(kid) < 256 or len(sid) >= 256 or r.key_id in seen:
            raise CryptoError("invalid or duplicate recipient key id")
        seen.add(r.key_id)
        impl = _suite(r.suite)
        wrap = impl.hpke.encrypt(
            data_key, impl.load_public(r.public_key), _hpke_info(context, r.key_id)
        )
        header += bytes([len(kid)]) + kid + bytes([len(sid)]) + sid
        header += struct.pack(">I", len(wrap)) + wrap
    nonce = os.urandom(_GCM_NONCE)
    body = AESGCM(data_key).encrypt(nonce, plaintext, bytes(header) + context)
    return bytes(header) + nonce + body


def _parse_envelope(envelope: bytes) -> tuple[list[tuple[str, str, bytes]], int]:
    """(recipients as (key_id, suite, wrap), offset of the body). Raises DecryptionError."""
    try:
        if envelope[:4] != _ENV_MAGIC:
            if len(envelope) > 4 and envelope[:3] == _ENV_MAGIC[:3]:
                raise UnsupportedSuiteError("unsupported envelope version")
            raise DecryptionError("not an envelope")
        (n,) = struct.unpack_from(">H", envelope, 4)
        pos, entries = 6, []
        for _ in range(n):
            klen = envelope[pos]
            kid = envelope[pos + 1 : pos + 1 + klen].decode()
            pos += 1 + klen
            slen = envelope[pos]
            sid = envelope[pos + 1 : pos + 1 + slen].decode()
            pos += 1 + slen
            (wlen,) = struct.unpack_from(">I", envelope, pos)
            wrap = envelope[pos + 4 : pos + 4 + wlen]
            if len(wrap) != wlen:
                raise DecryptionError("truncated envelope")
            pos += 4 + wlen
            entries.append((kid, sid, wrap))
        if len(envelope) < pos + _GCM_NONCE + _GCM_TAG:
            raise DecryptionError("truncated envelope")
        return entries, pos
    except (IndexError, struct.error, UnicodeDecodeError):
        raise DecryptionError("malformed envelope") from None


def envelope_recipients(envelope: bytes) -> list[tuple[str, str]]:
    """The (key_id, suite) pairs an envelope is sealed to (public information)."""
    entries, _ = _parse_envelope(bytes(envelope))
    return [(kid, sid) for kid, sid, _ in entries]


def open_sealed(envelope: bytes, *, key_id: str, private_key: bytes, context: bytes) -> bytes:
    """Open an envelope made by :func:`seal` as recipient ``key_id``.

    Raises :class:`DecryptionError` (wrong key, context, tampering) or
    :class:`UnsupportedSuiteError` (the recipient's suite cannot be used here).
    """
    envelope = bytes(envelope)
    entries, pos = _parse_envelope(envelope)
    match = [e for e in entries if e[0] == key_id]
    if not match:
        raise DecryptionError("no entry for this key")
    kid, sid, wrap = match[0]
    impl = _suite(sid)
    try:
        data_key = impl.hpke.decrypt(wrap, impl.load_private(private_key), _hpke_info(context, kid))
        nonce = envelope[pos : pos + _GCM_NONCE]
        return AESGCM(data_key).decrypt(
            nonce, envelope[pos + _GCM_NONCE :], envelope[:pos] + context
        )
    except (InvalidTag, ValueError):
        raise DecryptionError("envelope did not open") from None


_WRAP_CONTEXT = b"mostwanted/key-wrap/v1"


def wrap_for_recipient(
    secret: bytes, recipient: Recipient, *, context: bytes = _WRAP_CONTEXT
) -> bytes:
    """Seal a secret (typically a private key) to one recipient's public key."""
    return seal(secret, [recipient], context=context)


def unwrap_for_recipient(
    blob: bytes, key_id: str, private_key: bytes, *, context: bytes = _WRAP_CONTEXT
) -> bytes:
    """Reverse :func:`wrap_for_recipient`."""
    return open_sealed(blob, key_id=key_id, private_key=private_key, context=context)


# --------------------------------------------------------------------------- secret key
#
# Secret-key blob: 12-byte nonce | AES-256-GCM(key, nonce, plaintext, aad)


def new_secret_key() -> bytes:
    """A fresh random 256-bit key for :func:`secret_seal`."""
    return AESGCM.generate_key(bit_length=256)


def secret_seal(key: bytes, plaintext: bytes, *, aad: bytes | None = None) -> bytes:
    """Encrypt ``plaintext`` under the 256-bit ``key``, bound to ``aad``."""
    nonce = os.urandom(_GCM_NONCE)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def secret_open(key: bytes, blob: bytes, *, aad: bytes | None = None) -> bytes:
    """Reverse :func:`secret_seal`. Raises :class:`DecryptionError`."""
    blob = bytes(blob)
    try:
        return AESGCM(key).decrypt(blob[:_GCM_NONCE], blob[_GCM_NONCE:], aad)
    except (InvalidTag, ValueError):
        raise DecryptionError("blob did not open") from None
