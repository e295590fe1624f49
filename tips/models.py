"""Tip-line records: keys, desk membership, tips and their attachments.

Only routing metadata is stored in clear (desk, appeal, status, priority, assignee, the
received time rounded to the minute, sizes). Everything a citizen wrote, contact details
and the attachments' keys, names and types live only inside ``Tip.ciphertext``, an HPKE
envelope (see :mod:`tips.crypto`) sealed to the desk key and the recovery key.
"""

from django.conf import settings
from django.db import models
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import TranslatableMixin

from . import crypto


class KeyMixin:
    @property
    def key_id(self) -> str:
        """The id under which envelopes record this key (a public-key fingerprint)."""
        return crypto.key_fingerprint(bytes(self.public_key))

    @property
    def recipient(self) -> crypto.Recipient:
        return crypto.Recipient(self.key_id, self.suite, bytes(self.public_key))


class RecoveryKey(KeyMixin, models.Model):
    """The public half of the offline recovery key pair (the private half never is here)."""

    suite = models.CharField(_("suite"), max_length=64)
    public_key = models.BinaryField(_("public key"))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("recovery key")
        verbose_name_plural = _("recovery keys")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"recovery {self.key_id[:16]}"


class InvestigatorKey(KeyMixin, models.Model):
    """An investigator's personal key pair; the private half is wrapped by their passphrase."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="investigator_key",
        verbose_name=_("user"),
    )
    suite = models.CharField(_("suite"), max_length=64)
    public_key = models.BinaryField(_("public key"))
    #: Private key under an Argon2id key from the vault passphrase (crypto.wrap_with_passphrase).
    wrapped_private_key = models.BinaryField(_("wrapped private key"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    #: Set by a supervisor's vault reset (a temporary passphrase someone else knows): the
    #: member must choose their own before the vault unlocks.
    must_change_passphrase = models.BooleanField(_("must change passphrase"), default=False)

    class Meta:
        verbose_name = _("investigator key")
        verbose_name_plural = _("investigator keys")

    def __str__(self):
        return f"key of user {self.user_id}"


class DeskMembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, user__is_active=True)


class DeskMembership(models.Model):
    """A user receives and may read the tips of a desk (once a desk key is wrapped to them)."""

    desk = models.ForeignKey(
        "appeals.Desk", on_delete=models.CASCADE, related_name="memberships", verbose_name=_("desk")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="desk_memberships",
        verbose_name=_("user"),
    )
    #: An inactive membership keeps its history but receives no notifications or new wraps.
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = DeskMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("desk membership")
        verbose_name_plural = _("desk memberships")
        constraints = [
            models.UniqueConstraint(fields=["desk", "user"], name="tips_deskmembership_unique")
        ]

    def __str__(self):
        return f"{self.user_id} @ {self.desk_id}"


class DeskKey(KeyMixin, models.Model):
    """One version of a desk's key pair. Old versions stay to read old tips."""

    desk = models.ForeignKey(
        "appeals.Desk", on_delete=models.PROTECT, related_name="tip_keys", verbose_name=_("desk")
    )
    version = models.PositiveIntegerField(_("version"))
    suite = models.CharField(_("suite"), max_length=64)
    public_key = models.BinaryField(_("public key"))
    recovery_key = models.ForeignKey(
        RecoveryKey,
        on_delete=models.PROTECT,
        related_name="desk_keys",
        verbose_name=_("recovery key"),
    )
    #: The desk private key sealed to the recovery public key.
    recovery_wrap = models.BinaryField(_("recovery wrap"))
    #: Only the active version receives new tips.
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("desk key")
        verbose_name_plural = _("desk keys")
        ordering = ["desk_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["desk", "version"], name="tips_deskkey_version"),
            models.UniqueConstraint(
                fields=["desk"], condition=models.Q(active=True), name="tips_deskkey_one_active"
            ),
        ]

    def __str__(self):
        return f"desk {self.desk_id} key v{self.version}"


class DeskKeyWrap(models.Model):
    """A desk private key sealed to one member's personal public key."""

    desk_key = models.ForeignKey(
        DeskKey, on_delete=models.CASCADE, related_name="wraps", verbose_name=_("desk key")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="desk_key_wraps",
        verbose_name=_("user"),
    )
    wrapped_private_key = models.BinaryField(_("wrapped private key"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("desk key wrap")
        verbose_name_plural = _("desk key wraps")
        constraints = [
            models.UniqueConstraint(fields=["desk_key", "user"], name="tips_deskkeywrap_unique")
        ]

    def __str__(self):
        return f"wrap of {self.desk_key_id} for {self.user_id}"


class InstallationSalt(models.Model):
    """Random installation-wide salts (e.g. for receipt lookup digests). Not secret keys."""

    name = models.CharField(max_length=40, unique=True)
    value = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.name


class TipStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_REVIEW = "in_review", _("In review")
    ACTIONABLE = "actionable", _("Actionable")
    FORWARDED = "forwarded", _("Forwarded to case")
    CLOSED_NO_ACTION = "closed_no_action", _("Closed: no action")
    CLOSED_DUPLICATE = "closed_duplicate", _("Closed: duplicate")
    CLOSED_SPAM = "closed_spam", _("Closed: spam")


CLOSED_STATUSES = (
    TipStatus.CLOSED_NO_ACTION,
    TipStatus.CLOSED_DUPLICATE,
    TipStatus.CLOSED_SPAM,
)


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
    #: HPKE envelope of the tip document (tips.crypto.seal, context ``tip:<reference>``).
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
    attachment_count = models.PositiveSmallIntegerField(_("attachments"), default=0)
    #: Argon2id lookup digest of the receipt (installation salt), see tips.receipts.
    receipt_digest = models.BinaryField(_("receipt digest"), unique=True)
    #: Per-tip salt for the receipt-derived key pair (issue 6).
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
            models.Index(fields=["appeal", "-received_at"], name="tips_tip_appeal_received"),
            models.Index(fields=["status", "closed_at"], name="tips_tip_status_closed"),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def context(self) -> bytes:
        """The envelope context binding the ciphertext to this tip."""
        return f"tip:{self.reference}".encode()


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


# --------------------------------------------------------------------------- triage (issue 5)


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


# --------------------------------------------------------------------------- follow-up (issue 6)
#
# The anonymous two-way conversation through the receipt (see tips.followup). Every message
# is stored twice, encrypted: ``tipster_ciphertext`` sealed to the tipster's receipt-derived
# public key (only the receipt opens it; the tipster may delete this copy), and
# ``desk_ciphertext`` sealed to the desk key and the recovery key (the case record).


class MessageDirection(models.TextChoices):
    TO_TIPSTER = "to_tipster", _("Question to the tipster")
    FROM_TIPSTER = "from_tipster", _("Answer from the tipster")


class Conversation(models.Model):
    """Per-tip state of the follow-up conversation (routing values only)."""

    tip = models.OneToOneField(
        Tip, on_delete=models.CASCADE, related_name="conversation", verbose_name=_("tip")
    )
    #: First time the tipster came back with the receipt (the receipt is shown again then).
    first_return_at = models.DateTimeField(_("first return"), null=True, blank=True)
    #: Last time the tipster deleted their copy of the conversation.
    tipster_cleared_at = models.DateTimeField(
        _("tipster deleted their copy"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self):
        return f"conversation of {self.tip_id}"


class Message(models.Model):
    """One question to, or answer from, the tipster. ``str()`` never shows content."""

    #: Kept out of Wagtail's reference index: no row linking tip-side records to desks,
    #: appeals or users outside these tables, and no index task per tip.
    wagtail_reference_index_ignore = True

    tip = models.ForeignKey(
        Tip, on_delete=models.CASCADE, related_name="messages", verbose_name=_("tip")
    )
    direction = models.CharField(_("direction"), max_length=20, choices=MessageDirection.choices)
    #: The investigator who asked (questions only).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    #: Envelope sealed to the tipster's receipt key (context ``tip-message:<ref>:<nonce>``);
    #: emptied when the tipster deletes their copy.
    tipster_ciphertext = models.BinaryField(_("tipster copy"), null=True, blank=True)
    #: Envelope sealed to the desk key and the recovery key (same context).
    desk_ciphertext = models.BinaryField(_("desk copy"))
    #: Suite of the desk key the desk copy is sealed with (each envelope records its suites).
    suite = models.CharField(_("suite"), max_length=64)
    #: Random id binding both envelopes to this message (part of the context).
    nonce = models.CharField(_("nonce"), max_length=32, unique=True, editable=False)
    created_at = models.DateTimeField(_("sent"), db_index=True)
    read_by_tipster_at = models.DateTimeField(_("read by the tipster"), null=True, blank=True)
    read_by_desk = models.BooleanField(_("read by the desk"), default=False)

    class Meta:
        verbose_name = _("follow-up message")
        verbose_name_plural = _("follow-up messages")
        ordering = ["tip_id", "created_at", "pk"]
        indexes = [models.Index(fields=["tip", "created_at"], name="tips_message_tip_created")]

    def __str__(self):
        return f"message {self.pk} on {self.tip_id}"

    @property
    def context(self) -> bytes:
        return f"tip-message:{self.tip.reference}:{self.nonce}".encode()


class MessageAttachment(EncryptedFile):
    """An encrypted photo sent with an answer; its key and name live in the sealed answer."""

    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("message")
    )

    class Meta:
        verbose_name = _("answer photo")
        verbose_name_plural = _("answer photos")
        ordering = ["message_id", "ordinal"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "ordinal"], name="tips_messageattachment_ordinal"
            )
        ]

    def __str__(self):
        return f"photo {self.ordinal + 1} of message {self.message_id}"


class CannedQuestion(TranslatableMixin, models.Model):
    """A ready-made question of a desk (translatable: one row per locale)."""

    desk = models.ForeignKey(
        "appeals.Desk",
        on_delete=models.CASCADE,
        related_name="canned_questions",
        verbose_name=_("desk"),
    )
    text = models.TextField(_("text"), max_length=2000)

    panels = [FieldPanel("desk"), FieldPanel("text")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("canned question")
        verbose_name_plural = _("canned questions")
        ordering = ["desk_id", "pk"]

    def __str__(self):
        text = " ".join(self.text.split())
        return text if len(text) <= 80 else text[:79] + "…"


@receiver(pre_delete, sender=Tip)
def _delete_message_files_with_tip(sender, instance, **kwargs):
    """A purged tip takes its answers' encrypted photos with it (after commit)."""
    from django.db import transaction

    from .attachments import delete_stored

    names = list(
        MessageAttachment.objects.filter(message__tip=instance).values_list(
            "storage_name", flat=True
        )
    )
    if names:
        transaction.on_commit(lambda: delete_stored(names))


def _default_locale_desks():
    """Tip-side records point at a desk's default-locale row (see ``Desk.canonical``)."""
    from django.db.models import Q
    from wagtail.models import Locale

    return Q(locale__language_code=Locale.get_default().language_code)


@register_setting(icon="mail")
class TipLineSettings(BaseGenericSetting):
    """Where general tips go (tips about no appeal, or about a resolved one).

    Edited by supervisors (Settings → Tip line). ``TIP_DEFAULT_DESK_ID`` in the deployment's
    environment, when set, wins over this setting. There is never a fallback to another
    desk: if the default desk cannot read tips, the tip form says the line is unavailable
    and keeps the citizen's text.
    """

    default_desk = models.ForeignKey(
        "appeals.Desk",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=_default_locale_desks,
        verbose_name=_("desk receiving general tips"),
        help_text=_(
            "Tips about no appeal, or about a resolved appeal, go to this desk. It must have "
            "an active key and at least one member able to read it."
        ),
    )

    panels = [FieldPanel("default_desk")]

    class Meta:
        verbose_name = _("tip line")

    def clean(self):
        from django.core.exceptions import ValidationError

        from .health import desk_problem, problem_message

        super().clean()
        if self.default_desk_id is not None:
            problem = desk_problem(self.default_desk)
            if problem is not None:
                raise ValidationError({"default_desk": problem_message(problem, self.default_desk)})


from .media_models import ResumableUpload  # noqa: E402, F401 (incident media: tips.resumable)
