"""Photo uploads: worker memory growth and sanitising time."""

from __future__ import annotations

import io
import os
import statistics
import time
from pathlib import Path

from . import services
from .common import (
    TARGETS,
    Unavailable,
    _memory_kib,
)
from .runner import Context, record
from .tip_intake import _TIP_TEXT, _form_fields, _one_tip, _Session


def _noise_jpeg(width: int, height: int, quality: int) -> bytes:
    from PIL import Image

    noise = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    out = io.BytesIO()
    noise.save(out, "JPEG", quality=quality, subsampling=0)
    return out.getvalue()


def _photo_jpeg(width: int, height: int) -> bytes:
    """A camera-like 12 MP JPEG: gradients plus grain, with EXIF (GPS) to strip."""
    from PIL import Image

    small = Image.frombytes("RGB", (64, 48), os.urandom(64 * 48 * 3))
    image = small.resize((width, height), Image.Resampling.BICUBIC)
    grain = Image.frombytes("L", (width, height), os.urandom(width * height)).convert("RGB")
    image = Image.blend(image, grain, 0.08)
    exif = Image.Exif()
    exif[0x010E] = "benchmark photo"  # ImageDescription
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, exif=exif.tobytes())
    return out.getvalue()


def _multipart(fields: dict, files: list[tuple[str, str, str, bytes]]) -> tuple[bytes, str]:
    boundary = "----mostwantedbench" + os.urandom(8).hex()
    parts = []
    for name, value in fields.items():
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            ).encode()
        )
    for name, filename, ctype, data in files:
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {ctype}\r\n\r\n'
            ).encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def upload(ctx: Context) -> dict:
    try:
        from django.urls import reverse

        from tips.sanitize import sanitize_image

        path = reverse("tips:submit")
    except Exception as exc:
        raise Unavailable(f"tip form or sanitiser missing ({type(exc).__name__})") from exc
    from django.conf import settings

    # 1. Sanitising a 12-megapixel JPEG, in-process (the same function the view calls).
    photo = _photo_jpeg(4000, 3000)
    max_pixels = int(settings.TIP_MAX_IMAGE_PIXELS)
    timings = []
    for _ in range(2 if ctx.quick else 5):
        t0 = time.perf_counter()
        sanitize_image(io.BytesIO(photo), max_pixels=max_pixels)
        timings.append(time.perf_counter() - t0)
    sanitise_s = statistics.median(timings)

    # 2. A 25 MB photo tip, to a one-worker gunicorn whose memory we watch.
    limit = int(settings.TIP_MAX_FILE_BYTES)
    # Noise does not compress: about 4 bytes per pixel at quality 100, so ~6 MP is ~25 MB.
    width, height = 2900, 2175
    big = _noise_jpeg(width, height, 100)
    while len(big) > limit - 100_000:
        width, height = int(width * 0.98), int(height * 0.98)
        big = _noise_jpeg(width, height, 100)
    proc = ctx.start(
        services.gunicorn(ctx.env, ctx.ports["upload"], 1, ctx.logs / "gunicorn-upload.log")
    )
    try:
        workers = services.gunicorn_worker_pids(proc.pid)
        if not workers:
            raise RuntimeError("no gunicorn worker process found")
        worker = workers[0]
        session = _Session(ctx.ports["upload"])
        _one_tip(session, path, {})  # warm the worker (imports, templates, connections)
        status, body = session.request("GET", path)
        fields = _form_fields(body.decode("utf-8", "replace"))
        try:
            Path(f"/proc/{worker}/clear_refs").write_text("5")  # reset the peak (VmHWM)
            reset = True
        except OSError:
            reset = False
        before = _memory_kib(worker)
        form = {
            "what": _TIP_TEXT,
            "place": "Brussels",
            "how_known": "my own photo",
            "contact": "",
            **fields,
        }
        payload, ctype = _multipart(form, [("photos", "IMG_0001.JPG", "image/jpeg", big)])
        t0 = time.monotonic()
        status, resp = session.request("POST", path, body=payload, headers={"Content-Type": ctype})
        elapsed = time.monotonic() - t0
        after = _memory_kib(worker)
    finally:
        ctx.stop(proc)
    if status != 200:
        raise RuntimeError(f"the photo tip was refused (HTTP {status})")
    growth_mb = (after["VmHWM"] - before["VmRSS"]) / 1024
    return record(
        "upload",
        round(growth_mb, 1),
        "MB peak growth",
        target=TARGETS["upload"],
        met=growth_mb <= 80 and sanitise_s < 0.5,
        upload_mb=round(len(big) / 1e6, 1),
        upload_s=round(elapsed, 2),
        sanitise_12mp_s=round(sanitise_s, 3),
        baseline_rss_mb=round(before["VmRSS"] / 1024, 1),
        peak_reset=reset,
    )
