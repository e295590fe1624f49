"""The benchmark scenarios (see bench/README.md). Each returns one record.

The registry (``SCENARIOS``), the set-up and the spike live here; the scenario families in
their own modules: ``pages``, ``tip_intake``, ``upload``, ``admin_queue``, ``store``,
``flood``, ``hostile``, ``incident``, ``incident_load``, ``incident_video``.
"""

from __future__ import annotations

import importlib
import os
import time
from pathlib import Path

from . import nginx, services, wrk
from .admin_queue import queue

# Shared helpers stay importable from here (bench.store, bench.flood, bench.incident use them).
from .common import (  # noqa: F401
    _IMMEDIATE,
    TARGETS,
    Unavailable,
    _django,
    _fetch,
    _memory_kib,
    _need_appeal,
    _warm,
)
from .pages import origin_cached, origin_uncached, proxy, publish_visible, static
from .runner import Context, record
from .tip_intake import (  # noqa: F401
    _TIP_TEXT,
    _form_fields,
    _one_tip,
    _row_padding,
    _Session,
    _tip_data,
    tips,
)
from .upload import _multipart, _noise_jpeg, upload  # noqa: F401


def setup(ctx: Context) -> None:
    """Database, static files, demo content, keys; then gunicorn, the worker and nginx."""
    _django()
    from django.core.management import call_command
    from django.test import override_settings

    t0 = time.monotonic()
    # Set-up work runs its tasks (search index, references) inline, so that the worker
    # starts with an empty queue and the scenarios measure only their own tasks.
    with override_settings(TASKS={"default": {"BACKEND": _IMMEDIATE}}):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        with open(os.devnull, "w") as devnull:
            try:
                call_command("load_demo_content", stdout=devnull)
            except Exception as exc:  # noqa: BLE001 - reported by the scenarios that need it
                print(f"bench: demo content unavailable ({type(exc).__name__})")
        _site_and_urls(ctx)
        _tip_line_keys(ctx)
        try:  # the plain reference form pads its rows to the size of a real tip row
            ctx.env["BENCH_PLAIN_ROW_PADDING"] = str(_row_padding(ctx))
        except Exception as exc:  # noqa: BLE001 - the tips scenario reports it
            print(f"bench: could not seal a reference tip ({type(exc).__name__})")
    print(f"bench: set up in {time.monotonic() - t0:.0f}s; appeal page {ctx.appeal_url}")

    from django.db import connections

    connections.close_all()
    ctx.static_site = ctx.dir / "static-site"
    ctx.static_site.mkdir()
    ctx.nginx_root = ctx.dir / "nginx"
    ctx.nginx_root.mkdir()
    from django.conf import settings

    conf = nginx.nginx_config(
        ctx.nginx_root,
        upstream_port=ctx.ports["gunicorn"],
        proxy_port=ctx.ports["proxy"],
        static_port=ctx.ports["static"],
        refresh_port=ctx.ports["refresh"],
        static_site=ctx.static_site,
        static_root=Path(settings.STATIC_ROOT),
        media_root=Path(settings.MEDIA_ROOT),
        workers=ctx.cpus,
    )
    ctx.nginx = ctx.start(nginx.nginx(conf, ctx.nginx_root))
    ctx.gunicorn = ctx.start(
        services.gunicorn(
            ctx.env, ctx.ports["gunicorn"], ctx.web_workers, ctx.logs / "gunicorn.log"
        )
    )
    ctx.worker = ctx.start(services.task_worker(ctx.env, ctx.logs / "worker.log"))
    services.wait_http(ctx.url("proxy", "/healthz"), proc=ctx.nginx)
    _wait_for_worker(ctx)
    if ctx.appeal_url:
        services.warm(ctx.url("gunicorn", ctx.appeal_url), 2 * ctx.web_workers)


def _wait_for_worker(ctx: Context, timeout: float = 90.0) -> None:
    """Enqueue a no-op task (an empty frontend-cache purge) and wait until the worker ran it."""
    from django_tasks import TaskResultStatus
    from wagtail.contrib.frontend_cache.tasks import purge_urls_from_cache_task

    result = purge_urls_from_cache_task.enqueue(["http://127.0.0.1/"], {}, None)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result.refresh()
        if result.status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED):
            return
        if ctx.worker.popen.poll() is not None:
            raise RuntimeError(f"the task worker exited; see {ctx.worker.log}")
        time.sleep(0.2)
    raise RuntimeError("the task worker did not run a task in time")


def _site_and_urls(ctx: Context) -> None:
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    if site is not None:
        # Full URLs (and so refresh requests) use the proxy's host and port, like production.
        site.hostname = "127.0.0.1"
        site.port = ctx.ports["proxy"]
        site.save()
    try:
        from appeals.models import AppealIndexPage, AppealPage
    except ImportError:
        return
    appeals = (
        AppealPage.objects.live().filter(locale__language_code="fr", status="active").order_by("pk")
    )
    best = None
    best_photos = -1
    for appeal in appeals:
        count = appeal.photos.count() if hasattr(appeal, "photos") else 0
        if count > best_photos:
            best, best_photos = appeal, count
    index = AppealIndexPage.objects.live().filter(locale__language_code="fr").first()
    if best is not None:
        ctx.appeal = best
        ctx.appeal_url = best.url
        ctx.appeal_photos = best_photos
    if index is not None:
        ctx.index_url = index.url


def _tip_line_keys(ctx: Context) -> None:
    """A recovery key and a key for every desk, as an operator would create them."""
    try:
        from wagtail.models import Locale

        from appeals.models import Desk
        from tips import keys
    except ImportError:
        return
    if keys.active_recovery_key() is None:
        keys.create_recovery_key()  # the private half is simply dropped: a throw-away key
    locale = Locale.get_default()
    desks = list(Desk.objects.filter(locale=locale))
    if not desks:
        desks = [Desk.objects.create(name="Benchmark desk", locale=locale)]
    for desk in desks:
        if keys.active_desk_key(desk) is None:
            keys.create_desk_key(desk)
    ctx.desk = desks[0]


# --------------------------------------------------------------------------- spike


def spike(ctx: Context) -> dict:
    _need_appeal(ctx)
    if not wrk.available():
        raise Unavailable("wrk is not installed")
    url = ctx.url("proxy", ctx.appeal_url)
    _warm(url, "X-Cache", "HIT")
    res = wrk.run(url, connections=500, duration=ctx.duration(20, 3), threads=2, timeout=10)
    return record(
        "spike",
        res["errors"],
        "errors",
        target=TARGETS["spike"],
        met=res["errors"] == 0,
        p99_ms=res["p99_ms"],
        p50_ms=res["p50_ms"],
        req_s=res["req_s"],
        requests=res["requests"],
        connections=500,
    )


def _lazy(module, name):
    def run(ctx: Context) -> dict:
        return getattr(importlib.import_module(f"bench.{module}"), name)(ctx)

    return run


SCENARIOS = {
    "static": static,
    "proxy": proxy,
    "origin-cached": origin_cached,
    "origin-uncached": origin_uncached,
    "publish-visible": publish_visible,
    "tips": tips,
    "upload": upload,
    "queue": queue,
    "spike": spike,
    "store": _lazy("store", "store"),
    "sandbox": _lazy("hostile", "sandbox"),
    "flood": _lazy("flood", "flood"),
    "slow-clients": _lazy("flood", "slow_clients"),
    "tus-upload": _lazy("incident", "tus_upload"),
    "tus-upload-s3": _lazy("incident_load", "tus_upload_s3"),
    "tus-concurrent": _lazy("incident_load", "tus_concurrent"),
    "tus-resume": _lazy("incident", "tus_resume"),
    "video-remux": _lazy("incident_video", "video_remux"),
    "capture-order": _lazy("capture_order", "capture_order"),
}
