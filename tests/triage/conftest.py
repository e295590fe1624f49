"""Fixtures for the triage tests: two desks with keys, the six roles, a verified 2FA login,
an unlocked vault and tips submitted through the real sealing service."""

import io
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

PASSPHRASE = "correct horse battery staple 42"
FAST_ARGON2 = {"memory_cost": 1024, "iterations": 1, "lanes": 1}


@pytest.fixture(autouse=True)
def _fast_and_clean(settings):
    settings.TIP_PASSPHRASE_ARGON2 = FAST_ARGON2
    settings.TIP_RECEIPT_ARGON2 = FAST_ARGON2
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    cache.clear()
    yield
    cache.clear()


def png_bytes(color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), color).save(out, format="PNG")
    return out.getvalue()


@dataclass
class World:
    desk_a: object
    desk_b: object
    editor: object
    inv_a: object
    inv_a2: object
    inv_b: object
    reader: object
    supervisor: object


def make_user(username, *groups):
    user = get_user_model().objects.create_user(
        username=username, password=f"login-{username}-pw-0123", email=f"{username}@example.org"
    )
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


@pytest.fixture
def world(db):
    from wagtail.models import Locale

    from appeals.models import Desk
    from tips import keys
    from tips.models import DeskMembership, TipLineSettings

    locale = Locale.get_default()
    desk_a = Desk.objects.create(name="Fugitives A", locale=locale)
    desk_b = Desk.objects.create(name="Missing B", locale=locale)
    keys.create_recovery_key()
    editor = make_user("editor", "Editors")
    inv_a = make_user("inv_a", "Investigators")
    inv_a2 = make_user("inv_a2", "Investigators")
    inv_b = make_user("inv_b", "Investigators")
    reader = make_user("reader", "Investigators")
    supervisor = make_user("supervisor", "Supervisors")
    for user in (inv_a, inv_a2, inv_b, reader, supervisor):
        keys.setup_vault(user, PASSPHRASE)
    for user in (inv_a, inv_a2):
        DeskMembership.objects.create(desk=desk_a, user=user)
    DeskMembership.objects.create(desk=desk_b, user=inv_b)
    keys.create_desk_key(desk_a)
    keys.create_desk_key(desk_b)
    TipLineSettings.objects.create(default_desk=desk_a)  # general tips go to desk A
    return World(desk_a, desk_b, editor, inv_a, inv_a2, inv_b, reader, supervisor)


def submit_tip(desk, text="I saw him at the station", *, photo=True, urgent=False):
    from tips.attachments import stage_attachment
    from tips.keys import active_desk_key
    from tips.services import tip_submit

    staged = []
    if photo:
        staged.append(
            stage_attachment(io.BytesIO(png_bytes()), name="photo.png", content_type="image/png")
        )
    return tip_submit(
        desk_key=active_desk_key(desk),
        fields={"what": text, "place": "Gare du Midi", "how_known": "I was there"},
        attachments=staged,
        urgent=urgent,
        language="fr",
    ).tip


def verified_login(client, user):
    """Log in with a confirmed TOTP device, as after entering a code."""
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="tips", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def unlock(client, passphrase=PASSPHRASE):
    return client.post(reverse("tips_admin:vault_unlock"), {"passphrase": passphrase})


@pytest.fixture
def tip_a(world):
    return submit_tip(world.desk_a, "CANARY-TIP-A the man in the red coat")


@pytest.fixture
def tip_b(world):
    return submit_tip(world.desk_b, "CANARY-TIP-B")
