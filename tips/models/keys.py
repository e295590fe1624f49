"""Key records: the recovery key, investigators' personal keys, desk keys and their wraps,
desk membership (who may hold a desk's key), the installation salt."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .. import crypto


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
    #: HMAC under TIP_TRUST_KEY of (user, suite, public key): a swapped key fails (tips.trust).
    binding = models.BinaryField(_("binding"), null=True, editable=False)

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
    #: HMAC under TIP_TRUST_KEY of (desk, version, suite, public key, recovery key id).
    binding = models.BinaryField(_("binding"), null=True, editable=False)

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
