"""The investigators' queue: listing time and queries over many tips."""

from __future__ import annotations

import os
import statistics
import time

from .common import (
    TARGETS,
    Unavailable,
)
from .runner import Context, record


def _generate_tips(ctx: Context, total: int) -> None:
    """Bulk-create tips with ciphertexts of realistic sizes (not decryptable: metadata only)."""
    import datetime as dt
    import random
    import secrets

    from django.db import transaction
    from django.utils import timezone

    from tips import keys
    from tips.models import Tip, TipPriority, TipStatus

    rng = random.Random(7)  # noqa: S311 (not security: spreading test data)
    desk = ctx.desk
    desk_key = keys.active_desk_key(desk)
    recovery = keys.active_recovery_key()
    statuses = list(TipStatus.values)
    priorities = list(TipPriority.values)
    now = timezone.now()
    existing = Tip.objects.count()
    batch = []
    for i in range(existing, total):
        size = rng.choice((1400, 1800, 2600, 4200, 9000))
        batch.append(
            Tip(
                reference=secrets.token_hex(8)[:16],
                desk=desk,
                desk_key=desk_key,
                recovery_key=recovery,
                suite=desk_key.suite,
                ciphertext=os.urandom(size),
                received_at=now - dt.timedelta(minutes=i * 7 + rng.randint(0, 6)),
                status=rng.choice(statuses),
                priority=rng.choice(priorities),
                unread=rng.random() < 0.2,
                language=rng.choice(("fr", "nl", "de", "en")),
                document_size=size,
                receipt_digest=os.urandom(32),
                receipt_salt=os.urandom(16),
                receipt_public_key=os.urandom(32),
                receipt_suite=desk_key.suite,
            )
        )
        if len(batch) == 5000:
            with transaction.atomic():
                Tip.objects.bulk_create(batch)
            batch = []
    if batch:
        with transaction.atomic():
            Tip.objects.bulk_create(batch)
    _drop_cached_tip_counts()


def _drop_cached_tip_counts() -> None:
    """bulk_create sends no signal: drop the cached queue counts as a new tip would."""
    try:
        from tips.admin import counts
    except ImportError:
        return
    counts.invalidate()


def _queue_client(ctx: Context):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tips import keys
    from tips.models import DeskMembership

    user_model = get_user_model()
    user = user_model.objects.filter(username="bench-investigator").first()
    if user is None:
        user = user_model.objects.create_user(
            username="bench-investigator", password=os.urandom(16).hex()
        )
        group = Group.objects.filter(name="Investigators").first()
        if group is not None:
            user.groups.add(group)
        DeskMembership.objects.create(desk=ctx.desk, user=user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", confirmed=True)
    del keys
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _measure_listing(client, url: str, rounds: int, cold=False) -> tuple[float, int, int]:
    """Median time and queries of the listing; ``cold``: the cached counts are dropped
    before each request (as after every new tip or status change)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"tip listing answered {response.status_code}")
    times = []
    queries = 0
    for _ in range(rounds):
        if cold:
            _drop_cached_tip_counts()
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - t0)
        queries = len(captured.captured_queries)
    return statistics.median(times) * 1000, queries, response.status_code


def queue(ctx: Context) -> dict:
    try:
        from django.urls import reverse

        url = reverse("tips_admin:index")
        from tips.models import Tip  # noqa: F401
    except Exception as exc:
        raise Unavailable(f"triage listing not available ({type(exc).__name__})") from exc
    total = 2_000 if ctx.quick else 100_000
    client = _queue_client(ctx)
    _generate_tips(ctx, 1_000)
    small_ms, small_q, _ = _measure_listing(client, url, 3 if ctx.quick else 10)
    t0 = time.monotonic()
    _generate_tips(ctx, total)
    generated_s = time.monotonic() - t0
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE tips_tip")
    rounds = 5 if ctx.quick else 30
    median_ms, queries, _ = _measure_listing(client, url, rounds)
    filtered_ms, filtered_q, _ = _measure_listing(
        client, url + "?status=new&priority=urgent", rounds
    )
    cold_ms, cold_q, _ = _measure_listing(client, url, rounds, cold=True)
    from tips.models import Tip

    # What was measured: one page of the queue (the viewset's list_per_page rows).
    rows = client.get(url).content.decode().count('class="tips-ref"')

    return record(
        "queue",
        round(median_ms, 1),
        "ms median",
        target=TARGETS["queue"],
        met=median_ms < 60 and queries == small_q,
        tips=Tip.objects.count(),
        rows_per_page=rows,
        queries=queries,
        queries_at_1000=small_q,
        median_at_1000_ms=round(small_ms, 1),
        filtered_median_ms=round(filtered_ms, 1),
        filtered_queries=filtered_q,
        counts_uncached_median_ms=round(cold_ms, 1),
        counts_uncached_queries=cold_q,
        generate_s=round(generated_s, 1),
        view="locked listing (metadata), in-process",
    )
