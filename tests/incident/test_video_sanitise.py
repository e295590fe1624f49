"""Video cleaning in the sandbox, checked with independent tools (ffprobe, exiftool from
Debian's packages): no GPS, make, model, creation time, encoder or canary left; hostile
files refused with a code, never an exception."""

import io
import json
import shutil
import subprocess

import pytest

from tips import crypto
from tips.video_sandbox import VideoRejected, remux_in_sandbox

from .videos import CANARY, make_video

pytestmark = pytest.mark.skipif(
    not (shutil.which("ffprobe") and shutil.which("exiftool")),
    reason="ffprobe and exiftool (apt: ffmpeg, libimage-exiftool-perl) are needed",
)


class Source(io.BytesIO):
    @property
    def size(self):
        return len(self.getbuffer())


def clean(data: bytes, ext="mp4", keep=False, **limits):
    from tips.video_sandbox import video_limits

    result = remux_in_sandbox(
        Source(data), extension=ext, keep_when_where=keep, limits={**video_limits(), **limits}
    )
    plain = crypto.DecryptingReader(result.spool, result.key).read()
    result.spool.close()
    return result, plain


def ffprobe(path):
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-show_chapters",
         "-of", "json", str(path)],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    return json.loads(out)


def exiftool(path):
    out = subprocess.run(["exiftool", "-j", "-a", "-G1", "-ee", str(path)], capture_output=True)
    return json.loads(out.stdout)[0]


@pytest.mark.parametrize(("fmt", "ext", "codec"), [("mp4", "mp4", "libx264"),
                                                    ("mov", "mov", "libx264"),
                                                    ("webm", "webm", "libvpx-vp9")])  # fmt: skip
def test_clean_video_has_no_metadata(tmp_path, fmt, ext, codec):
    original = make_video(fmt=fmt, codec=codec)
    assert CANARY.encode() in original
    result, plain = clean(original, ext)
    assert CANARY.encode() not in plain
    path = tmp_path / f"clean.{result.extension}"
    path.write_bytes(plain)
    probe = ffprobe(path)
    assert {s["codec_type"] for s in probe["streams"]} == {"video", "audio"}
    assert probe["chapters"] == []
    allowed = {"major_brand", "minor_version", "compatible_brands", "encoder"}
    assert not probe["format"].get("tags", {}).keys() - allowed
    # Matroska always names its writing application; bitexact makes it the bare "Lavf",
    # the same for every file (no version, nothing of the phone's encoder).
    assert probe["format"].get("tags", {}).get("encoder", "Lavf") == "Lavf"
    for stream in probe["streams"]:
        assert set(stream.get("tags", {})) <= {"language", "handler_name", "vendor_id", "DURATION"}
        assert CANARY not in json.dumps(stream)
    tags = exiftool(path)
    text = json.dumps(tags)
    for needle in ("GPS", "Make", "Model", "Serial", CANARY, "Lavf6", "50.84", "iPhone"):
        assert needle not in text, needle
    for key, value in tags.items():
        if "Date" in key and "File" not in key:
            assert str(value).startswith("0000:00:00"), (key, value)
    # Re-muxed, not re-encoded: the codec is the original's.
    assert result.info["codec"] == ("vp9" if codec == "libvpx-vp9" else "h264")
    assert result.info["width"] == 320 and result.info["height"] == 240
    assert 1.5 < result.info["duration"] < 2.5
    assert "when_where" not in result.info
    assert result.poster.startswith(b"\xff\xd8")


def test_keep_when_where_extracts_time_and_place():
    result, plain = clean(make_video(), keep=True)
    assert result.info["when_where"] == {
        "captured_at": "2026-11-30T14:22:00.000000Z",
        "latitude": 50.8467,
        "longitude": 4.3525,
    }
    assert b"50.8467" not in plain and b"+50.8" not in plain


@pytest.mark.parametrize(
    ("make", "ext", "code"),
    [
        (lambda: make_video()[: len(make_video()) // 3], "mp4", None),  # truncated
        (lambda: make_video(fmt="webm", codec="libvpx-vp9"), "mp4", "wrong_container"),
        (lambda: make_video(), "mkv", "wrong_container"),
        (lambda: b"\x00" * 5000, "mp4", "not_video"),
        (lambda: b"", "mp4", "not_video"),
        (lambda: make_video(size=(640, 480)), "mp4", "too_many_pixels"),
        (lambda: make_video(seconds=3), "mp4", "too_long"),
        (lambda: make_video(codec="ffv1", fmt="matroska"), "mkv", "unsupported_codec"),
    ],
)
def test_hostile_videos_refused(make, ext, code):
    limits = {}
    if code == "too_many_pixels":
        limits["max_edge"] = 320
    if code == "too_long":
        limits["max_seconds"] = 1
    data = make()
    with pytest.raises(VideoRejected) as refused:
        clean(data, ext, **limits)
    if code:
        assert refused.value.code == code
    else:
        assert refused.value.code in ("corrupt", "not_video")


def test_wall_clock_limit_kills_child():
    with pytest.raises(VideoRejected) as refused:
        clean(make_video(), "mp4", wall_seconds=0.01)
    assert refused.value.code == "too_complex"
