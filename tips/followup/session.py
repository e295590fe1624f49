"""The citizen's follow-up session: short, cookie-bound, nothing readable server-side alone.

After a correct receipt, :func:`start` encrypts the receipt-derived private key and the tip
id in an encrypted cache session (:mod:`tips.cache_session`: AES-256-GCM under a fresh
random 256-bit key, the ciphertext in the shared cache under a random id; nothing in clear
links the entry to a tip: a copy of the cache says neither which tip is being followed up
nor by whom), with an idle expiry
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
from dataclasses import dataclass, field

from django.conf import settings

from tips.cache_session import CacheSession


class SessionUnavailable(Exception):
    """The shared cache cannot be reached."""


@dataclass(frozen=True)
class FollowupSession:
    tip_id: int
    suite: str
    private_key: bytes = field(repr=False)
    session_id: str = field(repr=False)


def idle_seconds() -> int:
    return int(settings.TIP_FOLLOWUP_IDLE_SECONDS)


def max_seconds() -> int:
    return int(settings.TIP_FOLLOWUP_MAX_SECONDS)


_SESSION = CacheSession(
    name="followup",
    prefix="tips:followup:session:",
    label="mostwanted/followup-session/v2",
    what="follow-up session",
    unavailable=SessionUnavailable,
    idle_seconds=idle_seconds,
    max_seconds=max_seconds,
    # Up to a minute of jitter on the idle expiry, and the start time only to the minute
    # (enough for the absolute expiry): the cache does not give the second of a request.
    jitter_seconds=60,
    start_resolution=60,
)


def cookie_name(request) -> str:
    return _SESSION.cookie_name(request)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def start(request, response, *, tip_id: int, suite: str, private_key: bytes) -> FollowupSession:
    """Open a session for ``tip_id`` and set its cookie on ``response``."""
    end(request, None)  # one session per browser
    payload = json.dumps({"k": _b64(private_key), "s": suite, "t": tip_id}).encode()
    session_id, value = _SESSION.create(payload)
    # No Max-Age: the cookie dies with the browser.
    _SESSION.set_cookie(request, response, value)
    session = FollowupSession(tip_id, suite, private_key, session_id)
    request._followup_session = session
    return session


def load(request) -> FollowupSession | None:
    """The live session of this browser, or None. Refreshes the idle expiry.

    Raises :class:`SessionUnavailable` when the cache is down.
    """
    if hasattr(request, "_followup_session"):
        return request._followup_session
    session = None
    opened = _SESSION.open(request.COOKIES.get(cookie_name(request)))
    if opened is not None:
        session_id, raw = opened
        try:
            payload = json.loads(raw)
        except ValueError:
            payload = None
        if isinstance(payload, dict) and "t" in payload:
            session = FollowupSession(
                int(payload["t"]), payload["s"], _unb64(payload["k"]), session_id
            )
    request._followup_session = session
    return session


def delete_cookie(request, response) -> None:
    _SESSION.delete_cookie(request, response)


def end(request, response) -> None:
    """End this browser's session (cache entry deleted, cookie removed)."""
    value = request.COOKIES.get(cookie_name(request))
    request._followup_session = None
    try:
        _SESSION.destroy(value)
    finally:
        if response is not None:
            _SESSION.delete_cookie(request, response)
