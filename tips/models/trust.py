"""Records of the trust rules (tips.trust, tips.enrolment, tips.memberships): one-time
enrolment codes, two-person membership proposals and the tip audit trail."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EnrolmentCode(models.Model):
    """A one-time code for a first second-factor enrolment, handed over in person by a
    supervisor or printed by ``manage.py issue_enrolment_code``. Only an HMAC of it (under
    TIP_TRUST_KEY, see tips.enrolment) is stored: a database reader cannot use it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enrolment_code",
        verbose_name=_("user"),
    )
    digest = models.BinaryField(_("digest"), editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("enrolment code")
        verbose_name_plural = _("enrolment codes")

    def __str__(self):
        return f"enrolment code of user {self.user_id}"


class MembershipProposal(models.Model):
    """A desk member holding the key proposes a new member; a different supervisor approves
    (tips.memberships). Nobody adds a member alone, nobody approves their own proposal."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    desk = models.ForeignKey(
        "appeals.Desk", on_delete=models.CASCADE, related_name="+", verbose_name=_("desk")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership proposal")
        verbose_name_plural = _("membership proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["desk", "user"],
                condition=models.Q(state="pending"),
                name="tips_proposal_one_pending",
            )
        ]

    def __str__(self):
        return f"proposal {self.pk}: {self.user_id} @ {self.desk_id}"


class TipAuditEntry(models.Model):
    """One entry of the tip audit trail: its own table, out of Wagtail's site
    history, shown only in Tips → Audit log to verified supervisors. Same fields as Wagtail's
    log entries (reference label and routing values only, never content)."""

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.CharField(max_length=255, db_index=True)
    label = models.CharField(max_length=255)
    action = models.CharField(max_length=255, db_index=True)
    data = models.JSONField(default=dict, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    timestamp = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("tip audit entry")
        verbose_name_plural = _("tip audit entries")
        ordering = ["-timestamp", "-pk"]

    def __str__(self):
        return f"{self.action} {self.label}"
