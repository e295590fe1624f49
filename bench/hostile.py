"""Scenario "sandbox": the hostile image corpus (tests/security) through the image sandbox,
one short-lived child per file, with the limits the settings allow. Figures only: the
worst-case CPU seconds and peak memory of any child, and which file it was."""

from __future__ import annotations

import time

from .runner import record

TARGET = "< 2 s CPU and < 256 MB per file"


def _corpus(quick: bool) -> list[tuple[str, bytes]]:
    from tests.security import corpus, hostile_images

    files = [
        (
            "progressive-200-scans.jpg",
            hostile_images.progressive_jpeg_with_scans((1600, 1200), 200),
        ),
        ("flat-49-megapixel.png", hostile_images.png_flat(7000, 7000)),
    ]
    everything = corpus.build_corpus(flips=1 if quick else 4)
    return files + (everything[:40] if quick else everything)


def sandbox(ctx) -> dict:
    from tips import sandbox as image_sandbox

    limits = image_sandbox.Limits.from_settings()
    worst_cpu = (0.0, "")
    worst_mem = (0, "")
    refused = 0
    unmeasured = 0
    started = time.monotonic()
    files = _corpus(ctx.quick)
    for name, data in files:
        outcome = image_sandbox.run(data, limits=limits)
        refused += outcome.image is None
        if outcome.cpu_seconds is None:
            unmeasured += 1  # killed before it could report: the limit held
            continue
        worst_cpu = max(worst_cpu, (outcome.cpu_seconds, name))
        worst_mem = max(worst_mem, (outcome.peak_bytes or 0, name))
    peak_mb = worst_mem[0] / 2**20
    return record(
        "sandbox",
        round(worst_cpu[0], 3),
        "s CPU (worst file)",
        target=TARGET,
        met=worst_cpu[0] < 2 and peak_mb < 256,
        worst_cpu_file=worst_cpu[1],
        peak_mb=round(peak_mb, 1),
        peak_file=worst_mem[1],
        files=len(files),
        refused=refused,
        killed_unmeasured=unmeasured,
        wall_s=round(time.monotonic() - started, 1),
        limits={"cpu_s": limits.cpu_seconds, "memory_mb": limits.memory_bytes // 2**20},
    )
