"""Limits on receipt attempts that stop guessing without locking out the right receipt.

Wrong receipts are counted per source (the intake's daily HMAC of the address or IPv6
/64: :func:`tips.ratelimit.source_key`; ``TIP_FOLLOWUP_RATE_PER_SOURCE``, default 10 per
hour) and per receipt prefix (its first two groups, under the same HMAC:
``TIP_FOLLOWUP_RATE_PER_PREFIX``, default 10 per hour), so guesses spread over many
addresses at one receipt are stopped too. Each attempt reserves one of each; a correct
receipt gives them back (:meth:`~tips.ratelimit.Admission.give_back`): the tipster's own
receipt never uses up anything, and a guesser, who cannot know the prefix of a real receipt,
cannot use up the tipster's. The site-wide figure (``TIP_FOLLOWUP_RATE_GLOBAL``, default
120 per minute: it also caps the Argon2id work) counts only sources within their own
limits and sheds load with a short ``Retry-After``; it is not a lock-out. If the cache is
down, the intake's in-process fallback counters apply the same rates.
"""

from __future__ import annotations

from django.conf import settings

from tips import ratelimit as intake
from tips import receipts

SOURCE_GROUP = "tips.followup.source"
PREFIX_GROUP = "tips.followup.prefix"
GLOBAL_GROUP = "tips.followup.global"
PREFIX_DIGITS = 8


def rate_per_source() -> str:
    return settings.TIP_FOLLOWUP_RATE_PER_SOURCE


def rate_per_prefix() -> str:
    return settings.TIP_FOLLOWUP_RATE_PER_PREFIX


def rate_global() -> str:
    return settings.TIP_FOLLOWUP_RATE_GLOBAL


def receipt_prefix(text: str) -> str:
    try:
        return receipts.normalise_receipt(text)[:PREFIX_DIGITS]
    except receipts.InvalidReceipt:
        return "malformed"


def admit_attempt(request, receipt_text: str) -> intake.Admission:
    """Reserve one wrong attempt for this source and this receipt prefix, and count the
    load. Give it back when the receipt turns out right."""
    prefix = intake.private_key_for("followup-prefix", receipt_prefix(receipt_text))
    return intake.admit(
        request,
        budgets=[
            (SOURCE_GROUP, intake.source_key(None, request), rate_per_source(), True),
            (PREFIX_GROUP, prefix, rate_per_prefix(), True),
        ],
        global_group=GLOBAL_GROUP,
        global_rate=rate_global(),
    )
