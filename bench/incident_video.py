"""Scenario "video-remux": a large generated H.264 MP4 (intra-only noise frames,
fast to make at any size) re-muxed in the video sandbox (``tips.video_sandbox``), in a fresh
process so its peak and its child's peak are its own: seconds and peak RSS of both.
Size: ``BENCH_INCIDENT_VIDEO_MB`` (full 500, quick 20).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from .incident import _size_mb
from .runner import record

# --------------------------------------------------------------------------- video-remux


def make_large_video(path: Path, size_bytes: int) -> dict:
    """An MP4 of about ``size_bytes``: 1280×720 noise, every frame a key frame (H.264)."""
    import av

    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=25)
        stream.width, stream.height = 1280, 720
        stream.pix_fmt = "yuv420p"
        stream.options = {"preset": "ultrafast", "g": "1", "qp": "4"}
        from PIL import Image

        frames = [Image.frombytes("RGB", (1280, 720), os.urandom(1280 * 720 * 3)) for _ in range(4)]
        i = written = 0
        while written < size_bytes:
            frame = av.VideoFrame.from_image(frames[i % 4])
            frame.pts = i
            for packet in stream.encode(frame):
                written += packet.size
                out.mux(packet)
            i += 1
        for packet in stream.encode(None):
            out.mux(packet)
    return {"frames": i, "bytes": path.stat().st_size}


def _child_remux(path: str) -> None:
    """In a fresh process: remux ``path`` in the sandbox; print seconds and peaks as JSON."""
    import resource

    import django

    django.setup()
    from tips.video_sandbox import remux_in_sandbox

    class Reader:
        def __init__(self, p):
            self.fh = open(p, "rb")  # noqa: SIM115
            self.size = os.path.getsize(p)

        def read(self, n=-1):
            return self.fh.read(n)

        def seek(self, offset, whence=0):
            return self.fh.seek(offset, whence)

        def tell(self):
            return self.fh.tell()

        def close(self):
            self.fh.close()

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    reader = Reader(path)
    t0 = time.monotonic()
    clean = remux_in_sandbox(reader, extension="mp4", keep_when_where=False)
    elapsed = time.monotonic() - t0
    reader.close()
    clean.spool.close()
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "parent_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "parent_before_mb": before / 1024,
                "sandbox_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                "clean_bytes": clean.size,
                "duration": clean.info.get("duration"),
            }
        )
    )


def video_remux(ctx) -> dict:
    size = _size_mb(ctx, "BENCH_INCIDENT_VIDEO_MB", 500, 20) * 2**20
    path = ctx.dir / "large-video.mp4"
    t0 = time.monotonic()
    made = make_large_video(path, size)
    generate_s = time.monotonic() - t0
    try:
        out = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "bench.incident_video", "remux", str(path)],
            env=ctx.env,
            capture_output=True,
            text=True,
            check=True,
            timeout=1800,
        )
    finally:
        path.unlink(missing_ok=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    mb = made["bytes"] / 2**20
    return record(
        "video-remux",
        round(result["seconds"], 2),
        "s",
        target="reported",
        video_mb=round(mb, 1),
        frames=made["frames"],
        mb_s=round(mb / result["seconds"], 1),
        sandbox_peak_mb=round(result["sandbox_peak_mb"], 1),
        parent_peak_growth_mb=round(result["parent_peak_mb"] - result["parent_before_mb"], 1),
        clean_mb=round(result["clean_bytes"] / 2**20, 1),
        generate_s=round(generate_s, 1),
    )


if __name__ == "__main__" and sys.argv[1:2] == ["remux"]:
    _child_remux(sys.argv[2])
