"""Forms of the investigators' side (second factor, vault, workflow)."""

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

VAULT_PASSPHRASE_MIN_LENGTH = 12


class OTPTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The 6-digit code from your authenticator app, or a recovery code."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class EnrolmentCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Enrolment code"),
        max_length=20,
        help_text=_("The one-time code a supervisor handed to you."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class OTPConfirmForm(forms.Form):
    token = forms.CharField(
        label=_("Code from the app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class VaultSetupForm(forms.Form):
    passphrase = forms.CharField(
        label=_("Vault passphrase"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "At least 12 characters, not a common password and not your login password. "
            "A few unrelated words are easy to remember and hard to guess."
        ),
    )
    passphrase2 = forms.CharField(
        label=_("Vault passphrase again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_passphrase(self):
        passphrase = self.cleaned_data["passphrase"]
        validators = [
            password_validation.MinimumLengthValidator(VAULT_PASSPHRASE_MIN_LENGTH),
            password_validation.CommonPasswordValidator(),
            password_validation.NumericPasswordValidator(),
            password_validation.UserAttributeSimilarityValidator(),
        ]
        password_validation.validate_password(passphrase, self.user, validators)
        if self.user.has_usable_password() and self.user.check_password(passphrase):
            raise ValidationError(
                _("The vault passphrase must not be your login password."), code="same"
            )
        return passphrase

    def clean(self):
        data = super().clean()
        if data.get("passphrase") and data.get("passphrase") != data.get("passphrase2"):
            self.add_error("passphrase2", _("The two passphrases differ."))
        return data


class VaultUnlockForm(forms.Form):
    passphrase = forms.CharField(
        label=_("Vault passphrase"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class VaultPassphraseChangeForm(VaultSetupForm):
    """Current passphrase, then the new one twice (same strength rules as the set-up)."""

    current_passphrase = forms.CharField(
        label=_("Current vault passphrase"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )

    field_order = ["current_passphrase", "passphrase", "passphrase2"]

    def __init__(self, *args, temporary=False, **kwargs):
        super().__init__(*args, **kwargs)
        if temporary:
            self.fields["current_passphrase"].label = _("Temporary vault passphrase")
        self.fields["passphrase"].label = _("New vault passphrase")
        self.fields["passphrase2"].label = _("New vault passphrase again")

    def clean(self):
        data = super().clean()
        if data.get("passphrase") and data.get("passphrase") == data.get("current_passphrase"):
            self.add_error("passphrase", _("The new passphrase must differ from the current one."))
        return data
