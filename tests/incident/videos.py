"""Test videos made in code with PyAV: phone-like tags (GPS, time, device, a canary)."""

from __future__ import annotations

import io
import math
import struct
from fractions import Fraction

import av
from PIL import Image, ImageDraw

CANARY = "CANARY-7f3e9a-SECRET-PLACE"


def make_video(
    *,
    fmt: str = "mp4",
    seconds: float = 2.0,
    size=(320, 240),
    codec: str = "libx264",
    tags: bool = True,
    data_track: bool = False,
    fps: int = 25,
) -> bytes:
    """A short video with an audio track; with ``tags``, a QuickTime location, a creation
    time, make/model and a canary in the title and comment; with ``data_track`` a data
    stream standing in for a GPS telemetry track (GoPro GPMF, DJI)."""
    buf = io.BytesIO()
    options = {"movflags": "use_metadata_tags"} if fmt in ("mp4", "mov") else {}
    out = av.open(buf, "w", format=fmt, options=options)
    if tags:
        out.metadata.update(
            {
                "title": f"{CANARY} title",
                "comment": f"{CANARY} comment",
                "creation_time": "2026-11-30T14:22:00.000000Z",
                "location": "+50.8467+004.3525/",
                "com.apple.quicktime.location.ISO6709": "+50.8467+004.3525+015.000/",
                "com.apple.quicktime.make": "Apple",
                "com.apple.quicktime.model": f"iPhone {CANARY}",
                "make": "Apple",
                "model": "iPhone 15",
                "encoder": f"{CANARY}-encoder",
            }
        )
    video = out.add_stream(codec, rate=fps)
    video.width, video.height = size
    video.pix_fmt = "yuv420p"
    if codec == "libx264":
        video.options = {"g": str(fps), "preset": "ultrafast"}
    if tags:
        video.metadata["handler_name"] = f"{CANARY} handler"
    audio_codec = "libopus" if fmt in ("webm", "matroska") else "aac"
    audio = out.add_stream(audio_codec, rate=48000)
    data = out.add_data_stream("bin_data") if data_track else None
    frames = int(seconds * fps)
    for i in range(frames):
        image = Image.new("RGB", size, ((i * 7) % 255, 40, 90))
        ImageDraw.Draw(image).rectangle(
            (0, 0, (i * 5) % size[0] + 1, size[1] // 2), fill=(0, 200, 0)
        )
        frame = av.VideoFrame.from_image(image)
        frame.pts = i
        for packet in video.encode(frame):
            out.mux(packet)
    samples = int(seconds * 48000)
    step = 960
    for start in range(0, samples - step + 1, step):
        pcm = b"".join(
            struct.pack("<f", 0.2 * math.sin(2 * math.pi * 440 * (start + k) / 48000))
            for k in range(step)
        )
        aframe = av.AudioFrame(format="flt", layout="mono", samples=step)
        aframe.planes[0].update(pcm)
        aframe.sample_rate = 48000
        aframe.pts = start
        for packet in audio.encode(aframe):
            out.mux(packet)
    for packet in audio.encode(None):
        out.mux(packet)
    for packet in video.encode(None):
        out.mux(packet)
    if data is not None:
        for i in range(int(seconds)):
            packet = av.Packet(f"GPS {CANARY} +50.8467+004.3525 t={i}".encode())
            packet.stream = data
            packet.pts = packet.dts = i * 1000
            packet.time_base = Fraction(1, 1000)
            out.mux(packet)
    out.close()
    return buf.getvalue()
