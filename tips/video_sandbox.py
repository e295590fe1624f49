"""Re-mux an untrusted video without any metadata, in a separate, limited process.

Like ``tips.sandbox`` for photos, FFmpeg's demuxers and decoders (PyAV's wheels carry
them) never run in the web process: ``python -I -m tips.video_sandbox`` is started per file
with a clean environment and, before it reads a byte, limits on CPU, address space, core
dumps, files written and (where the kernel allows) network.

The child cannot reach storage and never sees a key. It asks the parent for bytes of the
original (``R`` offset, length: demuxers seek, a phone's MP4 has its index at the end);
the parent answers from the encrypted upload, decrypting only what is asked. The child
sends back the clean file (``O`` frames, encrypted by the parent as they arrive into an
anonymous spool), a poster frame (``P``: one decoded picture re-encoded as JPEG) and its
verdict (``D``, JSON). Frames are ``type (1 byte) | length (4 bytes, big-endian) | data``.

What survives: the first video stream and the first audio stream, packets copied without
re-encoding, in a fragmented MP4 (H.264, HEVC, AV1, VP9, MPEG-4 video) or WebM (VP8/VP9/AV1
with Opus/Vorbis), written with ``bitexact`` (no encoder tag) and no metadata: no container
or stream tags, no chapters, no data (GoPro GPMF, DJI telemetry), subtitle or attachment
streams, no QuickTime user data (location atoms).
Refused, with a code the form turns into a message: what is not a video, a container that
does not match the extension, unknown codecs, absurd dimensions or durations, and anything
that kills the child (time, memory, crash).
"""

from __future__ import annotations

import json
import logging
import re
import signal
import struct
import sys
import tempfile
import threading
from dataclasses import dataclass, field

from . import crypto
from .sandbox import Limits, _limit_self, spawn

logger = logging.getLogger(__name__)

NOT_VIDEO = "not_video"
WRONG_CONTAINER = "wrong_container"
UNSUPPORTED_CODEC = "unsupported_codec"
TOO_LARGE_DIMENSIONS = "too_many_pixels"
TOO_LONG = "too_long"
CORRUPT = "corrupt"
TOO_COMPLEX = "too_complex"
PROCESSING_FAILED = "processing_failed"
CODES = (NOT_VIDEO, WRONG_CONTAINER, UNSUPPORTED_CODEC, TOO_LARGE_DIMENSIONS, TOO_LONG,
         CORRUPT, TOO_COMPLEX, PROCESSING_FAILED)  # fmt: skip

_FRAME = struct.Struct(">cI")
_REQUEST = struct.Struct(">QI")
_MAX_READ = 1024 * 1024
_MAX_POSTER = 4 * 1024 * 1024
_MP4_VIDEO = {"h264", "hevc", "av1", "vp9", "mpeg4"}
_MP4_AUDIO = {"aac", "mp3", "opus", "alac", "ac3", "eac3", "flac"}
_WEBM_VIDEO = {"vp8", "vp9", "av1"}
_WEBM_AUDIO = {"opus", "vorbis"}
_FAMILY = {"mp4": "mov", "mov": "mov", "3gp": "mov", "webm": "matroska", "mkv": "matroska"}


def video_limits() -> dict:
    from django.conf import settings

    return {
        "cpu_seconds": settings.TIP_VIDEO_SANDBOX_CPU_SECONDS,
        "memory_bytes": settings.TIP_VIDEO_SANDBOX_MEMORY_MB * 2**20,
        "wall_seconds": settings.TIP_VIDEO_SANDBOX_WALL_SECONDS,
        "max_edge": settings.TIP_VIDEO_MAX_EDGE,
        "max_seconds": settings.TIP_VIDEO_MAX_SECONDS,
    }


@dataclass
class CleanVideo:
    """The clean file as ciphertext in an anonymous spool, or in the caller's ``output``
    (``key`` opens it), the poster JPEG (in memory, small) and what the investigator is
    told about the file."""

    spool: object = field(repr=False)
    key: bytes = field(repr=False)
    size: int
    content_type: str
    extension: str
    poster: bytes = field(repr=False)
    info: dict = field(default_factory=dict)


class VideoRejected(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


# --------------------------------------------------------------------------- parent side


def remux_in_sandbox(
    source, *, extension: str, keep_when_where: bool, limits=None, output=None
) -> CleanVideo:
    """Clean ``source`` (a seekable plaintext reader with ``size``) in a sandbox child.
    Raises ``VideoRejected``; never anything else for a bad file.

    The clean file is encrypted as it comes out of the child into ``output`` (anything with
    ``write``: ``tips.media_store.open_writer``, a multipart upload on S3), which the caller
    finishes or aborts; without one, into an anonymous spool (ciphertext only)."""
    limits = limits or video_limits()
    args = {**limits, "size": source.size, "extension": extension, "keep": keep_when_where}
    try:
        proc = spawn([sys.executable, "-I", "-m", "tips.video_sandbox", json.dumps(args)])
    except OSError as exc:
        logger.error("video sandbox: could not start (%s)", type(exc).__name__)
        raise VideoRejected(PROCESSING_FAILED) from None
    timed_out = threading.Event()

    def kill():
        timed_out.set()
        proc.kill()

    watchdog = threading.Timer(limits["wall_seconds"], kill)
    watchdog.daemon = True
    watchdog.start()
    key = crypto.new_attachment_key()
    encryptor = crypto.AttachmentEncryptor(key)
    own = output is None
    spool = tempfile.TemporaryFile() if own else output  # noqa: SIM115 - ciphertext only
    spool.write(encryptor.header())
    poster, verdict = b"", None
    try:
        verdict, poster = _serve(proc, source, spool, encryptor)
    except BaseException:
        if own:
            spool.close()
        raise
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    if not (proc.returncode == 0 and isinstance(verdict, dict) and verdict.get("ok")):
        if own:
            spool.close()
        raise VideoRejected(_refusal(verdict, proc.returncode, timed_out.is_set()))
    spool.write(encryptor.finalize())
    if own:
        spool.flush()
        spool.seek(0)
    return CleanVideo(
        spool=spool,
        key=key,
        size=encryptor.plaintext_size,
        content_type=verdict["content_type"],
        extension=verdict["extension"],
        poster=poster,
        info=verdict["info"],
    )


def _serve(proc, source, spool, encryptor):
    verdict, poster = None, b""
    out, inp = proc.stdout, proc.stdin
    try:
        while True:
            head = out.read(_FRAME.size)
            if len(head) < _FRAME.size:
                break
            kind, length = _FRAME.unpack(head)
            payload = out.read(length)
            if len(payload) < length:
                break
            if kind == b"R":
                offset, size = _REQUEST.unpack(payload)
                source.seek(offset)
                data = source.read(min(size, _MAX_READ))
                inp.write(struct.pack(">I", len(data)) + data)
                inp.flush()
            elif kind == b"O":
                spool.write(encryptor.update(payload))
            elif kind == b"P" and length <= _MAX_POSTER:
                poster = payload
            elif kind == b"D":
                verdict = json.loads(payload)
    except (BrokenPipeError, OSError, ValueError):  # the child died or was killed
        pass
    finally:
        out.close()
    return verdict, poster


def _refusal(verdict, returncode, timed_out) -> str:
    if isinstance(verdict, dict) and verdict.get("code") in CODES:
        return verdict["code"]
    if timed_out or returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        return TOO_COMPLEX
    logger.warning("video sandbox: refused after the child ended with status %s", returncode)
    return CORRUPT


# --------------------------------------------------------------------------- child side


def _send(kind: bytes, data: bytes) -> None:
    out = sys.stdout.buffer
    out.write(_FRAME.pack(kind, len(data)) + data)
    out.flush()


class _RemoteInput:
    """The original, read through the parent (the child opens no file)."""

    def __init__(self, size: int):
        self.size, self.pos = size, 0

    def read(self, n: int = -1) -> bytes:
        n = self.size - self.pos if n is None or n < 0 else min(n, self.size - self.pos)
        if n <= 0:
            return b""
        _send(b"R", _REQUEST.pack(self.pos, min(n, _MAX_READ)))
        (length,) = struct.unpack(">I", sys.stdin.buffer.read(4))
        data = sys.stdin.buffer.read(length)
        self.pos += len(data)
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        if whence == 65536:  # AVSEEK_SIZE
            return self.size
        base = {0: 0, 1: self.pos, 2: self.size}[whence]
        self.pos = max(0, min(self.size, base + offset))
        return self.pos

    def tell(self) -> int:
        return self.pos


class _Output:
    def write(self, data) -> int:
        _send(b"O", bytes(data))
        return len(data)


_ISO6709 = re.compile(r"([+-]\d{1,3}(?:\.\d+)?)([+-]\d{1,3}(?:\.\d+)?)([+-]\d+(?:\.\d+)?)?")


def _when_where(container) -> dict:
    """Capture time and position from the tags (only asked for when the citizen agreed)."""
    tags = {k.lower(): v for k, v in container.metadata.items()}
    for stream in container.streams:
        for k, v in stream.metadata.items():
            tags.setdefault(k.lower(), v)
    result = {}
    when = tags.get("com.apple.quicktime.creationdate") or tags.get("creation_time")
    if when:
        result["captured_at"] = str(when)[:40]
    where = tags.get("com.apple.quicktime.location.iso6709") or tags.get("location")
    match = _ISO6709.match(where or "")
    if match:
        lat, lon = float(match.group(1)), float(match.group(2))
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            result["latitude"], result["longitude"] = round(lat, 6), round(lon, 6)
    return result


def _check(container, args):
    family = _FAMILY.get(args["extension"])
    if family is None or family not in container.format.name.split(","):
        raise VideoRejected(WRONG_CONTAINER)
    videos = [
        s
        for s in container.streams.video
        if not (s.disposition & 1024)  # attached picture (cover art): not the video
    ]
    if not videos:
        raise VideoRejected(NOT_VIDEO)
    video = videos[0]
    audio = container.streams.audio[0] if container.streams.audio else None
    vname = video.codec_context.name
    aname = audio.codec_context.name if audio is not None else None
    if vname in _WEBM_VIDEO and aname in (None, *_WEBM_AUDIO) and family == "matroska":
        fmt = ("webm", "video/webm", "webm")
    elif vname in _MP4_VIDEO and aname in (None, *_MP4_AUDIO):
        fmt = ("mp4", "video/mp4", "mp4")
    else:
        raise VideoRejected(UNSUPPORTED_CODEC)
    width, height = video.codec_context.width, video.codec_context.height
    if not (0 < width <= args["max_edge"] and 0 < height <= args["max_edge"]):
        raise VideoRejected(TOO_LARGE_DIMENSIONS)
    duration = (container.duration or 0) / 1_000_000
    if duration > args["max_seconds"]:
        raise VideoRejected(TOO_LONG)
    return video, audio, fmt


def _remux(container, video, audio, fmt, args) -> float:
    options = {"movflags": "frag_keyframe+empty_moov+default_base_moof"} if fmt[0] == "mp4" else {}
    output = av.open(_Output(), "w", format=fmt[0], options=options,
                     container_options={"fflags": "+bitexact"})  # fmt: skip
    mapping = {video.index: output.add_stream_from_template(video)}
    if audio is not None:
        mapping[audio.index] = output.add_stream_from_template(audio)
    for stream in mapping.values():
        stream.metadata.clear()
    last = 0.0
    for packet in container.demux([s for s in (video, audio) if s is not None]):
        if packet.dts is None:
            continue
        if packet.pts is not None and packet.time_base is not None:
            last = max(last, float(packet.pts * packet.time_base))
            if last > args["max_seconds"]:  # an "endless" stream: timestamps past the limit
                raise VideoRejected(TOO_LONG)
        packet.stream = mapping[packet.stream_index]
        output.mux(packet)
    output.close()
    return last


def _poster(container, video) -> bytes:
    import io

    container.seek(0)
    video.codec_context.thread_count = 1
    for frame in container.decode(video):
        image = frame.to_image()
        image.thumbnail((1280, 1280))
        out = io.BytesIO()
        image.convert("RGB").save(out, format="JPEG", quality=80)
        return out.getvalue()
    return b""


def main(argv: list[str]) -> int:
    global av  # noqa: PLW0603 - imported here: only the child loads FFmpeg
    args = json.loads(argv[0])
    import av
    import av.logging

    av.logging.set_level(None)  # FFmpeg's messages can quote the file's tags: never printed
    _limit_self(Limits(cpu_seconds=args["cpu_seconds"], memory_bytes=args["memory_bytes"]))
    try:
        try:
            container = av.open(_RemoteInput(args["size"]), "r", options={
                "format_whitelist": "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm"})  # fmt: skip
        except av.error.FFmpegError:
            raise VideoRejected(NOT_VIDEO) from None
        video, audio, fmt = _check(container, args)
        info = {
            "codec": video.codec_context.name,
            "audio_codec": audio.codec_context.name if audio is not None else None,
            "width": video.codec_context.width,
            "height": video.codec_context.height,
        }
        if args.get("keep"):
            info["when_where"] = _when_where(container)
        try:
            info["duration"] = round(_remux(container, video, audio, fmt, args), 3)
            poster = _poster(container, video)
        except av.error.FFmpegError:
            raise VideoRejected(CORRUPT) from None
        if info["duration"] <= 0 and not poster:
            raise VideoRejected(CORRUPT)
        _send(b"P", poster)
        _send(b"D", json.dumps({"ok": True, "content_type": fmt[1], "extension": fmt[2],
                                "info": info}).encode())  # fmt: skip
    except VideoRejected as rejected:
        _send(b"D", json.dumps({"ok": False, "code": rejected.code}).encode())
    except MemoryError:
        _send(b"D", json.dumps({"ok": False, "code": TOO_COMPLEX}).encode())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
