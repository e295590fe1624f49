"""Receipts: the code a tipster writes down to come back later.

A receipt is 28 random decimal digits shown as 7 groups of 4 (``1234-5678-...``): 93 bits
of entropy from :mod:`secrets`, easy to copy by hand or read out over the phone. Only an
Argon2id lookup digest of it is stored (``Tip.receipt_digest``, installation-wide salt:
see :func:`tips.crypto.hash_receipt` for why the cost can be low), plus a per-tip salt and
the public half of a key pair derived from it (for messages to the tipster).
"""

import re
import secrets

from django.conf import settings
from django.db import IntegrityError

from . import crypto
from .models import InstallationSalt

GROUPS = 7
GROUP_LEN = 4
DIGITS = GROUPS * GROUP_LEN
_STRIP = re.compile(r"[\s\-_.]+")


class InvalidReceipt(ValueError):
    """The text cannot be a receipt (wrong length or characters)."""


def new_receipt() -> str:
    """A fresh receipt, formatted for display: ``1234-5678-9012-3456-7890-1234-5678``."""
    digits = "".join(str(secrets.randbelow(10)) for _ in range(DIGITS))
    return format_receipt(digits)


def normalise_receipt(text: str) -> str:
    """Canonical form (digits only). Raises :class:`InvalidReceipt` if it cannot be one."""
    cleaned = _STRIP.sub("", text or "")
    if len(cleaned) != DIGITS or not cleaned.isascii() or not cleaned.isdigit():
        raise InvalidReceipt("not a receipt")
    return cleaned


def format_receipt(receipt: str) -> str:
    """Display form in groups of four digits."""
    digits = normalise_receipt(receipt)
    return "-".join(digits[i : i + GROUP_LEN] for i in range(0, DIGITS, GROUP_LEN))


def receipt_params() -> dict:
    return dict(settings.TIP_RECEIPT_ARGON2)


def installation_salt(name: str = "receipt") -> bytes:
    """The installation-wide receipt salt: ``TIP_RECEIPT_SALT`` (hex) or a random DB row."""
    configured = settings.TIP_RECEIPT_SALT
    if configured and name == "receipt":
        return bytes.fromhex(configured)

    try:
        row, _ = InstallationSalt.objects.get_or_create(
            name=name, defaults={"value": secrets.token_bytes(16)}
        )
    except IntegrityError:  # created concurrently
        row = InstallationSalt.objects.get(name=name)
    return bytes(row.value)


def receipt_digest(receipt: str) -> bytes:
    """The lookup digest stored in ``Tip.receipt_digest``. Raises InvalidReceipt."""
    return crypto.hash_receipt(
        normalise_receipt(receipt), salt=installation_salt(), params=receipt_params()
    )


def receipt_keypair(receipt: str, salt: bytes, suite: str = crypto.DEFAULT_SUITE):
    """The tipster's key pair for one tip (``Tip.receipt_salt``, ``Tip.receipt_suite``)."""
    return crypto.derive_receipt_keypair(
        normalise_receipt(receipt), bytes(salt), suite=suite, params=receipt_params()
    )
