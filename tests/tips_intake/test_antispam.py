"""tips.antispam: the signed, timed form token and the honeypot."""

import time

from django.core import signing
from django.test import override_settings

from tips import antispam
from tips.antispam import TokenStatus, check_token, issue_token


def test_fresh_token_is_too_fast_then_ok_then_expired(settings):
    settings.TIP_FORM_MIN_SECONDS = 3
    settings.TIP_FORM_MAX_AGE = 2 * 3600
    token = issue_token()
    now = time.time()
    assert check_token(token, now=now) == TokenStatus.TOO_FAST
    assert check_token(token, now=now + 3.5) == TokenStatus.OK
    assert check_token(token, now=now + 2 * 3600 - 5) == TokenStatus.OK
    assert check_token(token, now=now + 2 * 3600 + 5) == TokenStatus.EXPIRED


@override_settings(TIP_FORM_MIN_SECONDS=0, TIP_FORM_MAX_AGE=60)
def test_limits_are_settings():
    token = issue_token()
    assert check_token(token) == TokenStatus.OK
    assert check_token(token, now=time.time() + 61) == TokenStatus.EXPIRED


def test_missing_forged_and_foreign_tokens():
    assert check_token(None) == TokenStatus.MISSING
    assert check_token("") == TokenStatus.MISSING
    assert check_token("x" * 500) == TokenStatus.INVALID
    assert check_token("abc:def:ghi") == TokenStatus.INVALID
    token = issue_token()
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert check_token(tampered) == TokenStatus.INVALID
    # Signed with the right key but another salt (another form): refused.
    other = signing.TimestampSigner(salt="something-else").sign("abc")
    assert check_token(other) == TokenStatus.INVALID


def test_token_carries_no_visitor_data():
    token = issue_token()
    nonce, timestamp, _sig = token.split(":")
    assert len(nonce) == 12 and abs(signing.b62_decode(timestamp) - time.time()) < 5


def test_honeypot():
    assert not antispam.honeypot_filled({})
    assert not antispam.honeypot_filled({"website": "  "})
    assert antispam.honeypot_filled({"website": "http://spam.example"})
