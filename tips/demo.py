"""The tip line's demo (development only), run by ``manage.py load_demo_content``.

It performs the key ceremony an operator would, with fixed, documented credentials, so
every role can be tried at once after ``make run``:

1. accounts: one investigator per demo desk and a supervisor, each with a confirmed TOTP
   device (fixed secrets: add them to an authenticator app) and a vault (fixed passphrases);
2. a recovery key, its private half written to ``VAR_DIR/demo-recovery-key-<id>.json``;
3. desk memberships, then a key for every desk, wrapped to its members and to recovery;
4. the default desk for general tips (Settings → Tip line): the fugitive search unit;
5. a dozen tips sent through the real service (sealed; some with a drawn photo; one urgent;
   one with a question from the desk, answerable with :data:`DEMO_RECEIPT`), then three
   tips with photos and a generated video about the demo incident appeal
   (``tips.demo_incident``).

Every step checks what exists and skips it, so a second run changes nothing.
"""

from __future__ import annotations

import base64
import io
import os
import random
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image, ImageDraw, ImageFont
from wagtail.models import Locale

from appeals.choices import Status
from appeals.demo import data
from appeals.models import AppealPage, Desk
from tips.followup.services import question_send

from . import demo_incident, keys, receipts, selectors, services, trust, twofactor
from .attachments import stage_attachment
from .demo_tips import TIPS, DemoTip
from .models import DeskMembership, InvestigatorKey, Tip, TipLineSettings
from .permissions import INVESTIGATORS, SUPERVISORS
from .sanitize import sanitize_image

INVESTIGATOR_PASSWORD = "demo-investigator-password"  # noqa: S105 - documented demo account
SUPERVISOR_PASSWORD = "demo-supervisor-password"  # noqa: S105 - documented demo account
#: The receipt of the demo tip that carries a question from its desk (README, "Try it").
DEMO_RECEIPT = "1111-2222-3333-4444-5555-6666-7777"
RECOVERY_FILE_PREFIX = "demo-recovery-key-"
#: General tips go to the first demo desk (the fugitive search unit).
DEFAULT_DESK = 0


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    #: Index of the desk in ``appeals.demo.data.DESKS``; None for the supervisor.
    desk: int | None
    #: Base32 TOTP secret (32 characters = 20 bytes, as django-otp generates).
    totp_secret: str
    vault_passphrase: str
    group: str


ACCOUNTS = (
    DemoAccount(
        "investigator-fugitives",
        INVESTIGATOR_PASSWORD,
        0,
        "DEMOFUGITIVESTOTPSECRETKEY234567",
        "fugitives demo vault passphrase",
        INVESTIGATORS,
    ),
    DemoAccount(
        "investigator-identification",
        INVESTIGATOR_PASSWORD,
        1,
        "DEMOIDENTIFICATIONTOTPSECRET2345",
        "identification demo vault passphrase",
        INVESTIGATORS,
    ),
    DemoAccount(
        "investigator-witnesses",
        INVESTIGATOR_PASSWORD,
        2,
        "DEMOWITNESSESTOTPSECRETKEY234567",
        "witnesses demo vault passphrase",
        INVESTIGATORS,
    ),
    DemoAccount(
        "supervisor",
        SUPERVISOR_PASSWORD,
        None,
        "DEMOSUPERVISORTOTPSECRETKEY23456",
        "supervisor demo vault passphrase",
        SUPERVISORS,
    ),
)


def enabled() -> bool:
    """Demo data is for development: production settings leave this False."""
    return bool(settings.DEMO_CONTENT_ALLOWED)


# --------------------------------------------------------------------------- accounts


def _totp_key_hex(secret: str) -> str:
    return base64.b32decode(secret).hex()


def ensure_account(account: DemoAccount):
    """The demo user with its group, confirmed TOTP device and vault (each made if missing)."""
    user, created = get_user_model().objects.get_or_create(
        username=account.username,
        defaults={
            "email": f"{account.username}@example.invalid",
            "first_name": "Demo",
            "last_name": account.username.replace("-", " ").title(),
        },
    )
    if created:
        user.set_password(account.password)
        user.save()
    user.groups.add(Group.objects.get_or_create(name=account.group)[0])
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(
            user=user,
            name=twofactor.DEVICE_NAME,
            key=_totp_key_hex(account.totp_secret),
            confirmed=True,
        )
    if not InvestigatorKey.objects.filter(user=user).exists():
        keys.setup_vault(user, account.vault_passphrase)
    return user


def demo_desks() -> list:
    """The demo desks (default-locale rows) in ``appeals.demo.data.DESKS`` order."""
    names = [names[0] for names, _description in data.DESKS]
    by_name = {d.name: d for d in Desk.objects.filter(locale=Locale.get_default(), name__in=names)}
    return [by_name.get(name) for name in names]


# --------------------------------------------------------------------------- keys


def write_recovery_file(directory: Path, recovery_key, private_key: bytes) -> Path:
    """Write the recovery private key to a new 0600 file (never overwrites one)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{RECOVERY_FILE_PREFIX}{recovery_key.key_id}.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(keys.recovery_key_file_text(recovery_key, private_key))
    return path


def _trust_demo_recovery_key(recovery) -> None:
    """A demo made before the trust anchors: its recovery key (whose private half the demo
    wrote into var/) becomes the anchor, in development only (tips.trust)."""
    own_file = Path(settings.VAR_DIR) / f"{RECOVERY_FILE_PREFIX}{recovery.key_id}.json"
    if own_file.exists() and recovery.key_id not in trust.trusted_recovery_fingerprints():
        trust.trust_recovery_fingerprint(recovery.key_id)


def ensure_keys(desks, users_by_desk) -> Path | None:
    """Recovery key (if none is active), memberships, then a key for every desk that has
    none held by a member.

    Returns the path of a recovery key file written now, or None.
    """
    written = None
    if keys.active_recovery_key() is None:
        recovery_key, private = keys.create_recovery_key()
        written = write_recovery_file(Path(settings.VAR_DIR), recovery_key, private)
        del private
    else:
        _trust_demo_recovery_key(keys.active_recovery_key())
    for index, desk in enumerate(desks):
        if desk is None:
            continue
        for user in users_by_desk.get(index, ()):
            DeskMembership.objects.get_or_create(desk=desk, user=user)
        key = keys.active_desk_key(desk)
        if key is None or not selectors.readers(key).exists():
            # No key, or one made before the members (nobody holds it): a new version.
            keys.create_desk_key(desk)
    return written


def ensure_default_desk(desk) -> None:
    """General tips go to ``desk`` unless a default desk is already chosen."""
    tip_line = TipLineSettings.load()
    if tip_line.default_desk_id is None and desk is not None:
        tip_line.default_desk = desk
        tip_line.save()


# --------------------------------------------------------------------------- tips


def draw_photo(caption: str, seed: int) -> bytes:
    """A drawn placeholder 'photo' (PNG): a street with a parked car, and a caption."""
    rng = random.Random(seed)  # noqa: S311 - a drawing, not a secret
    image = Image.new("RGB", (800, 600), (150 + rng.randint(0, 40), 170, 190))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 380, 800, 600), fill=(90, 90, 95))  # road
    draw.rectangle((0, 360, 800, 385), fill=(170, 170, 165))  # pavement
    for x in range(40, 800, 160):  # facades
        h = rng.randint(150, 300)
        draw.rectangle((x, 360 - h, x + 120, 360), fill=(120 + rng.randint(0, 80), 100, 90))
        for wy in range(360 - h + 20, 320, 50):
            draw.rectangle((x + 20, wy, x + 50, wy + 30), fill=(220, 220, 180))
            draw.rectangle((x + 70, wy, x + 100, wy + 30), fill=(220, 220, 180))
    car = (rng.randint(40, 90), rng.randint(40, 90), rng.randint(60, 140))
    draw.rounded_rectangle((260, 420, 560, 500), radius=18, fill=car)
    draw.rounded_rectangle((320, 380, 500, 430), radius=14, fill=car)
    draw.ellipse((290, 480, 350, 540), fill=(20, 20, 20))
    draw.ellipse((470, 480, 530, 540), fill=(20, 20, 20))
    draw.rectangle((0, 0, 800, 40), fill=(0, 0, 0))
    draw.text((12, 8), f"DEMO - {caption}", fill=(255, 255, 255), font=ImageFont.load_default(24))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _stage_photo(caption: str, seed: int):
    """Sanitise the drawn photo as an upload would be, then encrypt it into tip storage."""
    clean = sanitize_image(
        io.BytesIO(draw_photo(caption, seed)),
        max_pixels=int(settings.TIP_MAX_IMAGE_PIXELS),
    )
    return stage_attachment(
        io.BytesIO(clean.data),
        name=f"photo-{seed}.{clean.extension}",
        content_type=clean.content_type,
    )


def _appeal_for(demo: DemoTip):
    if demo.kind is None:
        return None

    pages = AppealPage.objects.live().filter(
        kind=demo.kind, status=Status.ACTIVE, locale__language_code=demo.language
    )
    return pages.order_by("path")[demo.nth : demo.nth + 1].first()


def _use_receipt(tip: Tip, receipt: str) -> None:
    """Give a just-submitted tip the documented demo receipt (it has no message yet)."""
    salt = secrets.token_bytes(16)
    pair = receipts.receipt_keypair(receipt, salt)
    Tip.objects.filter(pk=tip.pk).update(
        receipt_digest=receipts.receipt_digest(receipt),
        receipt_salt=salt,
        receipt_public_key=pair.public_key,
        receipt_suite=pair.suite,
    )
    tip.refresh_from_db()


def submit_demo_tips(users_by_desk_id) -> list[services.SubmittedTip]:
    """Send :data:`TIPS` through ``tips.services.tip_submit``, as the tip form does."""
    sent = []
    # Desk notifications are sent for real, but not printed: twelve e-mails would bury the
    # credentials in the console output.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        for n, demo in enumerate(TIPS):
            sent.append(_submit_one(n, demo, users_by_desk_id))
        sent.extend(demo_incident.submit_incident_tips())
    return sent


def _submit_one(n: int, demo: DemoTip, users_by_desk_id) -> services.SubmittedTip:
    appeal = _appeal_for(demo)
    desk_key = selectors.desk_key_for_appeal(appeal)
    staged = [_stage_photo(demo.photo, n)] if demo.photo else []
    submitted = services.tip_submit(
        desk_key=desk_key,
        appeal=appeal,
        fields={
            "what": demo.what,
            "when_date": "",
            "when_time": "",
            "place": demo.place,
            "how_known": demo.how_known,
        },
        contact={"contact": demo.contact} if demo.contact else None,
        attachments=staged,
        urgent=demo.urgent,
        language=demo.language,
    )
    if demo.question:
        _use_receipt(submitted.tip, DEMO_RECEIPT)
        investigator = users_by_desk_id[submitted.tip.desk_id][0]
        question_send(tip=submitted.tip, actor=investigator, text=demo.question)
    return submitted


# --------------------------------------------------------------------------- entry point


@dataclass
class DemoResult:
    recovery_file: Path | None
    tips_sent: int


def load() -> DemoResult:
    """Accounts, keys and tips, each only if missing. Call after the demo desks exist."""
    if not enabled():
        raise RuntimeError("demo content is disabled by these settings")
    desks = demo_desks()
    with transaction.atomic():
        users = {a.username: ensure_account(a) for a in ACCOUNTS}
        users_by_desk = {}
        for a in ACCOUNTS:
            if a.desk is not None:
                users_by_desk.setdefault(a.desk, []).append(users[a.username])
        recovery_file = ensure_keys(desks, users_by_desk)
        ensure_default_desk(desks[DEFAULT_DESK])
    users_by_desk_id = {
        desk.pk: users_by_desk.get(i, []) for i, desk in enumerate(desks) if desk is not None
    }
    tips_sent = 0
    if not Tip.objects.exists():
        tips_sent = len(submit_demo_tips(users_by_desk_id))
    return DemoResult(recovery_file=recovery_file, tips_sent=tips_sent)


def credentials_lines() -> list[str]:
    """What the command prints for people trying the demo (also in the README)."""
    lines = [
        "Tip line demo accounts (development only) at /admin/ — TOTP secrets go into an "
        "authenticator app (or run `manage.py load_demo_content --codes`):",
    ]
    for a in ACCOUNTS:
        lines.append(
            f"  {a.username:<28} password '{a.password}'  TOTP secret {a.totp_secret}  "
            f"vault passphrase '{a.vault_passphrase}'"
        )
    lines.append(
        f"Receipt of the demo tip with a question from its desk: {DEMO_RECEIPT} "
        "(answer it at /tip/follow-up/)"
    )
    files = sorted(Path(settings.VAR_DIR).glob(f"{RECOVERY_FILE_PREFIX}*.json"))
    if files:
        lines.append(f"Demo recovery key (private half, development only): {files[-1]}")
    return lines


def current_codes() -> list[str]:
    """The current TOTP code of every demo account (for trying the demo without an app)."""
    return [f"  {a.username:<28} {totp(base64.b32decode(a.totp_secret)):06d}" for a in ACCOUNTS]
