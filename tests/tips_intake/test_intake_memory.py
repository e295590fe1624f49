"""Memory ceiling of the photo path: receive (encrypting handler), sanitise, stage.

Runs in a fresh subprocess so the figures are that path's own: a 25 MB photo (random
noise at maximum JPEG quality, ~6.3 MP: the size limit's worst case for bytes per pixel)
is received chunk by chunk through ``EncryptingUploadHandler``, then sanitised through
``sanitize_upload`` and staged into encrypted storage exactly as the tip form does.

These are memory bounds with a generous margin, not timings:

* Python allocations (tracemalloc peak) during sanitise + stage stay far below the
  upload's size: the upload is decrypted 64 KiB at a time as the decoder reads, never
  copied whole (before: 52 MB, two copies of the upload).
* The process's peak resident memory (VmHWM, Linux) grows by at most 60 MB during
  sanitise + stage: one decoded copy of the pixels (Pillow holds RGB at 4 bytes per pixel:
  ~25 MB) plus the re-encoded output (before: 76-85 MB). The performance target for the
  whole request in the worker is 80 MB (``make bench``, scenario ``upload``).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parents[2]
TRACEMALLOC_CEILING = 16 * 1024 * 1024
RSS_GROWTH_CEILING = 60 * 1024 * 1024

CHILD = textwrap.dedent(
    """
    import io, json, os, sys, tempfile, tracemalloc

    import django
    django.setup()
    from django.conf import settings
    from django.test.utils import override_settings

    from tips.attachments import stage_attachment
    from tips.uploads import EncryptingUploadHandler, sanitize_upload

    def status():
        values = {}
        with open("/proc/self/status") as fh:
            for line in fh:
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    values[key] = int(rest.split()[0]) * 1024
        return values

    def reset_peak():
        try:
            with open("/proc/self/clear_refs", "w") as fh:
                fh.write("5")
            return True
        except OSError:
            return False

    path, storage_dir = sys.argv[1], sys.argv[2]
    storages = {"tips": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                         "OPTIONS": {"location": storage_dir}}}
    with override_settings(STORAGES={**settings.STORAGES, **storages}):
        # Warm up codecs and imports on a small image, outside the measured window.
        from PIL import Image
        warm = io.BytesIO()
        Image.new("RGB", (64, 64)).save(warm, "JPEG")

        handler = EncryptingUploadHandler(None)
        handler.new_file("photos", "IMG_0001.JPG", "image/jpeg", None)
        received = 0
        with open(path, "rb") as fh:
            while chunk := fh.read(64 * 1024):
                handler.receive_data_chunk(chunk, received)
                received += len(chunk)
        uploaded = handler.file_complete(received)

        can_reset = reset_peak()
        before = status()
        tracemalloc.start()
        image = sanitize_upload(uploaded)
        staged = stage_attachment(io.BytesIO(image.data), name="photo.jpg",
                                  content_type=image.content_type)
        del image
        traced_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        after = status()
    print(json.dumps({
        "received": received,
        "traced_peak": traced_peak,
        "rss_growth": (after["VmHWM"] - before["VmRSS"]) if can_reset else None,
        "stored_plaintext": staged.plaintext_size,
    }))
    """
)


def _noise_jpeg(width: int, height: int) -> bytes:
    noise = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    out = io.BytesIO()
    noise.save(out, "JPEG", quality=100, subsampling=0)
    return out.getvalue()


def test_sanitise_and_stage_a_25mb_photo_within_the_memory_ceiling(tmp_path, settings):
    data = _noise_jpeg(2900, 2175)
    assert 20_000_000 < len(data) <= settings.TIP_MAX_FILE_BYTES
    photo = tmp_path / "big.jpg"
    photo.write_bytes(data)
    del data
    storage_dir = tmp_path / "storage"
    storage_dir.mkdir()

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mostwanted.settings.test",
        "PYTHONPATH": str(REPO),
    }
    proc = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", CHILD, str(photo), str(storage_dir)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    figures = json.loads(proc.stdout.strip().splitlines()[-1])

    assert figures["received"] == photo.stat().st_size
    assert figures["stored_plaintext"] > 0
    assert figures["traced_peak"] < TRACEMALLOC_CEILING, figures
    assert figures["traced_peak"] < figures["received"] / 2, figures  # never copied whole
    if figures["rss_growth"] is not None:  # Linux with a resettable peak
        assert figures["rss_growth"] < RSS_GROWTH_CEILING, figures
    # Only ciphertext reached the storage.
    stored = [p for p in storage_dir.rglob("*") if p.is_file()]
    assert len(stored) == 1
    assert stored[0].read_bytes()[:4] == b"MWA\x01"
