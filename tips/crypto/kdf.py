"""Argon2id: passphrase wrapping of secrets, receipt digests and receipt-derived key pairs."""

from __future__ import annotations

import hmac
import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from .envelopes import _GCM_NONCE, _GCM_TAG
from .errors import CryptoError, DecryptionError, UnsupportedSuiteError
from .suites import DEFAULT_SUITE, KeyPair, _suite

# --------------------------------------------------------------------------- Argon2id

#: Argon2id for human vault passphrases: 64 MiB, 3 passes, 4 lanes (~0.2 s here).
PASSPHRASE_PARAMS = {"memory_cost": 64 * 1024, "iterations": 3, "lanes": 4}

#: Argon2id for receipts (see :func:`hash_receipt` for why this is cheap): 2 MiB, 1 pass.
RECEIPT_PARAMS = {"memory_cost": 2 * 1024, "iterations": 1, "lanes": 1}

# Bounds accepted from stored blobs, so a forged blob cannot exhaust memory or time.
_MAX_MEMORY_KIB = 2 * 1024 * 1024
_MAX_ITERATIONS = 64
_MAX_LANES = 64


def _argon2(secret: bytes, salt: bytes, length: int, params: dict | None) -> bytes:
    p = {**(params or {})}
    m, t, lanes = int(p["memory_cost"]), int(p["iterations"]), int(p["lanes"])
    if not (8 * lanes <= m <= _MAX_MEMORY_KIB and 1 <= t <= _MAX_ITERATIONS):
        raise CryptoError("Argon2id parameters out of bounds")
    if not 1 <= lanes <= _MAX_LANES or len(salt) < 8:
        raise CryptoError("Argon2id parameters out of bounds")
    kdf = Argon2id(salt=salt, length=length, iterations=t, lanes=lanes, memory_cost=m)
    return kdf.derive(secret)


# Passphrase blob v1: b"MWP" 0x01 | u32 memory KiB | u32 iterations | u32 lanes
#                     | 16-byte salt | 12-byte nonce | AES-256-GCM(ct, aad = header)
# v2 (b"MWP" 0x02): the same, with aad = header || associated data given by the caller
# (e.g. the owner and public key of a vault key, so the blob is bound to them).
_PW_MAGIC = b"MWP\x01"
_PW_MAGIC_BOUND = b"MWP\x02"
_PW_HEADER = struct.Struct(">4sIII16s")


def wrap_with_passphrase(
    secret: bytes, passphrase: str, *, params: dict | None = None, associated_data: bytes = b""
) -> bytes:
    """Encrypt ``secret`` under an Argon2id key from ``passphrase`` (params in the blob).

    ``associated_data`` (not stored) must be given again to unwrap: it binds the blob."""
    p = {**PASSPHRASE_PARAMS, **(params or {})}
    salt = os.urandom(16)
    magic = _PW_MAGIC_BOUND if associated_data else _PW_MAGIC
    header = _PW_HEADER.pack(magic, p["memory_cost"], p["iterations"], p["lanes"], salt)
    key = _argon2(passphrase.encode(), salt, 32, p)
    nonce = os.urandom(_GCM_NONCE)
    return header + nonce + AESGCM(key).encrypt(nonce, secret, header + associated_data)


def unwrap_with_passphrase(blob: bytes, passphrase: str, *, associated_data: bytes = b"") -> bytes:
    """Reverse :func:`wrap_with_passphrase`; a wrong passphrase raises DecryptionError.

    A v1 blob (made without associated data) ignores ``associated_data``."""
    blob = bytes(blob)
    if len(blob) < _PW_HEADER.size + _GCM_NONCE + _GCM_TAG:
        raise DecryptionError("truncated passphrase blob")
    magic, m, t, lanes, salt = _PW_HEADER.unpack_from(blob)
    if magic not in (_PW_MAGIC, _PW_MAGIC_BOUND):
        raise UnsupportedSuiteError("unsupported passphrase blob")
    header = blob[: _PW_HEADER.size] + (associated_data if magic == _PW_MAGIC_BOUND else b"")
    nonce = blob[_PW_HEADER.size : _PW_HEADER.size + _GCM_NONCE]
    key = _argon2(
        passphrase.encode(), salt, 32, {"memory_cost": m, "iterations": t, "lanes": lanes}
    )
    try:
        return AESGCM(key).decrypt(nonce, blob[_PW_HEADER.size + _GCM_NONCE :], header)
    except InvalidTag:
        raise DecryptionError("wrong passphrase or damaged blob") from None


# --------------------------------------------------------------------------- receipts


def _receipt_bytes(receipt: str) -> bytes:
    """Canonical form: without spaces and dashes, upper case (idempotent)."""
    return "".join(ch for ch in receipt if ch not in " -\t\r\n").upper().encode()


def hash_receipt(receipt: str, *, salt: bytes, params: dict | None = None) -> bytes:
    """A deterministic 32-byte lookup digest of a receipt.

    Why a cheap Argon2id and an installation-wide salt: the digest must be deterministic
    so a returning tipster's receipt can be found through a unique index (a per-tip salt
    would force hashing against every tip). Receipts are machine-generated with at least
    80 bits of entropy (93 bits by default), so, unlike a human password, they cannot be
    guessed from a stolen database whatever the hash cost; the Argon2id pass is defence in
    depth, and its cost is kept to a few milliseconds (``RECEIPT_PARAMS``, configurable)
    so that submitting a tip stays about as cheap as posting a plain form. The salt lives
    in the database or a setting, never derives from ``SECRET_KEY``, so rotating that key
    does not orphan receipts.
    """
    return _argon2(
        b"mostwanted/receipt-lookup\x00" + _receipt_bytes(receipt),
        salt,
        32,
        {**RECEIPT_PARAMS, **(params or {})},
    )


def receipt_matches(
    receipt: str, digest: bytes, *, salt: bytes, params: dict | None = None
) -> bool:
    """Whether ``receipt`` hashes to ``digest`` (constant-time comparison)."""
    return hmac.compare_digest(hash_receipt(receipt, salt=salt, params=params), bytes(digest))


def derive_receipt_keypair(
    receipt: str, salt: bytes, *, suite: str = DEFAULT_SUITE, params: dict | None = None
) -> KeyPair:
    """The tipster's key pair, derived with Argon2id from the receipt and a per-tip salt.

    Messages to the tipster are sealed to its public half; only someone holding the
    receipt can re-derive the private half.
    """
    impl = _suite(suite)
    seed = _argon2(
        b"mostwanted/receipt-key\x00" + _receipt_bytes(receipt),
        salt,
        impl.seed_length(),
        {**RECEIPT_PARAMS, **(params or {})},
    )
    return impl.keypair_from_seed(seed)
