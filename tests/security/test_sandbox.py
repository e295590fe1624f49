"""Photos are decoded in a separate, limited process, and pathological files are refused.

The issue's files: a 296 KiB progressive JPEG with 200 scans (14 s in the web worker
before) and a 160 KB, 49-megapixel PNG (1.5 s and 288 MB before). Both are now refused
from the raw bytes and the header, in the sandbox; a child killed for time or memory, or
crashed, is a refusal naming the file, never a 500; the child gets no key or setting.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import signal
import sys
import textwrap

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from tips import antispam, sandbox, sanitize
from tips.models import Tip
from tips.sanitize import ImageRejected, count_jpeg_scans

from .hostile_images import png_flat, progressive_jpeg_with_scans


@pytest.fixture(scope="module")
def many_scans_jpeg():
    data = progressive_jpeg_with_scans((7000, 7000), 200)
    assert 250 * 1024 < len(data) < 350 * 1024  # the issue's 296 KiB file
    return data


@pytest.fixture(scope="module")
def big_flat_png():
    data = png_flat(7000, 7000)
    assert len(data) < 200_000  # the issue's 160 KB, 49-megapixel PNG
    return data


def _photo(size=(640, 480), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, "JPEG", **save)
    return out.getvalue()


def test_scan_counter_counts_real_scans_only():
    assert count_jpeg_scans(_photo(), limit=100) == 1
    assert count_jpeg_scans(_photo(progressive=True), limit=100) == 10
    assert count_jpeg_scans(progressive_jpeg_with_scans((64, 64), 75), limit=100) == 75
    # Stops counting past the limit (cheap on any file).
    assert count_jpeg_scans(progressive_jpeg_with_scans((64, 64), 75), limit=5) == 6


def test_the_issues_200_scan_jpeg_is_refused_before_decoding(many_scans_jpeg):
    outcome = sandbox.run(many_scans_jpeg, limits=sandbox.Limits())
    assert outcome.image is None
    assert outcome.code == sanitize.TOO_COMPLEX
    # Refused from the bytes: the child did next to nothing (start-up included).
    assert outcome.peak_bytes < 64 * 2**20


def test_the_issues_49_megapixel_png_is_refused_before_decoding(big_flat_png):
    outcome = sandbox.run(big_flat_png, limits=sandbox.Limits())
    assert outcome.code == sanitize.TOO_MANY_PIXELS
    assert outcome.peak_bytes < 64 * 2**20


def test_a_large_flat_png_under_the_budget_is_processed_within_limits():
    data = png_flat(4000, 3000)  # 12 MP, ~0.2 bytes/kpx but under the ratio-free size
    outcome = sandbox.run(data, limits=sandbox.Limits())
    assert outcome.code is None
    assert (outcome.image.width, outcome.image.height) == (4000, 3000)
    assert outcome.peak_bytes < 256 * 2**20


def test_progressive_photo_with_normal_scan_count_still_accepted():
    outcome = sandbox.run(_photo((1200, 900), progressive=True), limits=sandbox.Limits())
    assert outcome.code is None
    assert outcome.image.data.startswith(b"\xff\xd8\xff")


def test_cpu_limit_kills_the_child_and_refuses(many_scans_jpeg):
    # Budgets lifted so the decoder really runs; one CPU second is far too little for
    # 200 passes over 49 megapixels.
    limits = sandbox.Limits(
        cpu_seconds=1,
        memory_bytes=2**30,
        max_scans=10_000,
        max_decoded_pixels=10**9,
        wall_seconds=60,
    )
    outcome = sandbox.run(many_scans_jpeg, limits=limits)
    assert outcome.image is None
    assert outcome.code == sanitize.TOO_COMPLEX
    assert outcome.cpu_seconds is None  # killed, never answered


def test_wall_clock_limit_kills_the_child_and_refuses():
    outcome = sandbox.run(_photo(), limits=sandbox.Limits(wall_seconds=0.01))
    assert outcome.image is None
    assert outcome.code == sanitize.TOO_COMPLEX


def test_memory_limit_is_a_refusal_not_a_crash():
    data = png_flat(4000, 3000)  # 48 MB decoded: far above 80 MB of address space
    outcome = sandbox.run(data, limits=sandbox.Limits(memory_bytes=80 * 2**20))
    assert outcome.image is None
    assert outcome.code in (sanitize.TOO_MANY_PIXELS, sanitize.CORRUPT)


def test_sanitize_in_sandbox_raises_image_rejected(many_scans_jpeg):
    with pytest.raises(ImageRejected) as caught:
        sandbox.sanitize_in_sandbox(many_scans_jpeg, limits=sandbox.Limits())
    assert caught.value.code == sanitize.TOO_COMPLEX


def test_child_that_cannot_start_is_a_refusal(monkeypatch):
    def broken(_args):
        raise OSError("fork failed")

    monkeypatch.setattr(sandbox, "spawn", broken)
    with pytest.raises(ImageRejected) as caught:
        sandbox.sanitize_in_sandbox(_photo())
    assert caught.value.code == sanitize.PROCESSING_FAILED


PROBE = textwrap.dedent(
    """
    import json, os, resource, sys
    from tips import sandbox
    sandbox._limit_self(sandbox.Limits(**json.loads(sys.argv[1])))
    print(json.dumps({
        "env": dict(os.environ),
        "fds": sorted(int(fd) for fd in os.listdir("/proc/self/fd")),
        "cwd": os.getcwd(),
        "core": resource.getrlimit(resource.RLIMIT_CORE),
        "cpu": resource.getrlimit(resource.RLIMIT_CPU),
        "as": resource.getrlimit(resource.RLIMIT_AS),
        "fsize": resource.getrlimit(resource.RLIMIT_FSIZE),
        "isolated": sys.flags.isolated,
    }))
    """
)


def test_child_has_no_secret_no_database_no_inherited_descriptor(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "parent-secret-key-must-not-leak")
    monkeypatch.setenv("DATABASE_URL", "postgres://user:password@db/tips")
    monkeypatch.setenv("REDIS_URL", "redis://:password@cache:6379/0")
    leaked = open(tmp_path / "parent-file", "wb")  # noqa: SIM115 - an fd the child must not get
    leaked_fd = leaked.fileno()
    os.set_inheritable(leaked_fd, True)
    try:
        limits = sandbox.Limits()
        proc = sandbox.spawn(
            [sys.executable, "-I", "-c", PROBE, json.dumps(dataclasses.asdict(limits))]
        )
        out, _ = proc.communicate(b"", timeout=30)
    finally:
        leaked.close()
    assert proc.returncode == 0
    seen = json.loads(out)
    assert not {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"} & set(
        seen["env"]
    )
    assert "parent-secret-key" not in json.dumps(seen["env"])
    # stdin, stdout, stderr and the descriptor listdir itself opened: nothing inherited.
    assert leaked_fd > 3
    assert leaked_fd not in seen["fds"]
    assert len(seen["fds"]) <= 4
    assert seen["cwd"] == "/"
    assert seen["isolated"] == 1
    assert seen["core"] == [0, 0]
    assert seen["fsize"] == [0, 0]
    assert seen["cpu"][0] == limits.cpu_seconds
    assert seen["as"] == [limits.memory_bytes, limits.memory_bytes]


def test_child_writes_no_file(tmp_path):
    """RLIMIT_FSIZE 0: even a compromised decoder cannot leave the photo on disk."""
    script = textwrap.dedent(
        """
        import json, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        from tips import sandbox
        sandbox._limit_self(sandbox.Limits())
        try:
            with open(sys.argv[1], "wb") as fh:
                fh.write(b"plaintext photo")
            print("written")
        except OSError:
            print("refused")
        """
    )
    target = tmp_path / "leak.jpg"
    proc = sandbox.spawn([sys.executable, "-I", "-c", script, str(target)])
    out, _ = proc.communicate(b"", timeout=30)
    assert out.strip() == b"refused"
    assert not target.exists() or target.stat().st_size == 0


def test_sigxcpu_and_sigkill_mean_too_complex():
    for status in (-signal.SIGXCPU, -signal.SIGKILL):
        assert sandbox._verdict(b"", status, timed_out=False).code == sanitize.TOO_COMPLEX
    assert sandbox._verdict(b"", -signal.SIGSEGV, timed_out=False).code == sanitize.CORRUPT


@pytest.fixture
def tipline(db, settings):
    from appeals.models import Desk
    from tips import keys, ratelimit

    settings.TIP_FORM_MIN_SECONDS = 0
    settings.TIP_RATE_PER_SOURCE = "1000/h"
    settings.TIP_RATE_GLOBAL = "1000/m"
    ratelimit.reset_state()
    desk = Desk.objects.create(name="Fugitive search")
    keys.create_recovery_key()
    keys.create_desk_key(desk)
    return desk


def test_tip_form_refuses_the_hostile_files_with_the_text_kept(
    tipline, many_scans_jpeg, big_flat_png
):
    text = "I saw him at the station, platform 3."
    response = Client().post(
        "/en/tip/",
        {
            "what": text,
            "how_known": "I saw him myself.",
            "website": "",
            antispam.TOKEN_FIELD: antispam.issue_token(),
            "photos": [
                SimpleUploadedFile("scans.jpg", many_scans_jpeg, content_type="image/jpeg"),
                SimpleUploadedFile("bomb.png", big_flat_png, content_type="image/png"),
            ],
        },
    )
    body = response.content.decode()
    assert response.status_code == 400, body[:2000]
    assert text in body
    assert "“scans.jpg” is too complex to be processed safely" in body
    assert "“bomb.png” has too many pixels" in body
    assert not Tip.objects.exists()
