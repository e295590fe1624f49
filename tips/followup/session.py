"""The citizen's follow-up session: short, cookie-bound, nothing readable server-side alone.

After a correct receipt, :func:`start` encrypts the receipt-derived private key and the tip
id with AES-256-GCM under a fresh random 256-bit key and stores the ciphertext in the
shared cache under a random id (nothing in clear links the entry to a tip: a copy of the
cache says neither which tip is being followed up nor by whom), with an idle expiry
(``TIP_FOLLOWUP_IDLE_SECONDS``, 10 minutes, refreshed by each request, plus up to a minute
of random jitter) and an absolute one (``TIP_FOLLOWUP_MAX_SECONDS``, 1
hour). The random key and the id go only to the browser, in an HttpOnly, SameSite=Strict
cookie (``__Host-followup`` over HTTPS, Secure; ``followup`` over plain HTTP in
development), with no Max-Age (it dies with the browser). So:

* the receipt itself is never stored, and the derived private key never in clear;
* the cache entry alone cannot be decrypted (no key there), the cookie alone holds no
  ciphertext; a copied cookie is useless once the entry expired or the tipster left.

Why not ask for the receipt on every page: the answer form would have to carry the receipt
through every request and page, where browsers keep form data (history, autofill); a short
cache entry bound to a strict cookie exposes less. Why not Django's session: it is stored
for hours in the database and shared with the staff login cookie.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import secrets
import time
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from mostwanted.cache import strict_default_cache as cache

logger = logging.getLogger(__name__)

_PREFIX = "tips:followup:session:"
_NONCE = 12


class SessionUnavailable(Exception):
    """The shared cache cannot be reached."""


@dataclass(frozen=True)
class FollowupSession:
    tip_id: int
    suite: str
    private_key: bytes = field(repr=False)
    session_id: str = field(repr=False)


def idle_seconds() -> int:
    return int(getattr(settings, "TIP_FOLLOWUP_IDLE_SECONDS", 600))


def max_seconds() -> int:
    return int(getattr(settings, "TIP_FOLLOWUP_MAX_SECONDS", 3600))


def cookie_name(request) -> str:
    return "__Host-followup" if request.is_secure() else "followup"


def _aad(session_id: str) -> bytes:
    return f"mostwanted/followup-session/v2:{session_id}".encode()


def _stored_lifetime() -> int:
    """The idle expiry plus up to a minute of random jitter, so the entry's lifetime in the
    cache does not give the second of the tipster's last request."""
    return idle_seconds() + secrets.randbelow(60)


def _cache(method, *args):
    try:
        return method(*args)
    except Exception as exc:  # noqa: BLE001 - any cache failure: the session is unavailable
        logger.warning("follow-up session cache unavailable (%s)", type(exc).__name__)
        raise SessionUnavailable from None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def start(request, response, *, tip_id: int, suite: str, private_key: bytes) -> FollowupSession:
    """Open a session for ``tip_id`` and set its cookie on ``response``."""
    end(request, None)  # one session per browser
    key = AESGCM.generate_key(bit_length=256)
    session_id = secrets.token_urlsafe(32)
    nonce = os.urandom(_NONCE)
    payload = json.dumps({"k": _b64(private_key), "s": suite, "t": tip_id}).encode()
    blob = nonce + AESGCM(key).encrypt(nonce, payload, _aad(session_id))
    # The start time only to the minute (enough for the absolute expiry).
    entry = {"c": int(time.time()) // 60 * 60, "b": blob}
    _cache(cache.set, _PREFIX + session_id, entry, _stored_lifetime())
    response.set_cookie(
        cookie_name(request),
        f"{session_id}.{_b64(key)}",
        path="/",
        secure=request.is_secure(),
        httponly=True,
        samesite="Strict",
    )
    session = FollowupSession(tip_id, suite, private_key, session_id)
    request._followup_session = session
    return session


def _parse(value: str | None):
    if not value or "." not in value or len(value) > 200:
        return None
    session_id, key_text = value.split(".", 1)
    try:
        key = _unb64(key_text)
    except ValueError:
        return None
    if len(key) != 32 or not session_id:
        return None
    return session_id, key


def load(request) -> FollowupSession | None:
    """The live session of this browser, or None. Refreshes the idle expiry.

    Raises :class:`SessionUnavailable` when the cache is down.
    """
    if hasattr(request, "_followup_session"):
        return request._followup_session
    session = None
    parsed = _parse(request.COOKIES.get(cookie_name(request)))
    if parsed is not None:
        session_id, key = parsed
        entry = _cache(cache.get, _PREFIX + session_id)
        if entry:
            age = int(time.time()) - int(entry["c"])
            if age >= max_seconds():
                _cache(cache.delete, _PREFIX + session_id)
            else:
                blob = entry["b"]
                try:
                    payload = json.loads(
                        AESGCM(key).decrypt(blob[:_NONCE], blob[_NONCE:], _aad(session_id))
                    )
                except (InvalidTag, ValueError, TypeError):
                    payload = None
                if isinstance(payload, dict) and "t" in payload:
                    remaining = min(_stored_lifetime(), max_seconds() - age)
                    _cache(cache.touch, _PREFIX + session_id, remaining)
                    session = FollowupSession(
                        int(payload["t"]), payload["s"], _unb64(payload["k"]), session_id
                    )
    request._followup_session = session
    return session


def end(request, response) -> None:
    """End this browser's session (cache entry deleted, cookie removed)."""
    parsed = _parse(request.COOKIES.get(cookie_name(request)))
    request._followup_session = None
    try:
        if parsed is not None:
            _cache(cache.delete, _PREFIX + parsed[0])
    finally:
        if response is not None:
            response.delete_cookie(cookie_name(request), path="/", samesite="Strict")
