"""Views: second-factor set-up and verification, vault set-up, unlock and lock."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from tips import audit, enrolment, fingerprints, keys, trust, twofactor, vault
from tips.admin import throttle
from tips.admin.forms import (
    EnrolmentCodeForm,
    OTPConfirmForm,
    OTPTokenForm,
    VaultPassphraseChangeForm,
    VaultSetupForm,
    VaultUnlockForm,
)
from tips.models import InvestigatorKey
from tips.permissions import tip_policy


def _render(request, template, context, status=200):
    response = TemplateResponse(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _index_url():
    return reverse("tips_admin:index")


def _home_url(user):
    """Where the second-factor pages lead by default: the Tips area for those with tip
    access, the admin dashboard for every other staff account (editors)."""
    return _index_url() if tip_policy.can_access_area(user) else reverse("wagtailadmin_home")


# --------------------------------------------------------------------------- second factor


@never_cache
@sensitive_post_parameters("token")
def twofactor_setup(request):
    """Guided set-up: scan the QR code, confirm with a code, write down recovery codes."""
    user = request.user
    if not enrolment.needs_second_factor(user):
        raise PermissionDenied
    if twofactor.confirmed_totp(user) and not user.is_verified():
        return redirect(f"{reverse('tips_admin:2fa_verify')}?next={_home_url(user)}")
    if not enrolment.enrolment_allowed(request):
        # The password alone never shows a new secret: the handed-over code first.
        return redirect(f"{reverse('tips_admin:2fa_enrol')}?next={_next_param(request)}")
    if twofactor.confirmed_totp(user) and request.method != "POST":
        # Re-enrolment (e.g. a new phone) from a verified session only.
        if request.GET.get("renew") != "1":
            return redirect(_home_url(user))
    device = twofactor.pending_totp(user)
    form = OTPConfirmForm(request.POST or None, initial={"next": request.GET.get("next", "")})
    if request.method == "POST":
        if throttle.is_blocked(request, "otp", user.get_username()):
            return throttle.too_many_attempts_response(request)
        if form.is_valid() and twofactor.confirm_totp(device, form.cleaned_data["token"]):
            otp_login(request, device)
            request.session.pop(enrolment.SESSION_KEY, None)
            codes = twofactor.new_recovery_codes(user)
            audit.record(user, "tips.2fa_setup", user=user)
            return _render(
                request,
                "tips/admin/twofactor_codes.html",
                {
                    "page_title": _("Recovery codes"),
                    "codes": codes,
                    "next": twofactor.safe_next(request, _home_url(user)),
                },
            )
        throttle.record_failure(request, "otp", user.get_username())
        form.add_error("token", _("That code is not right. Check the time on your phone."))
    uri = twofactor.provisioning_uri(device)
    return _render(
        request,
        "tips/admin/twofactor_setup.html",
        {
            "page_title": _("Set up two-factor authentication"),
            "form": form,
            "qr_svg": twofactor.qr_svg(uri),
            "secret": twofactor.secret_base32(device),
        },
    )


def _next_param(request) -> str:
    return urlencode({"n": request.GET.get("next", "")})[2:]


@never_cache
@sensitive_post_parameters("code")
def twofactor_enrol(request):
    """First enrolment: the one-time code a supervisor handed over (or the operator printed
    with ``manage.py issue_enrolment_code``) opens the set-up page for this session."""
    user = request.user
    if not enrolment.needs_second_factor(user):
        raise PermissionDenied
    if twofactor.confirmed_totp(user) and not user.is_verified():
        return redirect(reverse("tips_admin:2fa_verify"))
    form = EnrolmentCodeForm(request.POST or None, initial={"next": request.GET.get("next", "")})
    if request.method == "POST":
        if throttle.is_blocked(request, "otp", user.get_username()):
            return throttle.too_many_attempts_response(request)
        if form.is_valid() and enrolment.redeem(user, form.cleaned_data["code"]):
            request.session[enrolment.SESSION_KEY] = user.pk
            audit.record(user, "tips.2fa_enrol", user=user)
            return redirect(f"{reverse('tips_admin:2fa_setup')}?next={_next_param(request)}")
        throttle.record_failure(request, "otp", user.get_username())
        form.add_error("code", _("That enrolment code is not right, or it expired."))
    return _render(
        request,
        "tips/admin/twofactor_enrol.html",
        {"page_title": _("Set up two-factor authentication"), "form": form},
    )


@never_cache
@sensitive_post_parameters("token")
def twofactor_verify(request):
    user = request.user
    if not enrolment.needs_second_factor(user):
        raise PermissionDenied
    if not twofactor.confirmed_totp(user):
        return twofactor.second_factor_redirect(request)
    next_url = twofactor.safe_next(request, _home_url(user))
    if user.is_verified():
        return redirect(next_url)
    form = OTPTokenForm(request.POST or None, initial={"next": request.GET.get("next", "")})
    if request.method == "POST":
        if throttle.is_blocked(request, "otp", user.get_username()):
            return throttle.too_many_attempts_response(request)
        device = None
        if form.is_valid():
            device = enrolment.match_code(
                user, twofactor.normalise_code(form.cleaned_data["token"])
            )
        if device is not None:
            otp_login(request, device)
            return redirect(next_url)
        throttle.record_failure(request, "otp", user.get_username())
        form.add_error("token", _("That code is not right, or it was already used."))
    return _render(
        request,
        "tips/admin/twofactor_verify.html",
        {"page_title": _("Two-factor authentication"), "form": form},
    )


@never_cache
@require_POST
def twofactor_recovery_codes(request):
    """New recovery codes (the old ones stop working). Needs a verified session."""
    user = request.user
    if not enrolment.needs_second_factor(user) or not user.is_verified():
        raise PermissionDenied
    codes = twofactor.new_recovery_codes(user)
    return _render(
        request,
        "tips/admin/twofactor_codes.html",
        {"page_title": _("Recovery codes"), "codes": codes, "next": _home_url(user)},
    )


# --------------------------------------------------------------------------- vault


def _has_vault(user) -> bool:
    return InvestigatorKey.objects.filter(user=user).exists()


def _must_change_passphrase(user) -> bool:
    """After a supervisor's reset the passphrase is a temporary one someone else knows."""
    return InvestigatorKey.objects.filter(user=user, must_change_passphrase=True).exists()


@never_cache
@sensitive_post_parameters("passphrase", "passphrase2")
def vault_setup(request):
    user = request.user
    if _has_vault(user):
        return redirect(reverse("tips_admin:vault_unlock"))
    form = VaultSetupForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        keys.setup_vault(user, form.cleaned_data["passphrase"])
        audit.record(user, "tips.vault_setup", user=user)
        messages.success(
            request,
            _(
                "Your vault is ready. A member of your desk who has it unlocked must now grant "
                "you access to the desk key."
            ),
        )
        return redirect(reverse("tips_admin:vault_unlock"))
    return _render(
        request,
        "tips/admin/vault_setup.html",
        {"page_title": _("Set up your vault"), "form": form},
    )


@never_cache
@sensitive_post_parameters("passphrase")
def vault_unlock(request):
    user = request.user
    if not _has_vault(user):
        return redirect(reverse("tips_admin:vault_setup"))
    if _must_change_passphrase(user):
        messages.warning(
            request,
            _(
                "Your vault was reset with a temporary passphrase. Choose your own passphrase "
                "before you unlock the vault."
            ),
        )
        return redirect(reverse("tips_admin:vault_passphrase"))
    next_url = twofactor.safe_next(request, _index_url())
    form = VaultUnlockForm(request.POST or None, initial={"next": request.GET.get("next", "")})
    status = 200
    if request.method == "POST":
        if throttle.is_blocked(request, "unlock", user.get_username()):
            return throttle.too_many_attempts_response(request)
        if form.is_valid():
            response = redirect(next_url)
            try:
                count = vault.unlock(request, response, form.cleaned_data["passphrase"])
            except keys.WrongPassphrase:
                throttle.record_failure(request, "unlock", user.get_username())
                audit.record(user, "tips.unlock_failed", user=user)
                form.add_error("passphrase", _("Wrong passphrase."))
                status = 400
            except vault.VaultUnavailable:
                return vault_unavailable(request)
            except trust.TrustError:
                form.add_error(
                    "passphrase",
                    _(
                        "Your vault key was changed outside this application and is refused. "
                        "Ask a supervisor to reset your vault."
                    ),
                )
                status = 409
            else:
                audit.record(user, "tips.unlock", user=user, data={"desk_keys": count})
                if not count:
                    messages.warning(
                        request,
                        _("Unlocked, but you hold no desk key yet: ask a desk member to grant it."),
                    )
                return response
    return _render(
        request,
        "tips/admin/vault_unlock.html",
        {
            "page_title": _("Unlock the vault"),
            "form": form,
            "idle_minutes": vault.idle_seconds() // 60,
            "fingerprint": fingerprints.short(user),
        },
        status=status,
    )


@never_cache
@sensitive_post_parameters("current_passphrase", "passphrase", "passphrase2")
def vault_passphrase(request):
    """Change the vault passphrase: the personal key is re-wrapped under the new one.

    The key pair does not change, so the desk key wraps stay as they are and an unlocked
    vault session (this browser's or another's) stays valid; "Lock" ends it as usual.
    Wrong current passphrases count against the same limits as unlocking the vault.
    """
    user = request.user
    if not _has_vault(user):
        return redirect(reverse("tips_admin:vault_setup"))
    forced = _must_change_passphrase(user)
    form = VaultPassphraseChangeForm(request.POST or None, user=user, temporary=forced)
    status = 200
    if request.method == "POST":
        if throttle.is_blocked(request, "unlock", user.get_username()):
            return throttle.too_many_attempts_response(request)
        if form.is_valid():
            try:
                keys.change_passphrase(
                    user, form.cleaned_data["current_passphrase"], form.cleaned_data["passphrase"]
                )
            except keys.WrongPassphrase:
                throttle.record_failure(request, "unlock", user.get_username())
                audit.record(user, "tips.unlock_failed", user=user)
                form.add_error("current_passphrase", _("Wrong passphrase."))
            else:
                InvestigatorKey.objects.filter(user=user).update(must_change_passphrase=False)
                audit.record(user, "tips.vault_passphrase", user=user)
                messages.success(
                    request,
                    _(
                        "Your vault passphrase is changed. Use the new one from now on; "
                        "an unlocked vault stays unlocked until you lock it."
                    ),
                )
                return redirect(reverse("tips_admin:vault_unlock"))
        status = 400
    return _render(
        request,
        "tips/admin/vault_passphrase.html",
        {"page_title": _("Change vault passphrase"), "form": form, "forced": forced},
        status=status,
    )


@never_cache
@require_POST
def vault_lock(request):
    response = redirect(_index_url())
    try:
        vault.lock(request, response)
    except vault.VaultUnavailable:
        pass
    audit.record(request.user, "tips.lock", user=request.user)
    messages.success(request, _("The vault is locked."))
    return response


def vault_unavailable(request):
    return _render(
        request,
        "tips/admin/vault_unavailable.html",
        {"page_title": _("Vault unavailable")},
        status=503,
    )
