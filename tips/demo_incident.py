"""The demo's incident tips, sent by ``tips.demo.load`` after the other tips.

Three citizens answer the demo incident appeal (``appeals.demo.data.KIND_APPEALS``): one
sends a short video, one a photo, both sharing when and where they took them; a third sends
a photo without sharing it. Each file goes through the real cleaning (sandboxed re-mux of the
video, re-encoded photo) and the real sealing, as the incident form does. The video and the
photos are drawn in code (a crossroads and a car; no person), the same bytes on every run.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageDraw

from appeals.choices import Kind
from appeals.models import AppealPage

from . import incident, selectors, services

#: The demo video: 2 s of 320×240 at 12 frames/s, H.264 in MP4 (about 17 kB, made in 0.2 s).
VIDEO_SIZE = (320, 240)
VIDEO_FPS = 12
VIDEO_SECONDS = 2


@dataclass(frozen=True)
class DemoIncidentTip:
    language: str
    what: str
    place: str
    #: "video" or "photo"
    media: str
    #: Capture time written in the file's tags (ISO 8601 for the video, EXIF for a photo).
    captured: str
    #: The citizen ticked "keep when and where".
    keep_when_where: bool


INCIDENT_TIPS = (
    DemoIncidentTip(
        "nl",
        "Ik stond aan de overkant en heb gefilmd hoe de auto wegreed na de vechtpartij.",
        "Gent, Leopoldkruispunt",
        "video",
        "2026-11-28T21:14:05.000000Z",
        True,
    ),
    DemoIncidentTip(
        "fr",
        "Photo prise depuis ma fenêtre juste avant que la bagarre commence.",
        "Gand, au-dessus de la boulangerie",
        "photo",
        "2026:11:28 21:09:30",
        True,
    ),
    DemoIncidentTip(
        "en",
        "I took this photo a bit later, when the police had arrived.",
        "Ghent",
        "photo",
        "2026:11:28 21:40:00",
        False,
    ),
)


def _scene(size, t: float, caption: str) -> Image.Image:
    """A drawn crossroads at night with a car crossing it (``t`` from 0 to 1)."""
    w, h = size
    image = Image.new("RGB", size, (25, 30, 55))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, h * 0.55, w, h * 0.8), fill=(70, 70, 75))  # road
    draw.rectangle((w * 0.4, h * 0.35, w * 0.6, h), fill=(70, 70, 75))  # cross street
    for x in range(0, w, w // 5):  # facades with lit windows
        draw.rectangle((x + 4, h * 0.15, x + w // 5 - 4, h * 0.5), fill=(90, 70, 60))
        draw.rectangle((x + 12, h * 0.22, x + 24, h * 0.3), fill=(230, 210, 120))
    car_x = int(-w * 0.3 + t * w * 1.4)
    draw.rounded_rectangle(
        (car_x, h * 0.6, car_x + w * 0.28, h * 0.72), radius=6, fill=(170, 30, 30)
    )
    draw.rectangle((0, 0, w, 18), fill=(0, 0, 0))
    draw.text((6, 3), f"DEMO - {caption}", fill=(255, 255, 255))
    return image


def make_video(captured: str) -> bytes:
    """A small MP4 (H.264, no audio) with a phone-like creation time and position."""
    import av  # PyAV (FFmpeg) only for the demo video

    buf = io.BytesIO()
    out = av.open(buf, "w", format="mp4", options={"movflags": "use_metadata_tags"})
    out.metadata.update(
        {
            "creation_time": captured,
            "location": "+51.0543+003.7174/",
            "com.apple.quicktime.location.ISO6709": "+51.0543+003.7174+010.000/",
        }
    )
    stream = out.add_stream("libx264", rate=VIDEO_FPS)
    stream.width, stream.height = VIDEO_SIZE
    stream.pix_fmt = "yuv420p"
    # One thread and fixed options: the same bytes on every run.
    stream.options = {"preset": "ultrafast", "g": str(VIDEO_FPS), "threads": "1"}
    stream.codec_context.thread_count = 1
    frames = VIDEO_FPS * VIDEO_SECONDS
    for i in range(frames):
        frame = av.VideoFrame.from_image(_scene(VIDEO_SIZE, i / frames, "CAM video"))
        frame.pts = i
        for packet in stream.encode(frame):
            out.mux(packet)
    for packet in stream.encode(None):
        out.mux(packet)
    out.close()
    return buf.getvalue()


def make_photo(captured: str, *, seed: int) -> bytes:
    """A drawn JPEG with an EXIF capture time and a GPS position."""
    image = _scene((640, 480), 0.2 + 0.3 * seed, "CAM photo")
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = captured  # DateTimeOriginal
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (51.0, 3.0, 15.5), 3: "E", 4: (3.0, 43.0, 2.6)})
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80, exif=exif)
    return out.getvalue()


class _Bytes(io.BytesIO):
    """In-memory plaintext with the ``size`` the sandboxes ask of a reader."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.size = len(data)


def _incoming(demo: DemoIncidentTip, n: int) -> incident.Incoming:
    if demo.media == "video":
        data, ext = make_video(demo.captured), "mp4"
    else:
        data, ext = make_photo(demo.captured, seed=n), "jpg"
    return incident.Incoming(demo.media, ext, lambda: _Bytes(data), lambda: _Bytes(data))


def incident_appeal(language: str):
    pages = AppealPage.objects.live().filter(kind=Kind.INCIDENT, locale__language_code=language)
    return next((p for p in pages.order_by("path") if p.intake_open), None)


def submit_incident_tips() -> list[services.SubmittedTip]:
    """Clean, seal and store :data:`INCIDENT_TIPS` (none if the demo has no open incident)."""
    sent = []
    for n, demo in enumerate(INCIDENT_TIPS):
        appeal = incident_appeal(demo.language)
        if appeal is None:
            continue
        batch = incident.clean_all([_incoming(demo, n)], keep_when_where=demo.keep_when_where)
        if batch.errors:  # a demo file the sandbox refuses is a bug: say so loudly
            raise RuntimeError(f"demo incident file refused: {batch.errors}")
        desk_key = selectors.desk_key_for_appeal(appeal)
        # tip_submit deletes the staged files itself if it fails.
        submitted = services.tip_submit(
            desk_key=desk_key,
            appeal=appeal,
            fields={
                "what": demo.what,
                "when_date": "",
                "when_time": "",
                "place": demo.place,
                "how_known": "",
            },
            attachments=batch.staged,
            language=demo.language,
        )
        sent.append(submitted)
    return sent
