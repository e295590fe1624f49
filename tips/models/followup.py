"""The follow-up conversation: messages sealed twice (tipster, desk), answer photos, the
desks' canned questions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import TranslatableMixin

from .tip import EncryptedFile, Tip

# --------------------------------------------------------------------------- follow-up
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
    #: Envelope sealed to the tipster's receipt key; its context binds the tip, the nonce,
    #: the direction and the author (``tips.sealing.message_context``: a flipped row does not
    #: open). Emptied when the tipster deletes their copy.
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
