"""Shared tip-line set-ups for tests in every folder.

Tips are only accepted for a desk with an active key held by at least one active member,
and general tips only go to the configured default desk (``tips.selectors``): fixtures that
post tips use :func:`make_tip_line_ready` (or :func:`make_tipline`) instead of creating a
bare desk key. :func:`open_intake` lets the tip form accept tips at once, as often as a
test sends them.
"""

from __future__ import annotations

from collections.abc import Iterator

READER_PASSPHRASE = "a long vault passphrase for tests"  # noqa: S105 - test only


def make_tip_line_ready(desk, *, reader=None, default: bool = True):
    """Make ``desk`` able to receive tips; return the member who can read them.

    Creates what is missing: a recovery key, a member with a vault (``reader``, or a new
    user "reader-<desk id>"), their membership, and an active desk key wrapped to them (a
    new key version if the active one is held by nobody). With ``default`` the desk also
    receives general tips (Settings → Tip line).
    """
    from django.contrib.auth import get_user_model

    from tips import keys, selectors
    from tips.models import DeskMembership, InvestigatorKey, TipLineSettings

    desk = desk.canonical()
    if keys.active_recovery_key() is None:
        keys.create_recovery_key()
    if reader is None:
        reader, _ = get_user_model().objects.get_or_create(
            username=f"reader-{desk.pk}", defaults={"email": f"reader-{desk.pk}@police.example"}
        )
    if not InvestigatorKey.objects.filter(user=reader).exists():
        keys.setup_vault(reader, READER_PASSPHRASE)
    DeskMembership.objects.update_or_create(desk=desk, user=reader, defaults={"is_active": True})
    key = keys.active_desk_key(desk)
    if key is None or not selectors.readers(key).filter(pk=reader.pk).exists():
        keys.create_desk_key(desk)  # wrapped to every member with a vault, reader included
    if default:
        tip_line = TipLineSettings.load()
        tip_line.default_desk = desk
        tip_line.save()
    return reader


def make_tipline(name: str = "Fugitive search"):
    """A new desk ready for tips (the default desk) and a recovery key of the test's own;
    returns (desk, recovery private key)."""
    from appeals.models import Desk
    from tips import keys

    desk = Desk.objects.create(name=name)
    _rk, recovery_private = keys.create_recovery_key()
    make_tip_line_ready(desk)  # a member holding the key; the default desk
    return desk, recovery_private


def open_intake(settings, *, clear_after: bool = True) -> Iterator[None]:
    """For an autouse fixture: no minimum form time, generous rates, a clean cache and rate
    limiter before (and, with ``clear_after``, the cache after) the test."""
    from django.core.cache import cache

    from tips import ratelimit

    settings.TIP_FORM_MIN_SECONDS = 0
    settings.TIP_RATE_PER_SOURCE = "1000/h"
    settings.TIP_RATE_GLOBAL = "1000/m"
    cache.clear()
    ratelimit.reset_state()
    yield
    if clear_after:
        try:
            cache.clear()
        except Exception:  # noqa: S110 - a test may have pointed the cache at a dead server
            pass
    ratelimit.reset_state()
