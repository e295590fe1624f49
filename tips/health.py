"""Can every desk that receives tips be read? (reads for supervisors, the publish check,
the admin dashboard and ``/healthz``).

A desk *receives* tips when it is the default desk (general tips) or the desk of a live,
active appeal. It *can read* them when it has an active key and at least one active member
holds that key (:func:`tips.selectors.readers`). A receiving desk that cannot read is an
alert: the tip form refuses those tips (never reroutes them) until it is fixed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, F, Q
from django.utils.translation import gettext as _
from wagtail.models import Locale

from appeals.choices import Status
from appeals.models import AppealPage, Desk

from .keys import active_recovery_key
from .models import DeskKey, DeskKeyWrap, DeskMembership, Tip, TipPriority
from .selectors import default_desk, readers
from .status import CLOSED_STATUSES
from .trust import problems

#: Problem codes of a desk (see :func:`problem_message`).
NO_DESK, NO_KEY, NO_READER = "no-desk", "no-key", "no-reader"
#: Warning codes of ``/healthz`` (public: they name no desk, person or key).
WARN_NO_RECOVERY_KEY = "no-recovery-key"
WARN_NO_DEFAULT_DESK = "no-default-desk"
WARN_DESK_UNREADABLE = "desk-unreadable"
WARN_UNTRUSTED = "trust-anchor"


def desk_problem(desk) -> str | None:
    """Why ``desk`` cannot receive tips now (``NO_DESK``, ``NO_KEY``, ``NO_READER``), or None."""
    if desk is None:
        return NO_DESK
    key = DeskKey.objects.filter(desk=desk.canonical(), active=True).first()
    if key is None:
        return NO_KEY
    if not readers(key).exists():
        return NO_READER
    return None


def problem_message(problem: str, desk=None) -> str:
    """A translated sentence saying what is wrong and what to do."""
    name = str(desk) if desk is not None else ""
    if problem == NO_DESK:
        return _("No desk receives these tips: choose the desk receiving tips.")
    if problem == NO_KEY:
        return _(
            "The desk “%(desk)s” has no active key, so nobody could read its tips. A "
            "supervisor must create one first (manage.py create_desk_key)."
        ) % {"desk": name}
    return _(
        "No active member of the desk “%(desk)s” holds its current key, so nobody could read "
        "its tips. A member who holds it must grant it first (Tips → Desk members and keys)."
    ) % {"desk": name}


def appeal_publish_problem(page) -> str | None:
    """Why the appeal ``page`` may not be published now, or None (also for other pages).

    Only an active appeal asks for tips; a resolved one sends them to the default desk.
    """
    page = getattr(page, "specific", page)
    if not isinstance(page, AppealPage) or page.status != Status.ACTIVE:
        return None
    return desk_problem(page.desk)


@dataclass
class DeskHealth:
    desk: object
    key_version: int | None = None
    #: When the active key was created (first key or last rotation).
    rotated_at: datetime | None = None
    readers: list[str] = field(default_factory=list)
    members: int = 0
    unread: int = 0
    urgent: int = 0
    receives_general: bool = False
    live_appeals: int = 0

    @property
    def problem(self) -> str | None:
        if self.key_version is None:
            return NO_KEY
        if not self.readers:
            return NO_READER
        return None

    @property
    def receives_tips(self) -> bool:
        return self.receives_general or self.live_appeals > 0

    @property
    def alert(self) -> bool:
        """Receives tips that nobody could read."""
        return self.receives_tips and self.problem is not None

    @property
    def problem_text(self) -> str:
        return problem_message(self.problem, self.desk) if self.problem else ""


def desk_health(desks=None) -> list[DeskHealth]:
    """One row per desk (default-locale rows; all of them unless ``desks`` is given)."""
    if desks is None:
        desks = Desk.objects.filter(locale=Locale.get_default()).order_by("name")
    rows = {d.pk: DeskHealth(desk=d) for d in desks}
    ids = list(rows)
    for dk in DeskKey.objects.filter(desk_id__in=ids, active=True):
        rows[dk.desk_id].key_version = dk.version
        rows[dk.desk_id].rotated_at = dk.created_at
    holders = DeskKeyWrap.objects.filter(
        desk_key__active=True,
        desk_key__desk_id__in=ids,
        user__is_active=True,
        user__desk_memberships__desk_id=F("desk_key__desk_id"),
        user__desk_memberships__is_active=True,
    ).values_list("desk_key__desk_id", "user__username")
    for desk_id, username in holders.distinct().order_by("user__username"):
        rows[desk_id].readers.append(username)
    members = DeskMembership.objects.active().filter(desk_id__in=ids)
    for row in members.values("desk_id").annotate(n=Count("pk")):
        rows[row["desk_id"]].members = row["n"]
    counts = (
        Tip.objects.filter(desk_id__in=ids)
        .values("desk_id")
        .annotate(
            unread=Count("pk", filter=Q(unread=True)),
            urgent=Count(
                "pk", filter=Q(priority=TipPriority.URGENT) & ~Q(status__in=CLOSED_STATUSES)
            ),
        )
    )
    for row in counts:
        rows[row["desk_id"]].unread = row["unread"]
        rows[row["desk_id"]].urgent = row["urgent"]
    # Appeals point at the desk row of their own language: match by translation key.
    by_key = {row.desk.translation_key: pk for pk, row in rows.items()}
    appeals = defaultdict(set)
    live = AppealPage.objects.live().filter(status=Status.ACTIVE, desk__isnull=False)
    for desk_key, appeal_key in live.values_list("desk__translation_key", "translation_key"):
        if desk_key in by_key:
            appeals[by_key[desk_key]].add(appeal_key)
    for desk_id, keys in appeals.items():
        rows[desk_id].live_appeals = len(keys)
    general = default_desk()
    if general is not None and general.pk in rows:
        rows[general.pk].receives_general = True
    return list(rows.values())


def tip_line_warnings() -> list[str]:
    """Warning codes for the dashboard and ``/healthz`` (empty when all is well)."""
    warnings = []
    if active_recovery_key() is None:
        warnings.append(WARN_NO_RECOVERY_KEY)
    elif problems():
        warnings.append(WARN_UNTRUSTED)
    if default_desk() is None:
        warnings.append(WARN_NO_DEFAULT_DESK)
    if any(row.alert for row in desk_health()):
        warnings.append(WARN_DESK_UNREADABLE)
    return warnings


def warning_message(code: str) -> str:
    """A translated sentence for a warning code (admin only)."""
    if code == WARN_NO_RECOVERY_KEY:
        return _(
            "The tip line has no recovery key: every tip is refused. Run "
            "manage.py create_recovery_key (see the README, “Going live”)."
        )
    if code == WARN_UNTRUSTED:
        return _(
            "The recovery key or the trust key does not match the server's configuration: "
            "every tip is refused. See docs/trust.md and the server log (TRUST ALERT)."
        )
    if code == WARN_NO_DEFAULT_DESK:
        return _(
            "No desk receives general tips: they are refused. A supervisor chooses one in "
            "Settings → Tip line."
        )
    return _(
        "A desk that receives tips cannot read them: those tips are refused until a member "
        "holds its key. See Tips → Desk health."
    )
