"""The receipt again when the same form arrives twice (a network error, a resend).

After a network error the browser (or ``tipform.js``) may send the very same form again
although the tip was stored: the citizen must still see the receipt, never only "already
sent". When a tip is stored, :func:`remember` keeps its receipt for ``STASH_SECONDS`` in
the cache, sealed with AES-256-GCM under a key derived from the form's one-time token,
which only the citizen's browser holds (the cache key is a hash of it): a copy of the cache
alone gives nothing. :func:`recall` opens it for the same token. Both are best effort: a
cache failure only means the plain "already sent" page.
"""

from __future__ import annotations

import hashlib
import json
import logging

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from mostwanted.cache import strict_default_cache as cache

from . import crypto

logger = logging.getLogger(__name__)

STASH_SECONDS = 600
_PREFIX = "tips:replay:"
_NONCE = 12


def _names(token: str) -> tuple[str, bytes]:
    raw = token.encode("utf-8", "replace")
    cache_key = _PREFIX + hashlib.sha256(b"mostwanted/tip-replay/id:" + raw).hexdigest()
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"mostwanted/tip-replay/key"
    ).derive(raw)
    return cache_key, key


def remember(token: str, *, receipt: str, urgent: bool) -> None:
    cache_key, key = _names(token)
    payload = json.dumps({"r": receipt, "u": bool(urgent)}).encode()
    try:
        cache.set(cache_key, crypto.secret_seal(key, payload), STASH_SECONDS)
    except Exception as exc:  # noqa: BLE001 - best effort
        logger.warning(
            "tip form: cache unavailable for the receipt resend (%s)", type(exc).__name__
        )


def recall(token: str) -> tuple[str, bool] | None:
    """(receipt, urgent) for a form sent again with ``token``, or None."""
    cache_key, key = _names(token)
    try:
        blob = cache.get(cache_key)
    except Exception as exc:  # noqa: BLE001 - best effort
        logger.warning(
            "tip form: cache unavailable for the receipt resend (%s)", type(exc).__name__
        )
        return None
    if not isinstance(blob, bytes) or len(blob) <= _NONCE:
        return None
    try:
        payload = json.loads(crypto.secret_open(key, blob))
    except (crypto.DecryptionError, ValueError):
        return None
    return str(payload["r"]), bool(payload["u"])
