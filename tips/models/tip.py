"""The tip and what hangs on it: attachments, info-only readers, notes, history events.

Only routing metadata is stored in clear (desk, appeal, status, priority, assignee, the
received time rounded to the minute, sizes). Everything a citizen wrote, contact details and
the attachments' keys, names and types live only inside ``Tip.ciphertext`` (see
:mod:`tips.sealing`)."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..status import CLOSED_STATUSES, TipStatus, is_closed
from .keys import DeskKey, RecoveryKey


class TipPriority(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


#: Sort rank of priorities (urgent first) for ``order_by(PRIORITY_ORDER)``.
PRIORITY_ORDER = models.Case(
    *(models.When(priority=p, then=models.Value(i)) for i, p in enumerate(TipPriority.values)),
    output_field=models.IntegerField(),
)


#: The queue's default order: open urgent tips (0) before everything else (1).
URGENT_FIRST = models.Case(
    models.When(
        models.Q(priority=TipPriority.URGENT) & ~models.Q(status__in=CLOSED_STATUSES),
        then=models.Value(0),
    ),
    default=models.Value(1),
    output_field=models.SmallIntegerField(),
)


class Tip(models.Model):
    """One encrypted tip. ``str()`` is the reference only, never content."""

    #: Kept out of Wagtail's reference index: no row linking tip-side records to desks,
    #: appeals or users outside these tables, and no index task per tip.
    wagtail_reference_index_ignore = True

    reference = models.CharField(_("reference"), max_length=16, unique=True, editable=False)
    desk = models.ForeignKey(
        "appeals.Desk", on_delete=models.PROTECT, related_name="tips", verbose_name=_("desk")
    )
    appeal = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("appeal"),
    )
    desk_key = models.ForeignKey(
        DeskKey, on_delete=models.PROTECT, related_name="tips", verbose_name=_("desk key")
    )
    recovery_key = models.ForeignKey(
        RecoveryKey, on_delete=models.PROTECT, related_name="tips", verbose_name=_("recovery key")
    )
    #: Suite of the desk key the envelope was sealed with (the envelope records it too).
    suite = models.CharField(_("suite"), max_length=64)
    #: HPKE envelope of the tip document (tips.sealing.seal_tip_document).
    ciphertext = models.BinaryField(_("ciphertext"))
    received_at = models.DateTimeField(_("received"), db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=TipStatus.choices, default=TipStatus.NEW
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=TipPriority.choices, default=TipPriority.NORMAL
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tips",
        verbose_name=_("assignee"),
    )
    unread = models.BooleanField(_("unread"), default=True, db_index=True)
    starred = models.BooleanField(_("starred"), default=False)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    #: Language the tip was submitted in (language code).
    language = models.CharField(_("language"), max_length=10)
    #: Size of the sealed document in bytes.
    document_size = models.PositiveIntegerField(_("document size"), default=0)
    #: Total ciphertext size of the attachments in bytes.
    attachments_size = models.PositiveBigIntegerField(_("attachments size"), default=0)
    #: Photos and videos sent (a video's poster frame is stored but not counted).
    attachment_count = models.PositiveSmallIntegerField(_("attachments"), default=0)
    #: Argon2id lookup digest of the receipt (installation salt), see tips.receipts.
    receipt_digest = models.BinaryField(_("receipt digest"), unique=True)
    #: Per-tip salt for the receipt-derived key pair.
    receipt_salt = models.BinaryField(_("receipt salt"))
    receipt_public_key = models.BinaryField(_("receipt public key"))
    receipt_suite = models.CharField(_("receipt suite"), max_length=64)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    #: Set once the desk was notified (makes the notification task idempotent).
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True, editable=False)
    #: Set by the notification task before it sends (an atomic claim, so two tasks never
    #: both send); cleared when sending fails, or by ``requeue_notifications`` once stale
    #: (a worker killed while sending).
    notify_claimed_at = models.DateTimeField(
        _("notification claimed at"), null=True, blank=True, editable=False
    )

    #: :data:`URGENT_FIRST` kept by the database itself, so the queue's default order
    #: ("urgent first, then newest") walks an index instead of sorting every tip of the desk.
    urgent_rank = models.GeneratedField(
        expression=URGENT_FIRST, output_field=models.SmallIntegerField(), db_persist=True
    )

    class Meta:
        verbose_name = _("tip")
        verbose_name_plural = _("tips")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["desk", "status", "-received_at"], name="tips_tip_desk_status"),
            # Covers the per (desk, status, priority) counts of the queue (index-only) and
            # the queue filtered on status and priority, newest first.
            models.Index(
                fields=["desk", "status", "priority", "-received_at"],
                name="tips_tip_desk_status_prio",
            ),
            models.Index(fields=["desk", "priority", "-received_at"], name="tips_tip_desk_prio"),
            models.Index(fields=["assignee", "status"], name="tips_tip_assignee_status"),
            models.Index(fields=["desk", "-received_at"], name="tips_tip_desk_received"),
            models.Index(
                fields=["desk", "urgent_rank", "-received_at", "-id"], name="tips_tip_desk_urgent"
            ),
            models.Index(fields=["appeal", "-received_at"], name="tips_tip_appeal_received"),
            models.Index(fields=["status", "closed_at"], name="tips_tip_status_closed"),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_closed(self) -> bool:
        return is_closed(self.status)


class EncryptedFile(models.Model):
    """A file in ``storages["tips"]`` encrypted under a key that lives only in a sealed
    document (the tip's, or an answer's), together with its name and type."""

    #: Kept out of Wagtail's reference index: no row linking tip-side records to desks,
    #: appeals or users outside these tables, and no index task per tip.
    wagtail_reference_index_ignore = True

    #: Random name in ``storages["tips"]``; reveals nothing about the file.
    storage_name = models.CharField(_("storage name"), max_length=200, unique=True)
    ciphertext_size = models.PositiveBigIntegerField(_("ciphertext size"))
    #: Position in the sealed document's ``attachments`` list.
    ordinal = models.PositiveSmallIntegerField(_("ordinal"))

    class Meta:
        abstract = True


class Attachment(EncryptedFile):
    """An encrypted attachment file. Its key, name and type are only in the sealed document."""

    tip = models.ForeignKey(
        Tip, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("tip")
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["tip_id", "ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["tip", "ordinal"], name="tips_attachment_ordinal")
        ]

    def __str__(self):
        return f"{self.tip.reference} #{self.ordinal + 1}"


# --------------------------------------------------------------------------- triage


def reader_expiry():
    """When an info-only reader's access ends (``TIP_READER_DAYS``, default 30)."""

    return timezone.now() + timedelta(days=int(settings.TIP_READER_DAYS))


class TipReader(models.Model):
    """An info-only reader of one tip: reads it (read-only), outside or inside the desk.

    ``sealed_document`` is the tip document sealed to the reader's personal public key by the
    member who added them (so a reader without the desk key can still open it).
    """

    #: Kept out of Wagtail's reference index: no row linking tip-side records to desks,
    #: appeals or users outside these tables, and no index task per tip.
    wagtail_reference_index_ignore = True

    tip = models.ForeignKey(
        Tip, on_delete=models.CASCADE, related_name="readers", verbose_name=_("tip")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="tip_readings",
        verbose_name=_("user"),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    sealed_document = models.BinaryField(_("sealed document"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    #: Access ends then: TIP_READER_DAYS after being added (or added again).
    expires_at = models.DateTimeField(_("expires at"), default=reader_expiry, db_index=True)

    class Meta:
        verbose_name = _("info-only reader")
        verbose_name_plural = _("info-only readers")
        constraints = [
            models.UniqueConstraint(fields=["tip", "user"], name="tips_tipreader_unique")
        ]

    def __str__(self):
        return f"{self.tip_id} reader {self.user_id}"


class TipNote(models.Model):
    """An internal note, sealed like a tip (to the desk key and the recovery key)."""

    #: Kept out of Wagtail's reference index: no row linking tip-side records to desks,
    #: appeals or users outside these tables, and no index task per tip.
    wagtail_reference_index_ignore = True

    tip = models.ForeignKey(
        Tip, on_delete=models.CASCADE, related_name="notes", verbose_name=_("tip")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    #: HPKE envelope of the note text (context ``tip-note:<reference>``).
    ciphertext = models.BinaryField(_("ciphertext"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["tip_id", "created_at", "pk"]

    def __str__(self):
        return f"note {self.pk} on {self.tip_id}"


class TipEvent(models.Model):
    """One step of a tip's history: routing values only (status names, user ids)."""

    #: Kept out of Wagtail's reference index: no row linking tip-side records to desks,
    #: appeals or users outside these tables, and no index task per tip.
    wagtail_reference_index_ignore = True

    class Kind(models.TextChoices):
        STATUS = "status", _("Status")
        PRIORITY = "priority", _("Priority")
        ASSIGN = "assign", _("Assignment")
        READER = "reader", _("Info-only reader")
        NOTE = "note", _("Note")
        DUPLICATE = "duplicate", _("Duplicate")
        EXPORT = "export", _("Export")

    tip = models.ForeignKey(
        Tip, on_delete=models.CASCADE, related_name="events", verbose_name=_("tip")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    old_value = models.CharField(_("from"), max_length=64, blank=True)
    new_value = models.CharField(_("to"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tip event")
        verbose_name_plural = _("tip events")
        ordering = ["tip_id", "created_at", "pk"]

    def __str__(self):
        return f"{self.kind} on {self.tip_id}"
