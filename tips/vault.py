"""The unlocked vault: desk private keys held for one investigator between requests.

Unlocking (:func:`unlock`) opens the personal key with the vault passphrase, unwraps the desk
keys the investigator may use, and re-encrypts them with AES-256-GCM under a fresh random
256-bit session key. The ciphertext goes to the shared cache (any web node can read it) under
a random vault id, with an idle expiry (``VAULT_IDLE_SECONDS``, 15 minutes) and an absolute
one (``VAULT_MAX_SECONDS``, 8 hours). The session key and the vault id go only to the browser,
in an HttpOnly, SameSite=Strict cookie (``__Host-vault``, Secure, over HTTPS). So:

- the cache alone cannot decrypt (no session key there), the cookie alone cannot either (the
  ciphertext is not in it), and the entry is bound to the user who unlocked it;
- "Lock", logging out and either expiry delete the entry: the cookie becomes useless.

If the cache is unreachable, :class:`VaultUnavailable` is raised and views say so.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import secrets
import time

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from mostwanted.cache import strict_default_cache as cache

logger = logging.getLogger(__name__)

_PREFIX = "tips:vault:"
_NONCE = 12


class VaultError(Exception):
    """Base class of vault errors."""


class VaultUnavailable(VaultError):
    """The shared cache cannot be reached: nothing can be unlocked or read right now."""


def idle_seconds() -> int:
    return int(getattr(settings, "VAULT_IDLE_SECONDS", 900))


def max_seconds() -> int:
    return int(getattr(settings, "VAULT_MAX_SECONDS", 8 * 3600))


def cookie_name(request) -> str:
    """``__Host-vault`` over HTTPS (Secure, path /, no domain); ``vault`` otherwise."""
    return "__Host-vault" if request.is_secure() else "vault"


def _aad(vault_id: str, user_pk) -> bytes:
    return f"mostwanted/vault/v1:{vault_id}:{user_pk}".encode()


def _cache_call(method, *args):
    try:
        return method(*args)
    except Exception as exc:  # noqa: BLE001 - any cache failure means "unavailable"
        logger.warning("vault cache unavailable (%s)", exc.__class__.__name__)
        raise VaultUnavailable from None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _encode_keys(desk_keys: dict, personal: bytes | None) -> bytes:
    return json.dumps(
        {
            "d": [[k, _b64(v)] for k, v in desk_keys.items()],
            "p": _b64(personal) if personal else None,
        },
        separators=(",", ":"),
    ).encode()


def _decode_keys(raw: bytes) -> tuple[dict, bytes | None]:
    data = json.loads(raw)
    personal = base64.b64decode(data["p"]) if data.get("p") else None
    return {k: base64.b64decode(v) for k, v in data["d"]}, personal


def store(user, desk_keys: dict, personal: bytes | None = None) -> str:
    """Put ``desk_keys`` ({DeskKey id: private key bytes}) and the personal private key (to
    open tips shared with an info-only reader) in the cache, encrypted under a fresh session
    key. Returns the cookie value (vault id and session key)."""
    session_key = AESGCM.generate_key(bit_length=256)
    vault_id = secrets.token_urlsafe(32)
    nonce = os.urandom(_NONCE)
    ciphertext = AESGCM(session_key).encrypt(
        nonce, _encode_keys(desk_keys, personal), _aad(vault_id, user.pk)
    )
    entry = {"u": user.pk, "c": int(time.time()), "b": nonce + ciphertext}
    _cache_call(cache.set, _PREFIX + vault_id, entry, idle_seconds())
    return f"{vault_id}.{base64.urlsafe_b64encode(session_key).decode().rstrip('=')}"


def _parse_cookie(value: str | None):
    if not value or "." not in value:
        return None
    vault_id, key_b64 = value.split(".", 1)
    try:
        session_key = base64.urlsafe_b64decode(key_b64 + "=" * (-len(key_b64) % 4))
    except ValueError:
        return None
    if len(session_key) != 32 or not vault_id:
        return None
    return vault_id, session_key


def load(user, cookie_value: str | None) -> tuple[dict, bytes | None] | None:
    """``(desk keys, personal key)`` for ``user`` if the vault is unlocked, else None.
    Refreshes the idle expiry. Raises :class:`VaultUnavailable` if the cache is down."""
    parsed = _parse_cookie(cookie_value)
    if parsed is None or not getattr(user, "is_authenticated", False):
        return None
    vault_id, session_key = parsed
    entry = _cache_call(cache.get, _PREFIX + vault_id)
    if not entry or entry.get("u") != user.pk:
        return None
    age = int(time.time()) - int(entry["c"])
    if age >= max_seconds():
        _cache_call(cache.delete, _PREFIX + vault_id)
        return None
    blob = entry["b"]
    try:
        plaintext = AESGCM(session_key).decrypt(
            blob[:_NONCE], blob[_NONCE:], _aad(vault_id, user.pk)
        )
    except InvalidTag:
        return None
    _cache_call(cache.touch, _PREFIX + vault_id, min(idle_seconds(), max_seconds() - age))
    return _decode_keys(plaintext)


def destroy(cookie_value: str | None) -> None:
    parsed = _parse_cookie(cookie_value)
    if parsed is not None:
        _cache_call(cache.delete, _PREFIX + parsed[0])


# ----- request-level helpers used by views


def _unlocked(request):
    if not hasattr(request, "_tip_vault_keys"):
        request._tip_vault_keys = load(request.user, request.COOKIES.get(cookie_name(request)))
    return request._tip_vault_keys


def desk_keys(request) -> dict | None:
    """The unlocked desk keys ({DeskKey id: private}) for this request, or None when locked.
    Raises :class:`VaultUnavailable` if the cache is down."""
    unlocked = _unlocked(request)
    return None if unlocked is None else unlocked[0]


def personal_key(request) -> bytes | None:
    unlocked = _unlocked(request)
    return None if unlocked is None else unlocked[1]


def is_unlocked(request) -> bool:
    try:
        return desk_keys(request) is not None
    except VaultUnavailable:
        return False


def set_cookie(request, response, value: str) -> None:
    response.set_cookie(
        cookie_name(request),
        value,
        max_age=max_seconds(),
        path="/",
        secure=request.is_secure(),
        httponly=True,
        samesite="Strict",
    )


def unlock(request, response, passphrase: str) -> int:
    """Open the personal key, unwrap the desk keys, hold them for this browser.

    Raises ``tips.keys.WrongPassphrase`` for a wrong passphrase, :class:`VaultUnavailable`
    if the cache is down. Returns the number of desk keys now unlocked.
    """
    from tips import keys

    personal = keys.open_personal_key(request.user, passphrase)
    unwrapped = keys.unwrap_desk_keys(request.user, personal)
    value = store(request.user, unwrapped, personal)
    lock(request, None)  # a previous vault of this browser ends now
    set_cookie(request, response, value)
    request._tip_vault_keys = (unwrapped, personal)
    return len(unwrapped)


def lock(request, response) -> None:
    """End the vault of this browser (cache entry deleted, cookie removed)."""
    value = request.COOKIES.get(cookie_name(request))
    try:
        destroy(value)
    finally:
        request._tip_vault_keys = None
        if response is not None:
            response.delete_cookie(cookie_name(request), path="/", samesite="Strict")


@receiver(user_logged_out)
def _lock_on_logout(sender, request=None, **kwargs):
    if request is None:
        return
    try:
        destroy(request.COOKIES.get(cookie_name(request)))
    except VaultUnavailable:
        pass  # already unreadable: nobody can open it while the cache is down
