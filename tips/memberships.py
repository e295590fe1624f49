"""Desk memberships need two people.

* A member of the desk who holds its key (vault unlocked) **proposes** an eligible person
  (an active member of the Investigators group, not already a member).
* A supervisor who is neither the proposer nor the candidate **approves** (or rejects). Only
  then is the membership recorded; a key holder then wraps the desk key to the new member
  (:func:`tips.keys.grant_desk_access`, which refuses a key that fails its binding).
* Every active member of the desk is e-mailed on every change (no names, no content).
* Revoking needs a current membership (anything else is a 404 in the view) and rotates.
"""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit, fingerprints
from .models import DeskKey, DeskMembership, MembershipProposal
from .permissions import INVESTIGATORS, tip_policy

logger = logging.getLogger(__name__)


FINGERPRINT_REFUSED = _(
    "Type the member's key fingerprint as they read it on their own vault page: "
    "nothing was changed."
)


def eligible_members():
    """Only active members of the Investigators group may join a desk: never an editor."""
    return get_user_model().objects.filter(is_active=True, groups__name=INVESTIGATORS).distinct()


def holds_desk_key(user, desk, unlocked_keys) -> bool:
    """``user`` is a member of ``desk`` and has its active key unlocked right now."""
    active = DeskKey.objects.filter(desk=desk, active=True).values_list("pk", flat=True).first()
    return tip_policy.is_member(user, desk.pk) and active is not None and active in unlocked_keys


def notify_members(desk, *, exclude=()) -> None:
    """Tell every active member of ``desk`` that its membership changed (no content)."""
    emails = list(
        DeskMembership.objects.active()
        .filter(desk=desk)
        .exclude(user__in=list(exclude))
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if not emails:
        return
    subject = _("A desk you belong to has a membership change")
    body = _(
        "The membership of one of your desks changed (a proposal, an approval or a removal). "
        "Sign in to the Tips area, Members, to see it. If you did not expect this, tell your "
        "supervisor."
    )
    try:
        send_mass_mail([(subject, body, None, [email]) for email in emails], fail_silently=False)
    except Exception as exc:  # noqa: BLE001 - a mail outage must not undo the change
        logger.error("membership notice not sent (%s)", type(exc).__name__)


@transaction.atomic
def propose(*, desk, candidate, proposer, unlocked_keys) -> MembershipProposal:
    desk = desk.canonical() if hasattr(desk, "canonical") else desk
    if not holds_desk_key(proposer, desk, unlocked_keys):
        raise PermissionDenied("only a member holding the desk key proposes")
    if not eligible_members().filter(pk=candidate.pk).exists():
        raise ValidationError(_("Only investigators can join a desk."), code="ineligible")
    if DeskMembership.objects.filter(desk=desk, user=candidate, is_active=True).exists():
        raise ValidationError(_("Already a member of this desk."), code="member")
    proposal, created = MembershipProposal.objects.get_or_create(
        desk=desk,
        user=candidate,
        state=MembershipProposal.State.PENDING,
        defaults={"proposed_by": proposer},
    )
    if created:
        audit.record(candidate, "tips.member_proposed", user=proposer, data={"desk": desk.pk})
        transaction.on_commit(lambda: notify_members(desk))
    return proposal


def can_decide(user, proposal) -> bool:
    return (
        tip_policy.is_supervisor(user)
        and user.pk not in (proposal.proposed_by_id, proposal.user_id)
        and proposal.state == MembershipProposal.State.PENDING
    )


@transaction.atomic
def decide(proposal, *, supervisor, approve: bool, fingerprint: str = "") -> MembershipProposal:
    """Approve or reject. Approving a candidate who has a vault key needs the candidate's
    short key fingerprint, typed by the supervisor (tips.fingerprints)."""
    proposal = MembershipProposal.objects.select_for_update().get(pk=proposal.pk)
    if not can_decide(supervisor, proposal):
        raise PermissionDenied("a different supervisor decides")
    if approve and not eligible_members().filter(pk=proposal.user_id).exists():
        raise ValidationError(_("Only investigators can join a desk."), code="ineligible")
    if (
        approve
        and fingerprints.has_key(proposal.user)
        and not fingerprints.confirmed(proposal.user, fingerprint)
    ):
        raise ValidationError(FINGERPRINT_REFUSED, code="fingerprint")
    proposal.state = (
        MembershipProposal.State.APPROVED if approve else MembershipProposal.State.REJECTED
    )
    proposal.decided_by, proposal.decided_at = supervisor, timezone.now()
    proposal.save(update_fields=["state", "decided_by", "decided_at"])
    if approve:
        DeskMembership.objects.update_or_create(
            desk_id=proposal.desk_id, user_id=proposal.user_id, defaults={"is_active": True}
        )
        tip_policy.forget(proposal.user)
    action = "tips.member_approved" if approve else "tips.member_rejected"
    audit.record(proposal.user, action, user=supervisor, data={"desk": proposal.desk_id})
    desk = proposal.desk
    transaction.on_commit(lambda: notify_members(desk))
    return proposal


def pending_for(desks):
    return (
        MembershipProposal.objects.filter(desk__in=desks, state=MembershipProposal.State.PENDING)
        .select_related("user", "proposed_by")
        .order_by("created_at")
    )
