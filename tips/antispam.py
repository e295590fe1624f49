"""Anti-spam without third parties: a honeypot field and a signed, timed form token.

The token is issued with the form (``issue_token``) and checked on submission
(``check_token``): it must carry a valid signature, be at least ``TIP_FORM_MIN_SECONDS``
old (a person takes longer than that to write a tip; a script does not) and at most
``TIP_FORM_MAX_AGE`` old. A failed check never loses the citizen's text: the view re-shows
the form, filled in, with a fresh token. No state is kept on the server and the token holds
nothing about the visitor (a random nonce and the time it was issued).

The replay guard (:func:`token_already_used`, :func:`mark_token_used`) remembers, in the
shared cache and only as a hash, the tokens of forms already stored, so the same form sent
twice is not stored twice; the cache is optional there (a failure only skips the check).
"""

from __future__ import annotations

import enum
import hashlib
import logging
import secrets
import time

from django.conf import settings
from django.core import signing

from mostwanted.cache import strict_default_cache as cache
from mostwanted.onion import is_onion

logger = logging.getLogger(__name__)

SALT = "tips.antispam.form-token"
HONEYPOT_FIELD = "website"
TOKEN_FIELD = "form_token"  # noqa: S105 (a field name)
_MAX_TOKEN_LENGTH = 200
_USED_TOKEN_PREFIX = "tips:used-form-token:"  # noqa: S105 (a cache key prefix)


class TokenStatus(enum.Enum):
    OK = "ok"
    MISSING = "missing"
    INVALID = "invalid"
    TOO_FAST = "too_fast"
    EXPIRED = "expired"


def min_seconds() -> float:
    return float(settings.TIP_FORM_MIN_SECONDS)


def max_age() -> int:
    return int(settings.TIP_FORM_MAX_AGE)


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def issue_token() -> str:
    """A new signed token stamped with the current time."""
    return _signer().sign(secrets.token_urlsafe(9))


def min_seconds_for(request) -> float:
    """The minimum fill time for ``request``: longer on the onion host (docs/tor.md), where
    a new source costs an attacker only a new circuit."""
    if is_onion(request):
        return max(min_seconds(), float(settings.TIP_ONION_FORM_MIN_SECONDS))
    return min_seconds()


def onion_wait(request) -> int:
    """Seconds the onion host makes a form wait before it can be sent (0 elsewhere): the
    form says it, and a refusal names it."""
    wait = min_seconds_for(request)
    return int(wait) if wait > min_seconds() else 0


def check_token(
    token: str | None, *, now: float | None = None, min_age: float | None = None
) -> TokenStatus:
    """Whether ``token`` is genuine, old enough (``min_age``, else ``TIP_FORM_MIN_SECONDS``)
    and not expired."""
    if not token:
        return TokenStatus.MISSING
    if len(token) > _MAX_TOKEN_LENGTH:
        return TokenStatus.INVALID
    signer = _signer()
    try:
        signer.unsign(token)  # signature only; age is checked below against ``now``
    except signing.BadSignature:
        return TokenStatus.INVALID
    try:
        issued = signing.b62_decode(token.rsplit(signer.sep, 2)[1])
    except (IndexError, ValueError):
        return TokenStatus.INVALID
    age = (time.time() if now is None else now) - issued
    if age > max_age():
        return TokenStatus.EXPIRED
    if age < (min_seconds() if min_age is None else min_age):
        return TokenStatus.TOO_FAST
    return TokenStatus.OK


def honeypot_filled(data) -> bool:
    """True if the hidden field that people never see was filled in (by a bot)."""
    return bool((data.get(HONEYPOT_FIELD) or "").strip())


# --------------------------------------------------------------------------- replay guard


def _used_token_key(token: str) -> str:
    return _USED_TOKEN_PREFIX + hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def token_already_used(token: str) -> bool:
    """Whether a form with ``token`` was already stored (False when the cache is down)."""
    try:
        return bool(cache.get(_used_token_key(token)))
    except Exception as exc:  # the cache is optional here
        logger.warning("tip form: cache unavailable for the replay check (%s)", type(exc).__name__)
        return False


def mark_token_used(token: str) -> None:
    """Remember that the form with ``token`` was stored, for as long as the token is valid."""
    try:
        cache.set(_used_token_key(token), 1, max_age() + 60)
    except Exception as exc:  # the cache is optional here
        logger.warning("tip form: cache unavailable for the replay check (%s)", type(exc).__name__)
