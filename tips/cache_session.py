"""One encrypted, cookie-keyed cache session: the vault and the follow-up session use it.

:meth:`CacheSession.create` seals a payload with :func:`tips.crypto.secret_seal` under a
fresh random 256-bit key and stores the ciphertext in the shared cache (any web node can
read it) under a random id, with an idle expiry refreshed by each read and an absolute one.
The key and the id go only to the browser, in an HttpOnly, SameSite=Strict cookie
(``__Host-<name>`` over HTTPS: Secure, path /, no domain; ``<name>`` over plain HTTP in
development). So the cache entry alone cannot be decrypted (no key there) and the cookie
alone holds no ciphertext; ending the session deletes the entry and the cookie is useless.

The associated data binds the ciphertext to its id (and to an owner, when there is one: the
vault's user). Any cache failure raises the session's own "unavailable" exception.

A session may keep named *extras* beside its entry (the vault keeps the queue's capture-time
index): each sealed under the same cookie key, bound to the session id, the owner and its
name, read only while the session itself is alive, never outliving its idle or absolute
expiry, and deleted with it.
"""

from __future__ import annotations

import base64
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from mostwanted.cache import strict_default_cache as cache

from . import crypto

logger = logging.getLogger(__name__)

_KEY_BYTES = 32
_MAX_COOKIE = 200


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class CacheSession:
    #: Cookie name (``__Host-`` is prefixed over HTTPS).
    name: str
    #: Cache key prefix of the entries.
    prefix: str
    #: Label of the associated data (versioned: a new layout gets a new label).
    label: str
    #: Named in the log line when the cache is down.
    what: str
    #: Raised when the cache cannot be reached.
    unavailable: type[Exception]
    idle_seconds: Callable[[], int]
    max_seconds: Callable[[], int]
    #: Up to this many seconds of random jitter on the idle expiry, so the entry's lifetime
    #: does not give the second of the last request.
    jitter_seconds: int = 0
    #: The start time is stored rounded down to this many seconds.
    start_resolution: int = 1
    #: Names of the extras this session may keep (deleted with it).
    extras: tuple[str, ...] = ()

    def cookie_name(self, request) -> str:
        return f"__Host-{self.name}" if request.is_secure() else self.name

    def _aad(self, session_id: str, owner) -> bytes:
        suffix = "" if owner is None else f":{owner}"
        return f"{self.label}:{session_id}{suffix}".encode()

    def _call(self, method, *args):
        try:
            return method(*args)
        except Exception as exc:  # noqa: BLE001 - any cache failure means "unavailable"
            logger.warning("%s cache unavailable (%s)", self.what, type(exc).__name__)
            raise self.unavailable from None

    def _lifetime(self) -> int:
        jitter = secrets.randbelow(self.jitter_seconds) if self.jitter_seconds else 0
        return self.idle_seconds() + jitter

    def create(self, payload: bytes, *, owner=None) -> tuple[str, str]:
        """Store ``payload`` sealed under a fresh key. Returns (session id, cookie value)."""
        key = crypto.new_secret_key()
        session_id = secrets.token_urlsafe(32)
        blob = crypto.secret_seal(key, payload, aad=self._aad(session_id, owner))
        started = int(time.time()) // self.start_resolution * self.start_resolution
        entry = {"c": started, "b": blob}
        if owner is not None:
            entry["u"] = owner
        self._call(cache.set, self.prefix + session_id, entry, self._lifetime())
        return session_id, f"{session_id}.{_b64(key)}"

    def parse(self, value: str | None) -> tuple[str, bytes] | None:
        """(session id, key) of a cookie value, or None if it is not one."""
        if not value or "." not in value or len(value) > _MAX_COOKIE:
            return None
        session_id, key_text = value.split(".", 1)
        try:
            key = _unb64(key_text)
        except ValueError:
            return None
        if len(key) != _KEY_BYTES or not session_id:
            return None
        return session_id, key

    def open(self, value: str | None, *, owner=None) -> tuple[str, bytes] | None:
        """(session id, payload) of a live session, or None. Refreshes the idle expiry;
        deletes an entry past the absolute expiry."""
        found = self._entry(value, owner)
        if found is None:
            return None
        session_id, key, entry, left = found
        if left <= 0:
            self._call(cache.delete, self.prefix + session_id)
            return None
        try:
            payload = crypto.secret_open(key, entry["b"], aad=self._aad(session_id, owner))
        except crypto.DecryptionError:
            return None
        self._call(cache.touch, self.prefix + session_id, min(self._lifetime(), left))
        return session_id, payload

    def destroy(self, value: str | None) -> None:
        """Delete the entry of a cookie value (if it is one), and its extras."""
        parsed = self.parse(value)
        if parsed is not None:
            keys = [self.prefix + parsed[0]] + [self._extra_key(parsed[0], n) for n in self.extras]
            self._call(cache.delete_many, keys)

    # ----- extras: more sealed data of the same session, under the same cookie key

    def _extra_key(self, session_id: str, name: str) -> str:
        if name not in self.extras:
            raise ValueError(f"unknown extra {name!r} of the {self.what} session")
        return f"{self.prefix}{session_id}:{name}"

    def _alive(self, value: str | None, owner) -> tuple[str, bytes, int] | None:
        """(session id, key, seconds left) of a live session's cookie value, or None."""
        found = self._entry(value, owner)
        if found is None or found[3] <= 0:
            return None
        session_id, key, _entry, left = found
        return session_id, key, min(self._lifetime(), left)

    def _entry(self, value: str | None, owner) -> tuple[str, bytes, dict, int] | None:
        """(session id, key, cache entry, seconds before the absolute expiry) of the
        owner's session named by a cookie value, or None; expired entries included."""
        parsed = self.parse(value)
        if parsed is None:
            return None
        session_id, key = parsed
        entry = self._call(cache.get, self.prefix + session_id)
        if not entry or entry.get("u") != owner:
            return None
        return session_id, key, entry, self.max_seconds() - (int(time.time()) - int(entry["c"]))

    def get_extra(self, value: str | None, name: str, *, owner=None) -> bytes | None:
        """The payload of the extra ``name`` of a live session, or None."""
        alive = self._alive(value, owner)
        if alive is None:
            return None
        session_id, key, left = alive
        blob = self._call(cache.get, self._extra_key(session_id, name))
        if blob is None:
            return None
        aad = self._aad(session_id, owner) + f":{name}".encode()
        try:
            payload = crypto.secret_open(key, blob, aad=aad)
        except crypto.DecryptionError:
            return None
        self._call(cache.touch, self._extra_key(session_id, name), left)
        return payload

    def set_extra(self, value: str | None, name: str, payload: bytes, *, owner=None) -> bool:
        """Seal ``payload`` as the extra ``name`` of a live session (False: no session).
        It expires no later than the session would without another request."""
        alive = self._alive(value, owner)
        if alive is None:
            return False
        session_id, key, left = alive
        aad = self._aad(session_id, owner) + f":{name}".encode()
        blob = crypto.secret_seal(key, payload, aad=aad)
        self._call(cache.set, self._extra_key(session_id, name), blob, left)
        return True

    def set_cookie(self, request, response, value: str, *, max_age: int | None = None) -> None:
        response.set_cookie(
            self.cookie_name(request),
            value,
            max_age=max_age,
            path="/",
            secure=request.is_secure(),
            httponly=True,
            samesite="Strict",
        )

    def delete_cookie(self, request, response) -> None:
        response.delete_cookie(self.cookie_name(request), path="/", samesite="Strict")
