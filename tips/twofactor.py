"""Second factor for the Tips area: TOTP (RFC 6238) with one-time recovery codes.

Built on django-otp: its TOTP device (``otp_totp``) implements RFC 6238 with drift tolerance
and replay protection (a code is refused once used), its static device (``otp_static``)
holds the recovery codes, and its middleware marks a session verified with ``is_verified()``.
This module only adds the guided set-up (QR code drawn on the server as SVG) and the rule
that anyone with tip access must be verified to reach any Tips URL.
"""

from __future__ import annotations

import base64
import functools
import io
import secrets
from urllib.parse import quote

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tips.enrolment import enrolment_allowed, hash_recovery_code
from tips.permissions import tip_policy

DEVICE_NAME = "tips"
RECOVERY_DEVICE_NAME = "tips-recovery"
RECOVERY_CODE_COUNT = 10


def confirmed_totp(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_totp(user) -> TOTPDevice:
    """The unconfirmed device of an ongoing set-up (created on first call)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False, name=DEVICE_NAME).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def provisioning_uri(device: TOTPDevice) -> str:
    issuer = settings.WAGTAIL_SITE_NAME
    label = quote(f"{issuer}:{device.user.get_username()}")
    query = urlencode({"secret": secret_base32(device), "issuer": issuer, "digits": device.digits})
    return f"otpauth://totp/{label}?{query}"


def secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def qr_svg(data: str) -> str:
    """An inline SVG (no script, no style attribute) of a QR code, drawn on the server."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = io.BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    if svg.startswith("<?xml"):
        svg = svg.split("?>", 1)[1]
    return svg.strip()


@transaction.atomic
def confirm_totp(device: TOTPDevice, token: str) -> bool:
    """Confirm a pending device with a code from the authenticator app."""
    if not device.verify_token((token or "").strip().replace(" ", "")):
        return False
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with fresh ones; returns them (show them once)."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [_chunk() for _ in range(RECOVERY_CODE_COUNT)]
    for code in codes:
        # Stored as an HMAC under TIP_TRUST_KEY: a database reader learns no usable code.
        StaticToken.objects.create(device=device, token=hash_recovery_code(normalise_code(code)))
    return codes


def normalise_code(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


def _chunk() -> str:
    alphabet = "23456789abcdefghjkmnpqrstuvwxyz"
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def second_factor_redirect(request):
    """Where to send a tip user who is not verified in this session."""
    if confirmed_totp(request.user):
        name = "tips_admin:2fa_verify"
    elif enrolment_allowed(request):
        name = "tips_admin:2fa_setup"
    else:
        name = "tips_admin:2fa_enrol"  # first enrolment: the handed-over code first
    return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")


def tip_area_required(view):
    """Decorator for every Tips view: tip access (policy) and a verified second factor."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user

        if not tip_policy.can_access_area(user):
            raise PermissionDenied
        if not user.is_verified():
            return second_factor_redirect(request)
        return view(request, *args, **kwargs)

    wrapper.tip_area_required = True
    return wrapper
