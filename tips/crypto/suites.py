"""HPKE suites and key pairs: the hybrid post-quantum suite, the X25519 fallback, key
fingerprints."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric import x25519

from .errors import CryptoError, DecryptionError, UnsupportedSuiteError

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
            # Only for this suite: a cryptography build without ML-KEM still serves X25519.
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
