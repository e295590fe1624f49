"""A tip line that can receive tips, for tests in every package.

Tips are only accepted for a desk with an active key held by at least one active member,
and general tips only go to the configured default desk (``tips.selectors``): fixtures that
post tips use :func:`make_tip_line_ready` instead of creating a bare desk key.
"""

from __future__ import annotations

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
