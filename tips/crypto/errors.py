"""The errors of :mod:`tips.crypto`: messages never carry secret material."""

from __future__ import annotations

# --------------------------------------------------------------------------- exceptions


class CryptoError(Exception):
    """Base class of every error raised by this module."""


class DecryptionError(CryptoError):
    """Wrong key, wrong passphrase, wrong context, tampered or truncated data."""


class UnsupportedSuiteError(CryptoError):
    """The suite id is unknown, or this installation of ``cryptography`` cannot run it."""
