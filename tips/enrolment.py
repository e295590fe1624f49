"""Second factor for every privileged account, enrolled with a handed-over code.

* **First enrolment** needs a one-time code issued out of band (a supervisor in Tips →
  Members, or ``manage.py issue_enrolment_code``): the password alone never leads to a new
  authenticator, so whoever learns a password cannot enrol their own phone.
* **Before any admin page** (:class:`SecondFactorMiddleware`): every staff account
  (superusers, editors and anyone else who may open Wagtail's admin, supervisors,
  investigators, anyone with tip access) must be verified in this session.
* **TOTP secrets encrypted at rest**: AES-256-GCM under a key derived from
  ``TIP_TRUST_KEY`` (never in the database), bound to the user. django-otp reads the key
  through ``TOTPDevice.bin_key``, which :func:`install` makes decrypt.
* **Recovery codes stored hashed**: HMAC-SHA256 under the same root key; the plain code is
  shown once. django-otp's static device compares stored tokens, so we give it the HMAC.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import os
import secrets
from datetime import timedelta

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import pre_save
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import trust
from .models import EnrolmentCode
from .permissions import INVESTIGATORS, SUPERVISORS, tip_policy

_TOTP_PREFIX = "e1:"
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SESSION_KEY = "tips_enrolment_user"


# --------------------------------------------------------------------------- who


def needs_second_factor(user) -> bool:
    """Every staff account: superusers, anyone who may open Wagtail's admin (editors
    included), the tip roles and anyone with tip access."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser or user.is_staff or user.has_perm("wagtailadmin.access_admin"):
        return True
    if tip_policy.can_access_area(user):
        return True
    return user.groups.filter(name__in=[INVESTIGATORS, SUPERVISORS]).exists()


# --------------------------------------------------------------------------- TOTP at rest


def _aad(user_id) -> bytes:
    return f"mostwanted/totp-secret/v1:{user_id}".encode()


def encrypt_totp_key(user_id, bin_key: bytes) -> str:
    nonce = os.urandom(12)
    ct = AESGCM(trust.subkey("totp-secret")).encrypt(nonce, bin_key, _aad(user_id))
    return _TOTP_PREFIX + base64.b64encode(nonce + ct).decode()


def decrypt_totp_key(user_id, stored: str) -> bytes:
    if not stored.startswith(_TOTP_PREFIX):
        return binascii.unhexlify(stored.encode())  # a device made before encryption
    raw = base64.b64decode(stored[len(_TOTP_PREFIX) :])
    try:
        return AESGCM(trust.subkey("totp-secret")).decrypt(raw[:12], raw[12:], _aad(user_id))
    except InvalidTag:
        # Moved to another user or tampered with: no code will match.
        return os.urandom(20)


def encrypt_device(device) -> None:
    """Encrypt a device's plain hex key in place (new devices, and older rows)."""
    if device.key and not device.key.startswith(_TOTP_PREFIX):
        device.key = encrypt_totp_key(device.user_id, binascii.unhexlify(device.key.encode()))


def install() -> None:
    """Make django-otp's TOTP device read its secret through :func:`decrypt_totp_key`, and
    encrypt every secret before it is saved (AppConfig.ready)."""
    TOTPDevice.bin_key = property(lambda self: decrypt_totp_key(self.user_id, self.key))
    pre_save.connect(_encrypt_before_save, sender=TOTPDevice, dispatch_uid="tips-totp-at-rest")


def _encrypt_before_save(sender, instance, **kwargs):
    encrypt_device(instance)


# --------------------------------------------------------------------------- recovery codes


def hash_recovery_code(code: str) -> str:
    """What is stored for a recovery code (16 hex characters: StaticToken.token's size)."""
    mac = crypto_hmac.HMAC(trust.subkey("recovery-code"), hashes.SHA256())
    mac.update(code.encode())
    return mac.finalize().hex()[:16]


def match_code(user, code: str):
    """The device ``code`` verifies for ``user`` (TOTP, or a one-time recovery code), or
    None. The stored recovery hashes are never accepted as codes themselves."""
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if code.isdigit() and device.verify_token(code):
            return device
    for device in StaticDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(hash_recovery_code(code)):
            return device
    return None


# --------------------------------------------------------------------------- enrolment codes


def _digest(user_id, code: str) -> bytes:
    mac = crypto_hmac.HMAC(trust.subkey("enrolment-code"), hashes.SHA256())
    mac.update(f"{user_id}:{normalise(code)}".encode())
    return mac.finalize()


def normalise(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").upper()


def code_lifetime() -> timedelta:
    return timedelta(hours=settings.TIP_ENROLMENT_CODE_HOURS)


@transaction.atomic
def issue_code(user, *, issued_by=None) -> str:
    """A new one-time enrolment code for ``user`` (replaces any earlier one). Show it once,
    to be handed over in person; only its HMAC is stored."""
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    EnrolmentCode.objects.update_or_create(
        user=user,
        defaults={
            "digest": _digest(user.pk, raw),
            "issued_by": issued_by,
            "expires_at": timezone.now() + code_lifetime(),
        },
    )
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


@transaction.atomic
def redeem(user, code: str) -> bool:
    """True (and the code is used up) if ``code`` is ``user``'s valid enrolment code."""
    entry = EnrolmentCode.objects.select_for_update().filter(user=user).first()
    if entry is None:
        return False
    if entry.expires_at <= timezone.now():
        entry.delete()
        return False
    if not hmac.compare_digest(bytes(entry.digest), _digest(user.pk, code)):
        return False
    entry.delete()
    return True


def enrolment_allowed(request) -> bool:
    """This session redeemed the user's enrolment code (or is already verified: renewal)."""
    user = request.user
    return user.is_verified() or request.session.get(SESSION_KEY) == user.pk


# --------------------------------------------------------------------------- middleware

# The pages that establish the second factor, and what every admin page loads (the icon
# sprite, translations): redirecting those would put the 2FA page inside the page.
_EXEMPT_PREFIXES = (
    "/admin/login/",
    "/admin/logout/",
    "/admin/sprite/",
    "/admin/jsi18n/",
    "/admin/tips/2fa/setup/",
    "/admin/tips/2fa/verify/",
    "/admin/tips/2fa/enrol/",
)


class SecondFactorMiddleware:
    """No admin page for a privileged account that is not verified in this session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.startswith("/admin/") and not path.startswith(_EXEMPT_PREFIXES):
            user = getattr(request, "user", None)
            if needs_second_factor(user) and not user.is_verified():
                from .twofactor import second_factor_redirect  # cycle: twofactor imports this

                return second_factor_redirect(request)
        return self.get_response(request)


def redirect_to_enrol(request):
    return redirect(
        f"{reverse('tips_admin:2fa_enrol')}?{urlencode({'next': request.GET.get('next', '')})}"
    )


# --------------------------------------------------------------------------- supervisors


def staff_awaiting_enrolment(exclude=None):
    """Active staff accounts (see :func:`needs_second_factor`) with no confirmed
    authenticator: those a supervisor may issue an enrolment code for."""

    access = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    staff = (
        Q(is_superuser=True)
        | Q(is_staff=True)
        | Q(groups__permissions__in=access)
        | Q(user_permissions__in=access)
        | Q(groups__name__in=[INVESTIGATORS, SUPERVISORS])
    )
    enrolled = TOTPDevice.objects.filter(confirmed=True).values("user_id")
    users = get_user_model().objects.filter(staff, is_active=True).exclude(pk__in=enrolled)
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return users.distinct().order_by("username")
