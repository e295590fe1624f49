"""Kept for imports of the older name: the tip-line set-ups live in ``tests/factories.py``."""

from tests.factories import READER_PASSPHRASE, make_tip_line_ready  # noqa: F401
