"""Key management: recovery key, desk keys, investigators' vaults, desk access.

The server only ever stores public keys and *wrapped* private keys:

* a desk private key is sealed once to the recovery public key (``DeskKey.recovery_wrap``)
  and once per member to their personal public key (``DeskKeyWrap``);
* a personal private key is encrypted under an Argon2id key from the member's vault
  passphrase (``InvestigatorKey.wrapped_private_key``).

A desk private key exists in clear only in memory: while being created (then wrapped and
forgotten), and after an investigator unlocks it with their passphrase (the triage vault
session keeps it re-encrypted under a session key).

Forgotten passphrase: a supervisor (or any member with the desk unlocked) calls
:func:`reset_vault` with the desk keys they hold; the member gets a new key pair and new
wraps. Nothing is lost while one member of the desk, or the offline recovery key
(:func:`recovery_open_desk_keys`), remains.
"""

from __future__ import annotations

import base64
import json
import logging
import os
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from . import crypto, trust
from .models import DeskKey, DeskKeyWrap, DeskMembership, InvestigatorKey, RecoveryKey

logger = logging.getLogger(__name__)

RECOVERY_FILE_FORMAT = "mostwanted-recovery-key"


class KeyManagementError(Exception):
    """Base class of the key-management errors."""


class WrongPassphrase(KeyManagementError, crypto.DecryptionError):
    """The vault passphrase does not open the personal key."""


class VaultNotSetUp(KeyManagementError):
    """The user has no personal key pair yet (see :func:`setup_vault`)."""


class VaultAlreadySetUp(KeyManagementError):
    """The user already has a personal key pair (use change_passphrase or reset_vault)."""


class NoRecoveryKey(KeyManagementError):
    """No active recovery key: run ``manage.py create_recovery_key`` first."""


def passphrase_params() -> dict:
    return dict(settings.TIP_PASSPHRASE_ARGON2)


def desk_key_context(desk_key: DeskKey) -> bytes:
    """Context of every wrap of a desk private key: binds the wrap to that desk key."""
    return b"mostwanted/desk-key/v1:" + desk_key.key_id.encode()


# --------------------------------------------------------------------------- recovery


def active_recovery_key() -> RecoveryKey | None:
    return RecoveryKey.objects.filter(active=True).order_by("-created_at", "-pk").first()


@transaction.atomic
def create_recovery_key() -> tuple[RecoveryKey, bytes]:
    """A new recovery pair: the public half is stored (and made active), the private half
    is returned for the caller to write to offline storage and forget.

    Older recovery keys are deactivated but kept: tips and desk keys sealed to them stay
    recoverable with their (offline) private halves. Desk keys created before keep their
    old recovery wrap; rotate them to wrap under the new recovery key.
    """
    pair = crypto.generate_keypair()
    RecoveryKey.objects.filter(active=True).update(active=False)
    rk = RecoveryKey.objects.create(suite=pair.suite, public_key=pair.public_key, active=True)
    trust.trust_recovery_fingerprint(rk.key_id)  # dev and tests only (production: the operator)
    return rk, pair.private_key


def recovery_key_file_text(recovery_key: RecoveryKey, private_key: bytes) -> str:
    """The content of the offline recovery key file (JSON, private key in base64)."""
    return (
        json.dumps(
            {
                "format": RECOVERY_FILE_FORMAT,
                "version": 1,
                "suite": recovery_key.suite,
                "key_id": recovery_key.key_id,
                "public_key": base64.b64encode(bytes(recovery_key.public_key)).decode(),
                "private_key": base64.b64encode(private_key).decode(),
                "warning": "Keep offline. Anyone holding this file can read every tip.",
            },
            indent=2,
        )
        + "\n"
    )


def load_recovery_key_file(path: str | os.PathLike) -> tuple[str, bytes]:
    """(suite, private key) from a recovery key file. Raises KeyManagementError."""
    try:
        data = json.loads(Path(path).read_text())
        if data.get("format") != RECOVERY_FILE_FORMAT:
            raise ValueError
        suite, private = data["suite"], base64.b64decode(data["private_key"], validate=True)
        crypto.public_key_for(suite, private)
    except (OSError, ValueError, KeyError, TypeError, crypto.CryptoError):
        raise KeyManagementError("not a readable recovery key file") from None
    return suite, private


def recovery_open_desk_keys(desk, recovery_private: bytes) -> dict[int, bytes]:
    """Every key of ``desk`` whose recovery wrap opens with ``recovery_private``."""
    desk = _canonical(desk)
    out = {}
    for dk in DeskKey.objects.filter(desk=desk).select_related("recovery_key"):
        try:
            out[dk.pk] = crypto.unwrap_for_recipient(
                bytes(dk.recovery_wrap),
                dk.recovery_key.key_id,
                recovery_private,
                context=desk_key_context(dk),
            )
        except crypto.CryptoError as exc:
            logger.info("recovery key does not open desk key %s: %s", dk.pk, type(exc).__name__)
    return out


# --------------------------------------------------------------------------- desk keys


def _canonical(desk):
    return desk.canonical() if hasattr(desk, "canonical") else desk


def active_desk_key(desk) -> DeskKey | None:
    """The active key of ``desk``'s default-locale row, with that row (``.desk``) selected."""
    return DeskKey.objects.filter(desk=_canonical(desk), active=True).select_related("desk").first()


def _wrap_desk_private(desk_key: DeskKey, private: bytes, personal: InvestigatorKey) -> DeskKeyWrap:
    # A member key swapped in the database is refused before anything is wrapped to it.
    trust.check_investigator_key(personal)
    blob = crypto.wrap_for_recipient(
        private, personal.recipient, context=desk_key_context(desk_key)
    )
    wrap, _ = DeskKeyWrap.objects.update_or_create(
        desk_key=desk_key, user_id=personal.user_id, defaults={"wrapped_private_key": blob}
    )
    return wrap


@transaction.atomic
def create_desk_key(desk) -> DeskKey:
    """A new active key version for ``desk``, wrapped to the recovery key and to every
    active member who has set up a vault. The previous version stays (inactive) so older
    tips remain readable. The private key is forgotten on return.
    """
    desk = _canonical(desk)
    recovery = active_recovery_key()
    if recovery is None:
        raise NoRecoveryKey("no active recovery key")
    trust.check_recovery_key(recovery)  # never wrap a desk key to an inserted recovery key
    existing = DeskKey.objects.select_for_update().filter(desk=desk)
    version = (existing.aggregate(v=Max("version"))["v"] or 0) + 1
    existing.filter(active=True).update(active=False)
    pair = crypto.generate_keypair()
    trust.check_new_key_suite(pair.suite)
    dk = DeskKey(
        desk=desk,
        version=version,
        suite=pair.suite,
        public_key=pair.public_key,
        recovery_key=recovery,
        active=True,
    )
    dk.recovery_wrap = crypto.wrap_for_recipient(
        pair.private_key, recovery.recipient, context=desk_key_context(dk)
    )
    dk.binding = trust.bind_desk_key(dk)
    dk.save()
    members = DeskMembership.objects.active().filter(desk=desk).values_list("user_id", flat=True)
    for personal in InvestigatorKey.objects.filter(user_id__in=list(members)):
        try:
            _wrap_desk_private(dk, pair.private_key, personal)
        except trust.UntrustedKey:
            continue  # alerted; a swapped member key must not block the rotation
    return dk


def rotate_desk_key(desk) -> DeskKey:
    """New key pair for future tips of ``desk``; old versions stay for old tips."""
    return create_desk_key(desk)


# --------------------------------------------------------------------------- vaults


@transaction.atomic
def setup_vault(user, passphrase: str) -> InvestigatorKey:
    """Create ``user``'s personal key pair, its private half wrapped by ``passphrase``.

    Passphrase strength is checked by the caller (the vault set-up form).
    """
    if InvestigatorKey.objects.filter(user=user).exists():
        raise VaultAlreadySetUp("vault already set up")
    pair = crypto.generate_keypair()
    trust.check_new_key_suite(pair.suite)
    ik = InvestigatorKey(user=user, suite=pair.suite, public_key=pair.public_key)
    ik.wrapped_private_key = crypto.wrap_with_passphrase(
        pair.private_key, passphrase, params=passphrase_params(), associated_data=_vault_aad(ik)
    )
    ik.binding = trust.bind_investigator_key(ik)
    ik.save()
    return ik


def _vault_aad(ik: InvestigatorKey) -> bytes:
    """Binds the passphrase blob to its owner and public key: a blob or key moved to another
    user, or a public key swapped beside it, no longer opens."""
    return b"mostwanted/vault-key/v1\x00%d\x00%s\x00" % (ik.user_id, ik.suite.encode()) + bytes(
        ik.public_key
    )


def open_personal_key(user, passphrase: str) -> bytes:
    """The user's personal private key. Raises WrongPassphrase or VaultNotSetUp."""
    try:
        ik = InvestigatorKey.objects.get(user=user)
    except InvestigatorKey.DoesNotExist:
        raise VaultNotSetUp("vault not set up") from None
    trust.check_investigator_key(ik)  # a swapped public key: say so, not "wrong passphrase"
    try:
        private = crypto.unwrap_with_passphrase(
            bytes(ik.wrapped_private_key), passphrase, associated_data=_vault_aad(ik)
        )
    except crypto.CryptoError:
        raise WrongPassphrase("wrong passphrase") from None
    # Older (v1) blobs carry no binding: the public key must still match the private one.
    if crypto.public_key_for(ik.suite, private) != bytes(ik.public_key):
        trust.check_investigator_key(ik)  # logs the alert and raises
        raise trust.UntrustedKey("vault public key does not match its private key")
    return private


@transaction.atomic
def change_passphrase(user, old_passphrase: str, new_passphrase: str) -> InvestigatorKey:
    """Re-wrap the personal private key under a new passphrase (same key pair)."""
    private = open_personal_key(user, old_passphrase)
    ik = InvestigatorKey.objects.select_for_update().get(user=user)
    ik.wrapped_private_key = crypto.wrap_with_passphrase(
        private, new_passphrase, params=passphrase_params(), associated_data=_vault_aad(ik)
    )
    ik.save(update_fields=["wrapped_private_key"])
    return ik


def unwrap_desk_keys(user, personal_private: bytes) -> dict[int, bytes]:
    """{DeskKey id: desk private key} for every desk key wrapped to ``user`` on desks
    where they are an active member. Wraps that do not open are skipped (and logged by
    error class only)."""
    try:
        ik = InvestigatorKey.objects.get(user=user)
    except InvestigatorKey.DoesNotExist:
        raise VaultNotSetUp("vault not set up") from None
    desks = DeskMembership.objects.filter(user=user, is_active=True).values("desk_id")
    wraps = DeskKeyWrap.objects.filter(user=user, desk_key__desk_id__in=desks).select_related(
        "desk_key"
    )
    out = {}
    for wrap in wraps:
        try:
            out[wrap.desk_key_id] = crypto.unwrap_for_recipient(
                bytes(wrap.wrapped_private_key),
                ik.key_id,
                personal_private,
                context=desk_key_context(wrap.desk_key),
            )
        except crypto.CryptoError as exc:
            logger.warning("desk key wrap %s did not open: %s", wrap.pk, type(exc).__name__)
    return out


def _checked_keys(desk, granter_desk_keys: dict[int, bytes]) -> list[tuple[DeskKey, bytes]]:
    """The granter's unlocked keys of ``desk`` whose private half matches the public one."""
    out = []
    for dk in DeskKey.objects.filter(desk=desk, pk__in=list(granter_desk_keys)):
        private = granter_desk_keys[dk.pk]
        try:
            matches = crypto.public_key_for(dk.suite, private) == bytes(dk.public_key)
        except crypto.CryptoError:
            matches = False
        if matches:
            out.append((dk, private))
    return out


def grant_desk_access(*, desk, member, granter_desk_keys: dict[int, bytes]) -> list[DeskKeyWrap]:
    """Make ``member`` a member of ``desk`` and wrap to them every key of that desk the
    granter has unlocked (keys whose private half does not match are ignored). Raises
    VaultNotSetUp if the member has no personal key yet; the membership is still recorded,
    so a grant after they set up their vault completes it."""
    desk = _canonical(desk)
    with transaction.atomic():
        DeskMembership.objects.update_or_create(
            desk=desk, user=member, defaults={"is_active": True}
        )
        personal = InvestigatorKey.objects.filter(user=member).first()
        if personal is None:
            wraps = None
        else:
            wraps = [
                _wrap_desk_private(dk, priv, personal)
                for dk, priv in _checked_keys(desk, granter_desk_keys)
            ]
    if wraps is None:
        raise VaultNotSetUp("member has no vault yet")
    return wraps


@transaction.atomic
def revoke_desk_access(*, desk, member) -> DeskKey | None:
    """Remove ``member`` from ``desk``: delete their wraps and membership, and rotate the
    desk key so future tips are sealed to a key they never had. Returns the new key (None
    if the desk had no key to rotate). Old tips stay readable by the remaining members;
    what the removed member already read or copied cannot be taken back."""
    desk = _canonical(desk)
    DeskKeyWrap.objects.filter(desk_key__desk=desk, user=member).delete()
    DeskMembership.objects.filter(desk=desk, user=member).delete()
    if DeskKey.objects.filter(desk=desk).exists():
        return rotate_desk_key(desk)
    return None


@transaction.atomic
def reset_vault(user, new_passphrase: str, granter_desk_keys: dict[int, bytes]) -> InvestigatorKey:
    """Supervisor reset after a forgotten passphrase: a new personal key pair under
    ``new_passphrase``, old wraps deleted, and every desk key the granter holds re-wrapped
    for ``user`` on the desks they are an active member of."""
    InvestigatorKey.objects.filter(user=user).delete()
    DeskKeyWrap.objects.filter(user=user).delete()
    ik = setup_vault(user, new_passphrase)
    desks = set(
        DeskMembership.objects.filter(user=user, is_active=True).values_list("desk_id", flat=True)
    )
    keys = DeskKey.objects.filter(pk__in=list(granter_desk_keys), desk_id__in=desks)
    for dk in keys:
        for checked, private in _checked_keys(dk.desk_id, {dk.pk: granter_desk_keys[dk.pk]}):
            _wrap_desk_private(checked, private, ik)
    return ik
