"""Trust anchors outside the database: which keys the server may seal to.

Key material is read from the database, and whoever can write the database could otherwise
insert a recovery key or swap a desk's or a member's public key so that the next tip, or
the next re-grant of a desk key, is sealed to them. Two anchors the database does not hold
stop that (threats in docs/trust.md):

* **The recovery key fingerprint** comes from the environment
  (``TIP_RECOVERY_KEY_FINGERPRINT``) or a file deployed with the code
  (``TIP_RECOVERY_KEY_FINGERPRINT_FILE``). Every seal checks the recovery key against it.
* **Key bindings**: every desk key and member key carries an HMAC-SHA256 tag over what it
  is (desk, version, suite, public key, recovery key id; or user, suite, public key) under a
  key derived from ``TIP_TRUST_KEY`` (a setting, never in the database). A row inserted or
  swapped by a database writer has no valid tag, so nothing is sealed or wrapped to it.

A failed check raises :class:`UntrustedKey` (a :class:`tips.keys.KeyManagementError`) after
logging an alert that names the row, never key material. Callers refuse to seal: the tip
form shows its "unavailable" page with the citizen's text kept.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
import struct
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db.models.signals import pre_save
from django_tasks_db.models import DBTaskResult

from . import crypto
from .crypto import SUITE_HYBRID

logger = logging.getLogger("tips.trust")


class TrustError(Exception):
    """A key the server was about to use is not anchored outside the database."""


class UntrustedKey(TrustError):
    """The recovery key is not the configured one, or a key's binding tag is wrong."""


class TrustNotConfigured(TrustError):
    """An anchor setting is missing (production): nothing is sealed until it is set."""


def _alert(message: str, *args) -> None:
    # CRITICAL: the operator's log alerting picks it up; never key material in the message.
    logger.critical("TRUST ALERT: " + message, *args)


# --------------------------------------------------------------------------- trust key


def _decode_key(value: str) -> bytes:
    value = value.strip()
    for decode in (bytes.fromhex, lambda v: base64.b64decode(v, validate=True)):
        try:
            raw = decode(value)
        except (ValueError, binascii.Error):
            continue
        if len(raw) >= 32:
            return raw
    raise TrustNotConfigured("TIP_TRUST_KEY must be at least 32 bytes, in hex or base64")


def trust_key() -> bytes:
    """The root secret of the bindings and of the TOTP encryption (not in the database)."""
    configured = settings.TIP_TRUST_KEY
    if configured:
        return _decode_key(configured)
    if settings.TIP_TRUST_KEY_REQUIRED:
        _alert("TIP_TRUST_KEY is not set: no key can be checked, tips are refused")
        raise TrustNotConfigured("TIP_TRUST_KEY is not set")
    # Development and tests only: derived from SECRET_KEY (see docs/trust.md).
    return settings.SECRET_KEY.encode()


def subkey(purpose: str, length: int = 32) -> bytes:
    """A key for one purpose, derived from :func:`trust_key` with HKDF-SHA256."""
    return HKDF(
        algorithm=hashes.SHA256(),
        length=length,
        salt=b"mostwanted/trust/v1",
        info=purpose.encode(),
    ).derive(trust_key())


def _encode(*parts) -> bytes:
    out = bytearray()
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode()
        out += struct.pack(">I", len(data)) + data
    return bytes(out)


def _tag(kind: str, *parts) -> bytes:
    mac = crypto_hmac.HMAC(subkey("key-binding"), hashes.SHA256())
    mac.update(_encode(kind, *parts))
    return mac.finalize()


# --------------------------------------------------------------------------- bindings


def _desk_key_parts(desk_key) -> tuple:
    return (
        desk_key.desk_id,
        desk_key.version,
        desk_key.suite,
        bytes(desk_key.public_key),
        desk_key.recovery_key.key_id,
    )


def bind_desk_key(desk_key) -> bytes:
    return _tag("desk-key", *_desk_key_parts(desk_key))


def bind_investigator_key(personal) -> bytes:
    return _tag("investigator-key", personal.user_id, personal.suite, bytes(personal.public_key))


def _check_tag(expected: bytes, stored) -> bool:
    return stored is not None and hmac.compare_digest(expected, bytes(stored))


def check_desk_key(desk_key) -> None:
    """Raise :class:`UntrustedKey` unless ``desk_key`` and its recovery key are anchored."""
    check_recovery_key(desk_key.recovery_key)
    if not _check_tag(bind_desk_key(desk_key), desk_key.binding):
        _alert("desk key %s (desk %s) fails its binding check", desk_key.pk, desk_key.desk_id)
        raise UntrustedKey(
            f"desk key {desk_key.pk} of desk {desk_key.desk_id} was not created by this server "
            "(public key or recovery key changed in the database): rotate it from a trusted "
            "state and investigate"
        )


def check_investigator_key(personal) -> None:
    """Raise :class:`UntrustedKey` unless the member's public key is the one they set up."""
    if not _check_tag(bind_investigator_key(personal), personal.binding):
        _alert("member key of user %s fails its binding check", personal.user_id)
        raise UntrustedKey(
            f"the vault public key of user {personal.user_id} was changed in the database: "
            "nothing is wrapped to it; reset their vault and investigate"
        )


# --------------------------------------------------------------------------- recovery key


def trusted_recovery_fingerprints() -> frozenset[str]:
    """Key ids of the recovery keys the server may seal to (setting and file)."""
    found = set()
    for item in str(settings.TIP_RECOVERY_KEY_FINGERPRINT).replace(",", " ").split():
        found.add(item.strip().lower())
    path = settings.TIP_RECOVERY_KEY_FINGERPRINT_FILE
    if path:
        try:
            text = Path(path).read_text()
        except FileNotFoundError:
            text = ""
        found.update(line.strip().lower() for line in text.splitlines() if line.strip())
    return frozenset(found)


def check_recovery_key(recovery) -> None:
    """Raise unless ``recovery`` is a configured recovery key (the operator's anchor)."""
    if recovery is None:
        raise UntrustedKey("no recovery key")
    anchors = trusted_recovery_fingerprints()
    if not anchors:
        _alert("no recovery key fingerprint is configured: tips are refused")
        raise TrustNotConfigured(
            "TIP_RECOVERY_KEY_FINGERPRINT is not set: set it to the fingerprint printed by "
            "manage.py import_recovery_key"
        )
    if recovery.key_id not in anchors:
        _alert("recovery key %s is not the configured one: refusing to seal", recovery.pk)
        raise UntrustedKey(
            f"recovery key {recovery.key_id} (row {recovery.pk}) is not in "
            "TIP_RECOVERY_KEY_FINGERPRINT: it was not imported by the operator"
        )


def trust_recovery_fingerprint(key_id: str) -> bool:
    """Development and tests: add ``key_id`` to the fingerprint file. Returns False (and
    does nothing) where the operator sets the anchor (production)."""
    path = settings.TIP_RECOVERY_KEY_FINGERPRINT_FILE
    if not (settings.TIP_RECOVERY_KEY_AUTO_TRUST and path):
        return False
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as fh:
        fh.write(key_id + "\n")
    return True


def sealing_recipients(desk_key) -> list:
    """The recipients of anything sealed for a desk: its key and the recovery key, both
    checked against the anchors first (raises :class:`UntrustedKey`)."""
    check_desk_key(desk_key)
    recipients = [desk_key.recipient]
    recovery = desk_key.recovery_key
    if recovery.key_id != desk_key.key_id:
        recipients.append(recovery.recipient)
    return recipients


def problems() -> list[str]:
    """Operator-facing descriptions of anchor problems (desk health, /healthz warnings)."""
    from .keys import active_recovery_key  # cycle: keys imports this module

    out = []
    try:
        trust_key()
    except TrustNotConfigured as exc:
        out.append(str(exc))
    recovery = active_recovery_key()
    if recovery is not None:
        try:
            check_recovery_key(recovery)
        except TrustError as exc:
            out.append(str(exc))
    if not hybrid_suite_available() and getattr(settings, "TIP_REQUIRE_HYBRID_SUITE", False):
        out.append(
            "ML-KEM is not available in this installation of cryptography: new keys and tips "
            "are refused (TIP_REQUIRE_HYBRID_SUITE)"
        )
    return out


def hybrid_suite_available() -> bool:
    return crypto.DEFAULT_SUITE == crypto.SUITE_HYBRID


# --------------------------------------------------------------------------- smaller holes


def check_new_key_suite(suite: str) -> None:
    """Production refuses to make new keys without the post-quantum hybrid suite, instead of
    silently falling back to X25519 when the installed ``cryptography`` lacks ML-KEM."""
    if settings.TIP_REQUIRE_HYBRID_SUITE and suite != SUITE_HYBRID:
        _alert("new key would use %s (ML-KEM unavailable): refused", suite)
        raise TrustError(
            "ML-KEM is not available in this installation of cryptography: new keys are "
            "refused (TIP_REQUIRE_HYBRID_SUITE)"
        )


def _blank_task_traceback(sender, instance, **kwargs):
    # A failed task's traceback can carry values of its frames' exceptions: the class path
    # stays, the text goes (the worker's log has it).
    if instance.traceback:
        instance.traceback = ""


def connect() -> None:
    pre_save.connect(_blank_task_traceback, sender=DBTaskResult, dispatch_uid="tips-no-traceback")
