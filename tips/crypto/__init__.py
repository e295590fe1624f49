"""Tip-line cryptography: one small package with an intent-named API and its own exceptions.

Pure Python over ``cryptography`` (no Django import, no hand-written primitive):

* **HPKE** (RFC 9180) seals small secrets to public keys. The default suite is the hybrid
  post-quantum KEM ``MLKEM768_X25519`` with HKDF-SHA256 and AES-256-GCM; X25519 alone is
  the fallback when the installed ``cryptography`` lacks the hybrid KEM. Every ciphertext
  records its suite id so keys can be rotated and suites upgraded.
* **Envelopes** (:func:`seal` / :func:`open_sealed`): a random data key encrypts the
  plaintext once with AES-256-GCM, and the data key is HPKE-sealed to each recipient.
* **Secret-key sealing** (:func:`secret_seal` / :func:`secret_open`): AES-256-GCM under a
  256-bit key the caller holds (short-lived cache entries keyed by a browser cookie).
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

Modules: ``suites`` (HPKE suites, key pairs), ``envelopes`` (envelopes, wraps, secret-key
sealing), ``kdf`` (Argon2id: passphrases, receipts), ``streams`` (attachments), ``errors``.
Callers use this package's names (``from tips import crypto``; ``crypto.seal(...)``).
"""

from .envelopes import (
    envelope_recipients,
    new_secret_key,
    open_sealed,
    seal,
    secret_open,
    secret_seal,
    unwrap_for_recipient,
    wrap_for_recipient,
)
from .errors import CryptoError, DecryptionError, UnsupportedSuiteError
from .kdf import (
    PASSPHRASE_PARAMS,
    RECEIPT_PARAMS,
    derive_receipt_keypair,
    hash_receipt,
    receipt_matches,
    unwrap_with_passphrase,
    wrap_with_passphrase,
)
from .streams import (
    CHUNK_SIZE,
    AttachmentEncryptor,
    DecryptingReader,
    EncryptingReader,
    SeekableDecryptingReader,
    encrypted_size,
    new_attachment_key,
)
from .suites import (
    DEFAULT_SUITE,
    SUITE_HYBRID,
    SUITE_X25519,
    KeyPair,
    Recipient,
    generate_keypair,
    key_fingerprint,
    public_key_for,
    supported_suites,
)

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
    "new_secret_key",
    "secret_seal",
    "secret_open",
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
    "CHUNK_SIZE",
]
