"""The queue's capture-time order over every page (``tips.admin.capture_index``): what opening
the listed tips costs, once per vault session.

``BENCH_ONLY=capture-order python -m bench``: 1 000 tips (100 with ``BENCH_QUICK=1``) are
sealed for real to a desk of their own (video and poster entries, a shared capture time in
seven of ten), one investigator of that desk unlocks the vault in-process (Django's test
client), then:

- ``open_ms_per_tip``: one tip document opened with the desk key (HPKE and JSON), the
  median over every tip; ``open_all_s`` the sum;
- ``cold_ms``: the first ordered page, which opens every tip and writes the index and the
  audit entries; ``warm_ms``: the same page again (the index is known: only the page's
  rows are opened for their preview); ``plain_ms``: the same page in the default order.
"""

from __future__ import annotations

import os
import statistics
import time

from .common import Unavailable
from .runner import Context, record

PASSPHRASE = "capture order bench passphrase 2026"  # noqa: S105 - a throw-away bench vault


def _desk_and_client(ctx: Context):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from wagtail.models import Locale

    from appeals.models import Desk
    from tips import keys
    from tips.models import DeskMembership

    desk = Desk.objects.create(name="Capture order bench desk", locale=Locale.get_default())
    user = get_user_model().objects.create_user(
        username="bench-capture-order", password=os.urandom(16).hex()
    )
    group = Group.objects.filter(name="Investigators").first()
    if group is not None:
        user.groups.add(group)
    keys.setup_vault(user, PASSPHRASE)
    DeskMembership.objects.create(desk=desk, user=user)
    keys.create_desk_key(desk)  # wrapped to the member
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", confirmed=True)
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return desk, client


def _seal_tips(desk, total: int) -> None:
    """Tips sealed like ``services.tip_submit`` seals them, stored in bulk (no notification)."""
    import datetime as dt
    import random

    from django.db import transaction
    from django.utils import timezone

    from tips import keys, sealing
    from tips.models import Tip
    from tips.services import new_reference

    rng = random.Random(18)  # noqa: S311 (not security: spreading test data)
    desk_key = keys.active_desk_key(desk)
    recovery = keys.active_recovery_key()
    now = timezone.now().replace(second=0, microsecond=0)
    rows = []
    for i in range(total):
        reference = new_reference()
        taken = f"2026-11-28T{rng.randint(18, 23):02}:{rng.randint(0, 59):02}:05.000000Z"
        video = {
            "name": f"clip-{i}.mp4",
            "content_type": "video/mp4",
            "size": 48_000_000,
            "key": os.urandom(32).hex(),
            "storage_name": f"bench/{i}.bin",
            "kind": "video",
            "sha256": os.urandom(32).hex(),
            "duration": 31.2,
            "codec": "h264",
            **({"captured_at": taken} if rng.random() < 0.7 else {}),
        }
        poster = {**video, "kind": "poster", "content_type": "image/jpeg", "size": 40_000}
        poster.pop("captured_at", None)
        document = {
            "schema": 1,
            "reference": reference,
            "received_at": now.isoformat(),
            "language": "fr",
            "urgent": False,
            "appeal": None,
            "fields": {"what": "Vu la scène depuis le carrefour, vidéo jointe. " * 6},
            "contact": None,
            "attachments": [video, poster],
            "questions": [],
        }
        envelope = sealing.seal_tip_document(
            document, reference=reference, desk_key=desk_key, recovery=recovery
        )
        rows.append(
            Tip(
                reference=reference,
                desk=desk,
                desk_key=desk_key,
                recovery_key=recovery,
                suite=desk_key.suite,
                ciphertext=envelope,
                received_at=now - dt.timedelta(minutes=total - i),
                language="fr",
                document_size=len(envelope),
                attachment_count=2,
                receipt_digest=os.urandom(32),
                receipt_salt=os.urandom(16),
                receipt_public_key=os.urandom(32),
                receipt_suite=desk_key.suite,
            )
        )
    with transaction.atomic():
        Tip.objects.bulk_create(rows, batch_size=500)


def _timed_get(client, url: str) -> float:
    t0 = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - t0) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"queue answered {response.status_code}")
    return elapsed


def capture_order(ctx: Context) -> dict:
    try:
        from django.urls import reverse

        from tips.admin import capture_index  # noqa: F401
    except Exception as exc:
        raise Unavailable(f"capture-time index not available ({type(exc).__name__})") from exc
    from tips import keys, sealing
    from tips.models import Tip, TipAuditEntry

    total = 100 if ctx.quick else 1000
    desk, client = _desk_and_client(ctx)
    t0 = time.monotonic()
    _seal_tips(desk, total)
    sealed_s = time.monotonic() - t0

    # The cryptography alone: every tip opened with the desk's private key.
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="bench-capture-order")
    desk_keys = keys.unwrap_desk_keys(user, keys.open_personal_key(user, PASSPHRASE))
    times = []
    for tip in Tip.objects.filter(desk=desk).select_related("desk_key"):
        t = time.perf_counter()
        sealing.open_tip_document(tip, desk_keys)
        times.append(time.perf_counter() - t)

    response = client.post(reverse("tips_admin:vault_unlock"), {"passphrase": PASSPHRASE})
    if response.status_code not in (200, 302):
        raise RuntimeError(f"vault unlock answered {response.status_code}")
    index = reverse("tips_admin:index")
    ordered = f"{index}?desk={desk.pk}&captured=earliest"
    audited = TipAuditEntry.objects.filter(action="tips.preview_decrypt").count()
    cold_ms = _timed_get(client, ordered)
    audited = TipAuditEntry.objects.filter(action="tips.preview_decrypt").count() - audited
    warm_ms = statistics.median(_timed_get(client, ordered) for _ in range(5))
    page2_ms = statistics.median(_timed_get(client, ordered + "&p=2") for _ in range(5))
    plain_ms = statistics.median(_timed_get(client, f"{index}?desk={desk.pk}") for _ in range(5))
    return record(
        "capture-order",
        round(cold_ms, 1),
        f"ms, first ordered page over {total} tips",
        target="reported",
        tips=total,
        open_ms_per_tip=round(statistics.median(times) * 1000, 3),
        open_all_s=round(sum(times), 2),
        cold_ms=round(cold_ms, 1),
        audit_entries_cold=audited,
        warm_ms=round(warm_ms, 1),
        page2_warm_ms=round(page2_ms, 1),
        plain_ms=round(plain_ms, 1),
        suite=keys.active_desk_key(desk).suite,
        sealed_s=round(sealed_s, 1),
    )
