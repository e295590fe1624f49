"""When and where a photo was taken, from its EXIF, read in a sandbox child.

Only asked when the citizen ticked "keep when and where" (``tips.incident``). The photo
itself is cleaned by ``tips.sandbox`` as always; this child only parses the EXIF block
(capture time, GPS position) with the same limits and plumbing as ``tips.video_sandbox``
(no file, no key, bytes asked from the parent) and answers ``{}`` when there is nothing.
"""

from __future__ import annotations

import json
import sys
import tempfile
import threading

from PIL import Image

from . import (
    crypto,
    sanitize,  # noqa: F401 - registers the HEIF opener
)
from .sandbox import Limits, _limit_self, spawn
from .video_sandbox import _RemoteInput, _send, _serve, video_limits


def _photo_when_where(args) -> dict:
    """Capture time and GPS position from a photo's EXIF (asked only when the citizen
    agreed); the photo itself is cleaned by ``tips.sandbox``."""
    with Image.open(_RemoteInput(args["size"]), formats=["JPEG", "PNG", "WEBP", "HEIF"]) as im:
        exif = im.getexif()
        result = {}
        when = exif.get_ifd(0x8769).get(0x9003) or exif.get(0x0132)
        if when:
            result["captured_at"] = str(when)[:40]
        gps = exif.get_ifd(0x8825)

        def degrees(value, ref):
            d, m, s = (float(x) for x in value)
            return round((d + m / 60 + s / 3600) * (-1 if ref in ("S", "W") else 1), 6)

        if 2 in gps and 4 in gps:
            lat, lon = degrees(gps[2], gps.get(1)), degrees(gps[4], gps.get(3))
            if -90 <= lat <= 90 and -180 <= lon <= 180:
                result["latitude"], result["longitude"] = lat, lon
        return result


def photo_when_where(source) -> dict:
    """The parent's side of ``_photo_when_where``: {} when the photo has none or the child
    fails (the photo is then still judged by the photo sandbox)."""
    limits = {**video_limits(), "cpu_seconds": 10, "wall_seconds": 20}
    args = {**limits, "size": source.size}
    try:
        proc = spawn([sys.executable, "-I", "-m", "tips.photo_meta", json.dumps(args)])
    except OSError:
        return {}
    watchdog = threading.Timer(limits["wall_seconds"], proc.kill)
    watchdog.daemon = True
    watchdog.start()
    try:
        with tempfile.TemporaryFile() as unused:  # no output expected
            verdict, _poster = _serve(proc, source, unused, crypto.AttachmentEncryptor(
                crypto.new_attachment_key()))  # fmt: skip
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    if isinstance(verdict, dict) and verdict.get("ok"):
        return dict(verdict.get("info", {}).get("when_where") or {})
    return {}


def main(argv: list[str]) -> int:
    args = json.loads(argv[0])
    _limit_self(Limits(cpu_seconds=args["cpu_seconds"], memory_bytes=args["memory_bytes"]))
    try:
        found = _photo_when_where(args)
    except Exception:  # noqa: BLE001 - any parser failure: nothing to keep
        found = {}
    _send(b"D", json.dumps({"ok": True, "info": {"when_where": found}}).encode())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
