"""The unlocked vault: desk private keys held for one investigator between requests.

Unlocking (:func:`unlock`) opens the personal key with the vault passphrase, unwraps the desk
keys the investigator may use, and holds them in an encrypted cache session
(:mod:`tips.cache_session`: AES-256-GCM under a fresh random 256-bit session key, the
ciphertext in the shared cache under a random vault id) with an idle expiry
(``VAULT_IDLE_SECONDS``, 15 minutes) and an absolute one (``VAULT_MAX_SECONDS``, 8 hours).
The session key and the vault id go only to the browser, in an HttpOnly, SameSite=Strict
cookie (``__Host-vault``, Secure, over HTTPS). So:

- the cache alone cannot decrypt (no session key there), the cookie alone cannot either (the
  ciphertext is not in it), and the entry is bound to the user who unlocked it;
- "Lock", logging out and either expiry delete the entry: the cookie becomes useless.

Beside the keys the vault keeps the queue's capture-time index (:func:`load_extra`,
:func:`store_extra`; ``tips.admin.capture_index``): sealed under the same cookie key, read
only while the vault is open, deleted with it.

If the cache is unreachable, :class:`VaultUnavailable` is raised and views say so.
"""

from __future__ import annotations

import base64
import json

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from tips import keys

from .cache_session import CacheSession


class VaultError(Exception):
    """Base class of vault errors."""


class VaultUnavailable(VaultError):
    """The shared cache cannot be reached: nothing can be unlocked or read right now."""


def idle_seconds() -> int:
    return int(settings.VAULT_IDLE_SECONDS)


def max_seconds() -> int:
    return int(settings.VAULT_MAX_SECONDS)


_SESSION = CacheSession(
    name="vault",
    prefix="tips:vault:",
    label="mostwanted/vault/v1",
    what="vault",
    unavailable=VaultUnavailable,
    idle_seconds=idle_seconds,
    max_seconds=max_seconds,
    extras=("capture",),  # the queue's capture-time index (tips.admin.capture_index)
)


def cookie_name(request) -> str:
    """``__Host-vault`` over HTTPS (Secure, path /, no domain); ``vault`` otherwise."""
    return _SESSION.cookie_name(request)


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
    _vault_id, value = _SESSION.create(_encode_keys(desk_keys, personal), owner=user.pk)
    return value


def load(user, cookie_value: str | None) -> tuple[dict, bytes | None] | None:
    """``(desk keys, personal key)`` for ``user`` if the vault is unlocked, else None.
    Refreshes the idle expiry. Raises :class:`VaultUnavailable` if the cache is down."""
    if not getattr(user, "is_authenticated", False):
        return None
    opened = _SESSION.open(cookie_value, owner=user.pk)
    return None if opened is None else _decode_keys(opened[1])


def destroy(cookie_value: str | None) -> None:
    _SESSION.destroy(cookie_value)


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


def load_extra(request, name: str) -> bytes | None:
    """A payload this browser's vault keeps beside its keys (sealed under the same cookie
    key, deleted with the vault), or None. Raises :class:`VaultUnavailable`."""
    if not getattr(request.user, "is_authenticated", False):
        return None
    return _SESSION.get_extra(
        request.COOKIES.get(cookie_name(request)), name, owner=request.user.pk
    )


def store_extra(request, name: str, payload: bytes) -> bool:
    """Keep ``payload`` beside this browser's vault (False: no vault). Raises
    :class:`VaultUnavailable`."""
    if not getattr(request.user, "is_authenticated", False):
        return False
    return _SESSION.set_extra(
        request.COOKIES.get(cookie_name(request)), name, payload, owner=request.user.pk
    )


def set_cookie(request, response, value: str) -> None:
    _SESSION.set_cookie(request, response, value, max_age=max_seconds())


def unlock(request, response, passphrase: str) -> int:
    """Open the personal key, unwrap the desk keys, hold them for this browser.

    Raises ``tips.keys.WrongPassphrase`` for a wrong passphrase, :class:`VaultUnavailable`
    if the cache is down. Returns the number of desk keys now unlocked.
    """
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
            _SESSION.delete_cookie(request, response)


@receiver(user_logged_out)
def _lock_on_logout(sender, request=None, **kwargs):
    if request is None:
        return
    try:
        destroy(request.COOKIES.get(cookie_name(request)))
    except VaultUnavailable:
        pass  # already unreadable: nobody can open it while the cache is down
