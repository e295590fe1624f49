"""Tip-line cryptography: one small module with an intent-named API and its own exceptions.

Pure Python over ``cryptography`` (no Django import, no hand-written primitive):

* **HPKE** (RFC 9180) seals small secrets to public keys. The default suite is the hybrid
  post-quantum KEM ``MLKEM768_X25519`` with HKDF-SHA256 and AES-256-GCM; X25519 alone is
  the fallback when the installed ``cryptography`` lacks the hybrid KEM. Every ciphertext
  records its suite id so keys can be rotated and suites upgraded.
* **Envelopes** (:func:`seal` / :func:`open_sealed`): a random data key encrypts the
  plaintext once with AES-256-GCM, and the data key is HPKE-sealed to each recipient.
* **Passphrase wrapping** (:func:`wrap_with_passphrase`): Argon2id -> AES-256-GCM, the
  Argon2id parameters stored in the blob.
* **Attachments**: chunked AES-256-GCM streaming (:class:`EncryptingReader`,
  :class:`AttachmentEncryptor`, :class:`DecryptingReader`, and
  :class:`SeekableDecryptingReader` for decoders that seek) so a large file is never held
  whole in memory; truncation and reordering are detected.
* **Receipts**: a lookup digest (:func:`hash_receipt`) and a key pair derived from the
  receipt (:func:`derive_receipt_keypair`), both Argon2id.

Errors are :class:`CryptoError` subclasses. Their messages never carry secret material,
but callers should still log them by class name only.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import BinaryIO

from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric import x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

__all__ = [
    "CryptoError",
    "DecryptionError",
    "UnsupportedSuiteError",
    "KeyPair",
    "Recipient",
    "SUITE_HYBRID",
    "SUITE_X25519",
    "DEFAULT_SUITE",
    "supported_suites",
    "generate_keypair",
    "public_key_for",
    "key_fingerprint",
    "seal",
    "open_sealed",
    "envelope_recipients",
    "wrap_with_passphrase",
    "unwrap_with_passphrase",
    "wrap_for_recipient",
    "unwrap_for_recipient",
    "new_attachment_key",
    "AttachmentEncryptor",
    "EncryptingReader",
    "DecryptingReader",
    "SeekableDecryptingReader",
    "encrypted_size",
    "derive_receipt_keypair",
    "hash_receipt",
    "receipt_matches",
    "PASSPHRASE_PARAMS",
    "RECEIPT_PARAMS",
]


# --------------------------------------------------------------------------- exceptions


class CryptoError(Exception):
    """Base class of every error raised by this module."""


class DecryptionError(CryptoError):
    """Wrong key, wrong passphrase, wrong context, tampered or truncated data."""


class UnsupportedSuiteError(CryptoError):
    """The suite id is unknown, or this installation of ``cryptography`` cannot run it."""


# --------------------------------------------------------------------------- suites

#: Hybrid post-quantum suite: ML-KEM-768 + X25519, HKDF-SHA256, AES-256-GCM.
SUITE_HYBRID = "hpke-mlkem768x25519-hkdfsha256-aes256gcm"
#: Classical fallback: X25519, HKDF-SHA256, AES-256-GCM.
SUITE_X25519 = "hpke-x25519-hkdfsha256-aes256gcm"

_MLKEM_SEED = 64
_MLKEM768_PUBLIC = 1184
_X25519_LEN = 32


class _SuiteImpl:
    """How to build, serialise and use the keys of one HPKE suite."""

    def __init__(self, suite_id: str):
        self.id = suite_id
        if suite_id == SUITE_HYBRID:
            self.hpke = hpke.Suite(
                hpke.KEM.MLKEM768_X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM
            )
            from cryptography.hazmat.primitives.asymmetric import mlkem

            self._mlkem = mlkem
            # Fails here (UnsupportedAlgorithm) when the backend lacks ML-KEM.
            self.load_private(os.urandom(_MLKEM_SEED + _X25519_LEN))
        elif suite_id == SUITE_X25519:
            self.hpke = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
        else:
            raise UnsupportedSuiteError("unknown suite")

    # Serialised forms: hybrid private = ML-KEM seed (64) || X25519 (32);
    # hybrid public = ML-KEM-768 encapsulation key (1184) || X25519 (32).
    def load_private(self, data: bytes):
        if self.id == SUITE_HYBRID:
            if len(data) != _MLKEM_SEED + _X25519_LEN:
                raise DecryptionError("private key does not match the suite")
            return hpke.MLKEM768X25519PrivateKey(
                self._mlkem.MLKEM768PrivateKey.from_seed_bytes(data[:_MLKEM_SEED]),
                x25519.X25519PrivateKey.from_private_bytes(data[_MLKEM_SEED:]),
            )
        if len(data) != _X25519_LEN:
            raise DecryptionError("private key does not match the suite")
        return x25519.X25519PrivateKey.from_private_bytes(data)

    def load_public(self, data: bytes):
        if self.id == SUITE_HYBRID:
            if len(data) != _MLKEM768_PUBLIC + _X25519_LEN:
                raise CryptoError("public key does not match the suite")
            return hpke.MLKEM768X25519PublicKey(
                self._mlkem.MLKEM768PublicKey.from_public_bytes(data[:_MLKEM768_PUBLIC]),
                x25519.X25519PublicKey.from_public_bytes(data[_MLKEM768_PUBLIC:]),
            )
        if len(data) != _X25519_LEN:
            raise CryptoError("public key does not match the suite")
        return x25519.X25519PublicKey.from_public_bytes(data)

    def public_from_private(self, data: bytes) -> bytes:
        if self.id == SUITE_HYBRID:
            if len(data) != _MLKEM_SEED + _X25519_LEN:
                raise CryptoError("private key does not match the suite")
            mk = self._mlkem.MLKEM768PrivateKey.from_seed_bytes(data[:_MLKEM_SEED])
            xk = x25519.X25519PrivateKey.from_private_bytes(data[_MLKEM_SEED:])
            return mk.public_key().public_bytes_raw() + xk.public_key().public_bytes_raw()
        if len(data) != _X25519_LEN:
            raise CryptoError("private key does not match the suite")
        return x25519.X25519PrivateKey.from_private_bytes(data).public_key().public_bytes_raw()

    def keypair_from_seed(self, seed: bytes) -> KeyPair:
        """Deterministic key pair from ``seed_length()`` uniformly random bytes."""
        private = bytes(seed[: self.seed_length()])
        return KeyPair(self.id, self.public_from_private(private), private)

    def seed_length(self) -> int:
        return _MLKEM_SEED + _X25519_LEN if self.id == SUITE_HYBRID else _X25519_LEN


_SUITES: dict[str, _SuiteImpl] = {}
for _sid in (SUITE_HYBRID, SUITE_X25519):
    try:
        _SUITES[_sid] = _SuiteImpl(_sid)
    except (UnsupportedAlgorithm, AttributeError, ImportError):  # pragma: no cover
        pass

#: The suite new keys are generated with: hybrid where supported, X25519 otherwise.
DEFAULT_SUITE = SUITE_HYBRID if SUITE_HYBRID in _SUITES else SUITE_X25519


def supported_suites() -> tuple[str, ...]:
    """Suite ids this installation can use."""
    return tuple(_SUITES)


def _suite(suite_id: str) -> _SuiteImpl:
    try:
        return _SUITES[suite_id]
    except KeyError:
        raise UnsupportedSuiteError("unsupported suite") from None


# --------------------------------------------------------------------------- key pairs


@dataclass(frozen=True)
class KeyPair:
    """An HPKE key pair in serialised form. ``repr`` never shows the private half."""

    suite: str
    public_key: bytes
    private_key: bytes = field(repr=False)

    @property
    def recipient(self) -> Recipient:
        return Recipient(key_fingerprint(self.public_key), self.suite, self.public_key)


@dataclass(frozen=True)
class Recipient:
    """Who an envelope is sealed to: a key id recorded in the envelope, a suite, a key."""

    key_id: str
    suite: str
    public_key: bytes = field(repr=False)


def generate_keypair(suite: str = DEFAULT_SUITE) -> KeyPair:
    """A fresh random key pair for ``suite`` (default: hybrid post-quantum)."""
    impl = _suite(suite)
    return impl.keypair_from_seed(os.urandom(impl.seed_length()))


def public_key_for(suite: str, private_key: bytes) -> bytes:
    """The public half matching a serialised private key."""
    return _suite(suite).public_from_private(private_key)


def key_fingerprint(public_key: bytes) -> str:
    """A short stable id of a public key (SHA-256, 128 bits, hex)."""
    return hashlib.sha256(b"mostwanted/key-id\x00" + public_key).hexdigest()[:32]


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


# --------------------------------------------------------------------------- attachments
#
# Stream v1: header = b"MWA" 0x01 | u32 chunk size | 8-byte random nonce prefix (16 bytes)
# then chunks: AES-256-GCM(key, nonce = prefix || u32 counter, chunk,
#                          aad = header || u32 counter || u8 last).
# Every chunk but the last holds exactly ``chunk size`` plaintext bytes; the last one
# (1..chunk size bytes, empty only for an empty file) has last = 1, so truncation at a
# chunk boundary is detected.

_ATT_MAGIC = b"MWA\x01"
_ATT_HEADER = struct.Struct(">4sI8s")
#: Plaintext bytes per chunk.
CHUNK_SIZE = 64 * 1024
_MAX_CHUNK = 16 * 1024 * 1024


def new_attachment_key() -> bytes:
    """A fresh random AES-256 key for one attachment."""
    return AESGCM.generate_key(bit_length=256)


def encrypted_size(plaintext_size: int, chunk_size: int = CHUNK_SIZE) -> int:
    """Ciphertext size of a stream of ``plaintext_size`` bytes."""
    chunks = max(1, -(-plaintext_size // chunk_size))
    return _ATT_HEADER.size + plaintext_size + chunks * _GCM_TAG


class AttachmentEncryptor:
    """Push-style chunked encryption: ``header()``, then ``update()``, then ``finalize()``.

    The output of the three calls, concatenated, is the ciphertext stream. At most one
    chunk of plaintext is buffered.
    """

    def __init__(self, key: bytes, *, chunk_size: int = CHUNK_SIZE):
        if len(key) != 32:
            raise CryptoError("attachment key must be 32 bytes")
        if not 0 < chunk_size <= _MAX_CHUNK:
            raise CryptoError("invalid chunk size")
        self._aead = AESGCM(key)
        self._chunk = chunk_size
        self._header = _ATT_HEADER.pack(_ATT_MAGIC, chunk_size, os.urandom(8))
        self._prefix = self._header[8:16]
        self._buf = bytearray()
        self._counter = 0
        self._done = False
        self.plaintext_size = 0

    def header(self) -> bytes:
        return self._header

    def _seal_chunk(self, chunk: bytes, last: bool) -> bytes:
        if self._counter >= 2**32 - 1:
            raise CryptoError("stream too long")
        ctr = struct.pack(">I", self._counter)
        self._counter += 1
        aad = self._header + ctr + (b"\x01" if last else b"\x00")
        return self._aead.encrypt(self._prefix + ctr, chunk, aad)

    def update(self, data: bytes) -> bytes:
        if self._done:
            raise CryptoError("stream already finalised")
        self._buf += data
        self.plaintext_size += len(data)
        out = bytearray()
        # Keep at least one byte back: a full chunk may turn out to be the last one.
        while len(self._buf) > self._chunk:
            out += self._seal_chunk(bytes(self._buf[: self._chunk]), last=False)
            del self._buf[: self._chunk]
        return bytes(out)

    def finalize(self) -> bytes:
        if self._done:
            raise CryptoError("stream already finalised")
        self._done = True
        out = self._seal_chunk(bytes(self._buf), last=True)
        self._buf = bytearray()
        return out


class EncryptingReader(io.RawIOBase):
    """A read-only file whose ``read()`` returns the ciphertext of ``plaintext_fileobj``.

    Pass it to ``storage.save(name, File(reader))``: the plaintext is pulled and encrypted
    a chunk at a time, never held whole.
    """

    def __init__(self, plaintext_fileobj: BinaryIO, key: bytes, *, chunk_size: int = CHUNK_SIZE):
        super().__init__()
        self._src = plaintext_fileobj
        self._enc = AttachmentEncryptor(key, chunk_size=chunk_size)
        self._out = bytearray(self._enc.header())
        self._eof = False
        self._chunk = chunk_size

    @property
    def plaintext_size(self) -> int:
        return self._enc.plaintext_size

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        while not self._out and not self._eof:
            data = self._src.read(self._chunk)
            if data:
                self._out += self._enc.update(data)
            else:
                self._out += self._enc.finalize()
                self._eof = True
        n = min(len(b), len(self._out))
        b[:n] = self._out[:n]
        del self._out[:n]
        return n


class DecryptingReader(io.RawIOBase):
    """A read-only file whose ``read()`` returns the plaintext of an encrypted stream.

    Each chunk is authenticated before any of its bytes is returned. Tampering, reordering
    or truncation raises :class:`DecryptionError` (at the latest on the final read).
    """

    def __init__(self, ciphertext_fileobj: BinaryIO, key: bytes, *, close_source: bool = False):
        super().__init__()
        if len(key) != 32:
            raise DecryptionError("attachment key must be 32 bytes")
        self._src = ciphertext_fileobj
        self._close_source = close_source
        self._aead = AESGCM(key)
        header = self._read_exact(_ATT_HEADER.size)
        if len(header) != _ATT_HEADER.size:
            raise DecryptionError("truncated stream")
        magic, chunk, prefix = _ATT_HEADER.unpack(header)
        if magic != _ATT_MAGIC:
            raise DecryptionError("not an encrypted attachment")
        if not 0 < chunk <= _MAX_CHUNK:
            raise DecryptionError("invalid chunk size")
        self._header, self._prefix, self._ct_chunk = header, prefix, chunk + _GCM_TAG
        self._counter = 0
        self._pending = self._read_exact(self._ct_chunk)
        self._out = bytearray()
        self._eof = False

    def _read_exact(self, n: int) -> bytes:
        buf = bytearray()
        while len(buf) < n:
            data = self._src.read(n - len(buf))
            if not data:
                break
            buf += data
        return bytes(buf)

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        if not self.closed and getattr(self, "_close_source", False):
            self._src.close()
        super().close()

    def _next_chunk(self) -> None:
        current = self._pending
        following = self._read_exact(self._ct_chunk) if len(current) == self._ct_chunk else b""
        last = not following
        ctr = struct.pack(">I", self._counter)
        aad = self._header + ctr + (b"\x01" if last else b"\x00")
        try:
            self._out += self._aead.decrypt(self._prefix + ctr, current, aad)
        except (InvalidTag, ValueError):
            raise DecryptionError("attachment tampered or truncated") from None
        self._counter += 1
        self._pending = following
        self._eof = last

    def readinto(self, b) -> int:
        while not self._out and not self._eof:
            self._next_chunk()
        n = min(len(b), len(self._out))
        b[:n] = self._out[:n]
        del self._out[:n]
        return n


class SeekableDecryptingReader(io.RawIOBase):
    """Random-access plaintext of an encrypted stream held in a seekable file.

    For decoders that seek (Pillow rereads a JPEG from its start, jumps to a PNG's data):
    handing them this reader avoids buffering the whole plaintext in memory. Only the
    64 KiB chunk being read is held in clear. Every chunk is authenticated before any of
    its bytes is returned, with its position and "last chunk" flag in the nonce/AAD, so
    tampering, reordering, truncation or appended bytes raise :class:`DecryptionError`
    when the affected chunk is read (which chunk is last follows from the file's length).
    ``read()``/``readinto()`` fill the request across chunks (no short reads before EOF).

    The ciphertext must start at offset 0 of ``ciphertext_fileobj``.
    """

    def __init__(self, ciphertext_fileobj: BinaryIO, key: bytes, *, close_source: bool = False):
        super().__init__()
        if len(key) != 32:
            raise DecryptionError("attachment key must be 32 bytes")
        self._src = ciphertext_fileobj
        self._close_source = close_source
        self._aead = AESGCM(key)
        total = self._src.seek(0, io.SEEK_END)
        self._src.seek(0)
        header = self._src.read(_ATT_HEADER.size)
        if len(header) != _ATT_HEADER.size:
            raise DecryptionError("truncated stream")
        magic, chunk, prefix = _ATT_HEADER.unpack(header)
        if magic != _ATT_MAGIC:
            raise DecryptionError("not an encrypted attachment")
        if not 0 < chunk <= _MAX_CHUNK:
            raise DecryptionError("invalid chunk size")
        body = total - _ATT_HEADER.size
        self._chunks = max(1, -(-body // (chunk + _GCM_TAG)))
        last_len = body - (self._chunks - 1) * (chunk + _GCM_TAG)
        if last_len < _GCM_TAG:
            raise DecryptionError("truncated stream")
        self._header, self._prefix, self._chunk = header, prefix, chunk
        self._size = body - self._chunks * _GCM_TAG
        self._pos = 0
        self._cached_index = -1
        self._cached = b""

    @property
    def size(self) -> int:
        """Plaintext size (from the ciphertext length; authenticated as chunks are read)."""
        return self._size

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            pos = offset
        elif whence == io.SEEK_CUR:
            pos = self._pos + offset
        elif whence == io.SEEK_END:
            pos = self._size + offset
        else:
            raise ValueError("invalid whence")
        if pos < 0:
            raise ValueError("negative seek position")
        self._pos = pos
        return pos

    def close(self) -> None:
        if not self.closed and getattr(self, "_close_source", False):
            self._src.close()
        self._cached = b""
        super().close()

    def _load(self, index: int) -> bytes:
        if index != self._cached_index:
            ct_chunk = self._chunk + _GCM_TAG
            self._src.seek(_ATT_HEADER.size + index * ct_chunk)
            current = self._src.read(ct_chunk)
            last = index == self._chunks - 1
            ctr = struct.pack(">I", index)
            aad = self._header + ctr + (b"\x01" if last else b"\x00")
            try:
                self._cached = self._aead.decrypt(self._prefix + ctr, current, aad)
            except (InvalidTag, ValueError):
                raise DecryptionError("attachment tampered or truncated") from None
            self._cached_index = index
        return self._cached

    def readinto(self, b) -> int:
        view = memoryview(b).cast("B")
        done = 0
        while done < len(view) and self._pos < self._size:
            index, offset = divmod(self._pos, self._chunk)
            plain = self._load(index)
            n = min(len(view) - done, len(plain) - offset)
            if n <= 0:  # pragma: no cover - sizes are consistent after authentication
                raise DecryptionError("attachment tampered or truncated")
            view[done : done + n] = memoryview(plain)[offset : offset + n]
            done += n
            self._pos += n
        return done
