"""Public pages: static files, the proxy cache, the origin cached and uncached, and how soon a
published change is visible."""

from __future__ import annotations

import statistics
import time

from . import services, wrk
from .common import (
    TARGETS,
    Unavailable,
    _fetch,
    _need_appeal,
    _warm,
)
from .runner import Context, record


def static(ctx: Context) -> dict:
    _need_appeal(ctx)
    if not wrk.available():
        raise Unavailable("wrk is not installed")
    status, _headers, body = _fetch(ctx.url("gunicorn", ctx.appeal_url))
    if status != 200:
        raise RuntimeError(f"appeal page answered {status}")
    (ctx.static_site / "appeal.html").write_bytes(body)
    res = wrk.run(ctx.url("static", "/appeal.html"), connections=50, duration=ctx.duration(10))
    ctx.static_rps = res["req_s"]
    return record(
        "static",
        res["req_s"],
        "req/s",
        target=TARGETS["static"],
        p50_ms=res["p50_ms"],
        p99_ms=res["p99_ms"],
        errors=res["errors"],
        page_bytes=len(body),
    )


def proxy(ctx: Context) -> dict:
    _need_appeal(ctx)
    if not wrk.available():
        raise Unavailable("wrk is not installed")
    url = ctx.url("proxy", ctx.appeal_url)
    _warm(url, "X-Cache", "HIT")
    res = wrk.run(url, connections=50, duration=ctx.duration(10))
    ratio = res["req_s"] / ctx.static_rps if getattr(ctx, "static_rps", 0) else None
    return record(
        "proxy",
        res["req_s"],
        "req/s",
        reference="static",
        ratio=ratio,
        target=TARGETS["proxy"],
        met=None if ratio is None else ratio >= 0.5,
        p50_ms=res["p50_ms"],
        p99_ms=res["p99_ms"],
        errors=res["errors"],
    )


def _queries(path: str) -> tuple[int, int]:
    """(status, number of SQL queries) rendering ``path`` in-process, page cache off."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    with override_settings(PAGE_CACHE_ENABLED=False):
        client = Client(SERVER_NAME="127.0.0.1")
        client.get(path)  # warm per-process caches (site root paths, translations)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
    return response.status_code, len(captured.captured_queries)


def origin_uncached(ctx: Context) -> dict:
    _need_appeal(ctx)
    if not wrk.available():
        raise Unavailable("wrk is not installed")
    from appeals.models import AppealPage

    # Query counts, in-process: the chosen appeal (most photos), the one with fewest photos,
    # the index, and the index's second page.
    details = {}
    appeals = list(AppealPage.objects.live().filter(locale__language_code="fr").order_by("pk"))
    counts = sorted((a.photos.count(), a.url) for a in appeals)
    _status, details["queries_appeal_most_photos"] = _queries(ctx.appeal_url)
    details["photos_most"] = ctx.appeal_photos
    _status, details["queries_appeal_fewest_photos"] = _queries(counts[0][1])
    details["photos_fewest"] = counts[0][0]
    if ctx.index_url:
        _status, details["queries_index"] = _queries(ctx.index_url)
        _status, details["queries_index_page2"] = _queries(ctx.index_url + "?page=2")
    queries = [v for k, v in details.items() if k.startswith("queries_")]
    from django.db import connections

    connections.close_all()

    # Throughput: a gunicorn with the app-level page cache off, nothing else running on it.
    proc = ctx.start(
        services.gunicorn(
            ctx.env,
            ctx.ports["uncached"],
            ctx.web_workers,
            ctx.logs / "gunicorn-uncached.log",
            extra_env={"PAGE_CACHE_ENABLED": "0"},
        )
    )
    try:
        for path in (ctx.appeal_url, ctx.index_url):
            if path:
                services.warm(ctx.url("uncached", path), ctx.web_workers * (1 if ctx.quick else 3))
        appeal = wrk.run(
            ctx.url("uncached", ctx.appeal_url), connections=16, duration=ctx.duration(10, 4)
        )
        index = (
            wrk.run(
                ctx.url("uncached", ctx.index_url), connections=16, duration=ctx.duration(10, 4)
            )
            if ctx.index_url
            else None
        )
    finally:
        ctx.stop(proc)
    ctx.uncached_rps = appeal["req_s"]
    details.update(
        p50_ms=appeal["p50_ms"],
        p99_ms=appeal["p99_ms"],
        errors=appeal["errors"],
    )
    if index:
        details.update(
            index_req_s=index["req_s"], index_p50_ms=index["p50_ms"], index_p99_ms=index["p99_ms"]
        )
    return record(
        "origin-uncached",
        appeal["req_s"],
        "req/s",
        target=TARGETS["origin-uncached"],
        met=max(queries) <= 15,
        **details,
    )


def origin_cached(ctx: Context) -> dict:
    _need_appeal(ctx)
    if not wrk.available():
        raise Unavailable("wrk is not installed")
    url = ctx.url("gunicorn", ctx.appeal_url)
    _warm(url, "X-Page-Cache", "hit")
    res = wrk.run(url, connections=16, duration=ctx.duration(10))
    ctx.cached_rps = res["req_s"]
    return record(
        "origin-cached",
        res["req_s"],
        "req/s",
        reference="origin-uncached",
        target=TARGETS["origin-cached"],
        p50_ms=res["p50_ms"],
        p99_ms=res["p99_ms"],
        errors=res["errors"],
    )


def publish_visible(ctx: Context) -> dict:
    _need_appeal(ctx)
    from django.db import connections

    from appeals.models import AppealPage

    url = ctx.url("proxy", ctx.appeal_url)
    rounds = 2 if ctx.quick else 5
    timings = []
    for i in range(rounds):
        _warm(url, "X-Cache", "HIT")
        page = AppealPage.objects.get(pk=ctx.appeal.pk)
        marker = f"Bench{int(time.time() * 1000)}r{i}"
        # A field the appeal page renders as is (the reward text; the title is not shown).
        field = "reward" if hasattr(page, "reward") else "title"
        setattr(page, field, f"Reward change {marker}")
        revision = page.save_revision()
        connections.close_all()
        t0 = time.monotonic()
        revision.publish()
        seen = None
        while time.monotonic() - t0 < 15:
            _status, _headers, body = _fetch(url)
            if marker.encode() in body:
                seen = time.monotonic() - t0
                break
            time.sleep(0.01)
        if seen is None:
            raise RuntimeError("the change never became visible through the proxy")
        timings.append(seen)
    median = statistics.median(timings)
    return record(
        "publish-visible",
        round(median, 3),
        "s",
        target=TARGETS["publish-visible"],
        met=max(timings) < 1.0,
        rounds=rounds,
        max_s=round(max(timings), 3),
        path="publish -> on_commit -> refresh thread (page) -> nginx refresh",
    )
