"""The short fingerprint of a member's vault key, which a granter confirms.

Whoever grants desk access (wraps the desk key to a member) or approves a membership types
the member's short fingerprint as the member reads it on their own vault page. The key is
also bound under ``TIP_TRUST_KEY`` (:func:`tips.trust.check_investigator_key`); this is the
human check on top: the granter confirms *which* key the desk key goes to.
"""

from __future__ import annotations

from django.utils.crypto import constant_time_compare

from . import trust
from .models import InvestigatorKey

#: Hex characters of the key fingerprint (SHA-256 of the public key) shown and typed.
SHORT_LENGTH = 16


def _key(user):
    return InvestigatorKey.objects.filter(user=user).first()


def short(user) -> str:
    """``abcd 1234 …`` (groups of four), or "" if the user has no vault key (or a key that
    fails its binding: never shown as if it could be confirmed)."""
    ik = _key(user)
    if ik is None:
        return ""
    try:
        trust.check_investigator_key(ik)
    except trust.TrustError:
        return ""
    raw = ik.key_id[:SHORT_LENGTH]
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def normalise(typed: str) -> str:
    return "".join((typed or "").split()).replace("-", "").replace(":", "").lower()


def confirmed(user, typed: str) -> bool:
    """True if ``typed`` is ``user``'s short fingerprint (spaces, dashes and case ignored)."""
    expected = short(user).replace(" ", "")
    return bool(expected) and constant_time_compare(normalise(typed), expected)


def has_key(user) -> bool:
    return _key(user) is not None
