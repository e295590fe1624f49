"""Make a citizen's photo safe to keep: decode it, then re-encode the pixels and nothing else.

Pure module (no database, no files): ``sanitize_image`` reads a binary stream and returns new
image bytes. What survives is the pixels, turned the right way up and converted to sRGB;
what does not survive is everything else a camera or phone writes: EXIF (GPS position,
camera serial number, date, owner name), XMP, IPTC, maker notes, embedded thumbnails,
ICC profiles, PNG text chunks, and anything appended to the file (a polyglot's ZIP).

Accepted inputs are JPEG, PNG, WebP and HEIC/HEIF, recognised from their first bytes (never
from a file name or a browser-declared type). Decoding is restricted to those Pillow
plugins, and the pixel count is checked against ``max_pixels`` from the header, before any
pixel is decoded, so a decompression bomb is refused in microseconds.

Output: JPEG for photos, PNG for images with transparency.
"""

from __future__ import annotations

import io
import logging
import warnings
from dataclasses import dataclass
from typing import BinaryIO

from PIL import Image, ImageCms, ImageOps

# Pillow's plugins log EXIF tags *with their values* (GPS, owner, description) and PNG chunk
# details at DEBUG level. A tipster's photo metadata must never reach a log, whatever
# LOG_LEVEL an operator chooses, so Pillow is capped at WARNING here.
logging.getLogger("PIL").setLevel(logging.WARNING)

try:  # HEIC/HEIF (iPhone photos): optional at import time, required in production.
    from pillow_heif import register_heif_opener

    register_heif_opener()
    _HEIF_AVAILABLE = True
except ImportError:  # pragma: no cover - pillow-heif is a declared dependency
    _HEIF_AVAILABLE = False

#: How many bytes are read to recognise the type.
_SNIFF_BYTES = 32
#: ISO-BMFF brands that mean HEIC/HEIF still images.
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
JPEG_QUALITY = 90

# Rejection codes. Messages (translated, naming the file) live with the form.
UNSUPPORTED_TYPE = "unsupported_type"
TOO_MANY_PIXELS = "too_many_pixels"
CORRUPT = "corrupt"
EMPTY = "empty"
CODES = (UNSUPPORTED_TYPE, TOO_MANY_PIXELS, CORRUPT, EMPTY)


class ImageRejected(Exception):
    """The file is not an image we accept. ``code`` is one of ``CODES``."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class SanitizedImage:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int


def sniff_format(head: bytes) -> str | None:
    """The Pillow format name for ``head`` (the file's first bytes), or None if not accepted."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if _HEIF_AVAILABLE and len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "HEIF"
    return None


def sanitize_image(source: BinaryIO, *, max_pixels: int) -> SanitizedImage:
    """Decode ``source`` and return a clean re-encoding of its pixels.

    Raises ``ImageRejected`` for anything that is not a decodable JPEG/PNG/WebP/HEIC image
    of at most ``max_pixels`` pixels. Never raises anything else for bad input.
    """
    head = _read_at_most(source, _SNIFF_BYTES)
    if not head:
        raise ImageRejected(EMPTY)
    fmt = sniff_format(head)
    if fmt is None:
        raise ImageRejected(UNSUPPORTED_TYPE)
    # Pillow needs a seekable file. The caller's reader may not seek (a decrypting stream),
    # so the (size-capped) upload is buffered in memory, never on disk.
    data = io.BytesIO(head + source.read())
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb check warns at MAX_IMAGE_PIXELS and raises at twice that;
            # ours is stricter and comes first, but a warning must never slip through.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            clean = _decode_and_rebuild(data, fmt, max_pixels)
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected(TOO_MANY_PIXELS) from None
    except MemoryError:
        raise ImageRejected(TOO_MANY_PIXELS) from None
    except Exception:  # any decoder failure on hostile or damaged input
        raise ImageRejected(CORRUPT) from None
    return _encode(clean)


def _read_at_most(source: BinaryIO, size: int) -> bytes:
    """Up to ``size`` bytes (raw streams may return short reads)."""
    parts, remaining = [], size
    while remaining > 0:
        chunk = source.read(remaining)
        if not chunk:
            break
        parts.append(chunk)
        remaining -= len(chunk)
    return b"".join(parts)


def _decode_and_rebuild(data: io.BytesIO, fmt: str, max_pixels: int) -> Image.Image:
    with Image.open(data, formats=[fmt]) as im:
        # Header only so far: refuse oversized images before decoding anything.
        width, height = im.size
        if width <= 0 or height <= 0:
            raise ImageRejected(CORRUPT)
        if width * height > max_pixels:
            raise ImageRejected(TOO_MANY_PIXELS)
        if getattr(im, "n_frames", 1) > 1:
            im.seek(0)  # animated WebP/APNG, multi-picture JPEG, HEIF sequences: first image
        im.load()
        icc = im.info.get("icc_profile")
        frame = ImageOps.exif_transpose(im) if _has_orientation(im) else im
        frame = _to_output_mode(frame)
        if icc:
            frame = _to_srgb(frame, icc)
        # Rebuild from pixels only: a brand-new image carries no info, EXIF or chunks.
        clean = Image.new(frame.mode, frame.size)
        clean.paste(frame)
        if frame is not im:
            frame.close()
    return clean


def _has_orientation(im: Image.Image) -> bool:
    try:
        return im.getexif().get(0x0112, 1) not in (1, None)
    except Exception:  # a mangled EXIF block: keep the pixels as they are
        return False


def _has_alpha(im: Image.Image) -> bool:
    if im.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        return True
    return im.mode == "P" and "transparency" in im.info


def _to_output_mode(im: Image.Image) -> Image.Image:
    if _has_alpha(im):
        return im.convert("RGBA") if im.mode != "RGBA" else im
    if im.mode in ("RGB", "L"):
        return im
    if im.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        return im.convert("I").point(lambda v: v / 256).convert("L")
    return im.convert("RGB")


def _to_srgb(im: Image.Image, icc: bytes) -> Image.Image:
    """Convert colours to sRGB so dropping the profile does not change how the photo looks."""
    if im.mode not in ("RGB", "RGBA"):
        return im
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        target = ImageCms.createProfile("sRGB")
        converted = ImageCms.profileToProfile(im, source, target, outputMode=im.mode)
    except Exception:  # an unusable profile: keep the pixels unconverted
        return im
    return converted if converted is not None else im


def _encode(im: Image.Image) -> SanitizedImage:
    out = io.BytesIO()
    try:
        if im.mode == "RGBA":
            im.save(out, format="PNG", optimize=False)
            content_type, extension = "image/png", "png"
        else:
            im.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=False)
            content_type, extension = "image/jpeg", "jpg"
        width, height = im.size
    finally:
        im.close()
    return SanitizedImage(
        data=out.getvalue(),
        content_type=content_type,
        extension=extension,
        width=width,
        height=height,
    )
