"""Make a citizen's photo safe to keep: decode it, then re-encode the pixels and nothing else.

Pure module (no database, no files): ``sanitize_image`` reads bytes (or a binary stream) and
returns new image bytes. The web process never calls it: :mod:`tips.sandbox` runs it in a
separate, short-lived process with CPU, memory and time limits. What survives is the
pixels, turned the right way up and converted to sRGB; what does not survive is everything
else a camera or phone writes: EXIF (GPS position, camera serial number, date, owner name),
XMP, IPTC, maker notes, embedded thumbnails, ICC profiles, PNG text chunks, and anything
appended to the file (a polyglot's ZIP).

Accepted inputs are JPEG, PNG, WebP and HEIC/HEIF, recognised from their first bytes (never
from a file name or a browser-declared type). Decoding is restricted to those Pillow
plugins, and the pixel count is checked against ``max_pixels`` from the header, before any
pixel is decoded, so a decompression bomb is refused in microseconds.

Output: JPEG (quality 90, baseline, not optimised) for photos, PNG for images with
transparency, at most ``max_edge`` pixels on the long edge (4096 by default, setting
``TIP_IMAGE_MAX_EDGE``).

Size policy (why 4096): a 4096 px photo (about 12.6 MP at 4:3) keeps every detail an
investigator can use from a phone or camera picture (faces, plates, signs), while a
24-50 MP original would cost 4 bytes per pixel to hold decoded and seconds to re-encode on
a shared tip-line worker during an appeal spike. Images at or under the cap keep their
exact size; larger ones are scaled down to exactly the cap (bicubic). A JPEG at least twice
the cap is decoded with libjpeg's DCT scaling (``draft``) by the largest power of two that
still leaves it at or above the cap, then resized to the cap: the stored size is the same
as with a full decode, only cheaper. Never smaller than the cap.

Memory: the file is held once in memory (the sandbox receives it through a pipe, never
from disk), the pixels once: mode conversion, resizing and rotation each replace the
previous image (freed at once), colour conversion to sRGB is done in place, and the encoder
is given a bare image object sharing the decoded pixels instead of a pasted copy.
The floor is one decoded copy (Pillow holds RGB at 4 bytes per pixel) plus the resized
result: a 24 MP (6000x4000) JPEG peaks about 145 MB (96 MB decoded + 45 MB at 4096 px).
An operator short of memory can set ``TIP_IMAGE_MAX_EDGE=3000``: libjpeg then decodes such
photos at half size directly (about 46 MB, 0.35 s), at the cost of stored detail.

Hostile files: the budgets of :func:`sanitize_image` refuse from the header and the raw
bytes whatever would cost more than the sandbox's limits (:mod:`tips.sandbox`: CPU time,
memory, wall clock), so a refusal names the real reason instead of a killed process.

No metadata survives: the encoder gets an image object with an empty ``info`` and no
``exif``/``icc_profile``/``xmp``/``comment``/``dpi``/``pnginfo`` parameters, which are the
only ways Pillow's JPEG and PNG writers emit anything but pixels (JPEG: JFIF APP0, tables,
pixels; PNG: IHDR, IDAT, IEND). The tests parse every segment and chunk of the output.
"""

from __future__ import annotations

import io
import logging
import shutil
import warnings
from dataclasses import dataclass
from typing import BinaryIO

from PIL import Image, ImageCms

from .jpeg_scans import count_jpeg_scans

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
#: Default cap on the stored long edge, in pixels (see the module docstring).
DEFAULT_MAX_EDGE = 4096
#: Downscaling filter (antialiased bicubic: sharp enough for faces and plates, and about
#: a third faster than Lanczos on a 24 MP photo) and the rows computed per pass.
_RESAMPLE = Image.Resampling.BICUBIC
_RESIZE_BAND_ROWS = 256
#: EXIF orientation -> the transpose that turns the pixels the right way up.
_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

# Rejection codes. Messages (translated, naming the file) live with the form.
UNSUPPORTED_TYPE = "unsupported_type"
TOO_MANY_PIXELS = "too_many_pixels"
CORRUPT = "corrupt"
EMPTY = "empty"
#: Costs too much to decode (too many progressive scans; the sandbox ran out of time).
TOO_COMPLEX = "too_complex"
#: The sandbox could not be started (a server problem, not the file's).
PROCESSING_FAILED = "processing_failed"
CODES = (UNSUPPORTED_TYPE, TOO_MANY_PIXELS, CORRUPT, EMPTY, TOO_COMPLEX, PROCESSING_FAILED)

#: Budgets checked from the header and the raw bytes, before any pixel is decoded (see
#: ``Budget``). Decoding cost grows with the pixels actually decoded (after libjpeg's DCT
#: scaling) times the passes over them, so these three bound the worst case: with the
#: defaults any file they allow decodes and re-encodes in under 2 s of CPU and 256 MB.
#: A progressive JPEG normally has 6-12 scans (libjpeg, mozjpeg, Photoshop); each scan is
#: a full pass over the image, so 200 scans of a large, empty image cost 20 times a photo.
DEFAULT_MAX_SCANS = 40
#: Pixels held decoded at once (4 bytes each): a 30 MP (6720 x 4480) camera photo fits,
#: a 49 MP PNG does not.
DEFAULT_MAX_DECODED_PIXELS = 32_000_000
#: Above this many pixels, a file must carry at least one byte per this many pixels: real
#: photos carry far more (JPEG about 1 byte for 2-10 pixels); a small file with a huge
#: canvas is a decompression bomb.
DEFAULT_MAX_PIXELS_PER_BYTE = 250
RATIO_FREE_PIXELS = 4096 * 4096


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


def sanitize_image(
    source: BinaryIO | bytes,
    *,
    max_pixels: int,
    max_edge: int = DEFAULT_MAX_EDGE,
    max_decoded_pixels: int = DEFAULT_MAX_DECODED_PIXELS,
    max_scans: int = DEFAULT_MAX_SCANS,
    max_pixels_per_byte: int = DEFAULT_MAX_PIXELS_PER_BYTE,
) -> SanitizedImage:
    """Decode ``source`` (bytes, or a stream read from its current position) and return a
    clean re-encoding of its pixels, at most ``max_edge`` pixels on its long edge.

    Before any pixel is decoded, the file is refused if the header claims more than
    ``max_pixels`` pixels, if it would decode to more than ``max_decoded_pixels`` (after
    libjpeg's DCT scaling), if a canvas above ``RATIO_FREE_PIXELS`` carries less than one
    byte per ``max_pixels_per_byte`` pixels, or if a JPEG has more than ``max_scans`` scans.
    Raises ``ImageRejected`` for anything that is not a decodable JPEG/PNG/WebP/HEIC image
    within those budgets. Never raises anything else for bad input.

    Run it in :mod:`tips.sandbox` (a separate, limited process), never in a web worker.
    """
    if max_edge < 1:
        raise ValueError("max_edge must be positive")
    data = source if isinstance(source, bytes | bytearray) else _read_all(source)
    if not data:
        raise ImageRejected(EMPTY)
    fmt = sniff_format(bytes(data[:_SNIFF_BYTES]))
    if fmt is None:
        raise ImageRejected(UNSUPPORTED_TYPE)
    if fmt == "JPEG" and count_jpeg_scans(data, limit=max_scans) > max_scans:
        raise ImageRejected(TOO_COMPLEX)
    budget = _Budget(max_pixels, max_decoded_pixels, max_pixels_per_byte, len(data))
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb check warns at MAX_IMAGE_PIXELS and raises at twice that;
            # ours is stricter and comes first, but a warning must never slip through.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            clean = _decode_and_rebuild(io.BytesIO(data), fmt, budget, max_edge)
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected(TOO_MANY_PIXELS) from None
    except MemoryError:
        raise ImageRejected(TOO_MANY_PIXELS) from None
    except Exception:  # any decoder failure on hostile or damaged input
        raise ImageRejected(CORRUPT) from None
    return _encode(clean)


@dataclass(frozen=True)
class _Budget:
    max_pixels: int
    max_decoded_pixels: int
    max_pixels_per_byte: int
    file_bytes: int

    def check_header(self, width: int, height: int) -> None:
        if width <= 0 or height <= 0:
            raise ImageRejected(CORRUPT)
        pixels = width * height
        if pixels > self.max_pixels:
            raise ImageRejected(TOO_MANY_PIXELS)
        if pixels > RATIO_FREE_PIXELS and pixels > self.file_bytes * self.max_pixels_per_byte:
            raise ImageRejected(TOO_MANY_PIXELS)  # a decompression bomb

    def check_decoded(self, width: int, height: int) -> None:
        if width * height > self.max_decoded_pixels:
            raise ImageRejected(TOO_MANY_PIXELS)


def _read_all(source: BinaryIO) -> bytes:
    """The rest of ``source`` in memory (the sandbox receives files through a pipe: never
    on disk)."""
    buffered = io.BytesIO()
    shutil.copyfileobj(source, buffered)
    return buffered.getvalue()


def _decode_and_rebuild(data: BinaryIO, fmt: str, budget: _Budget, max_edge: int) -> Image.Image:
    with Image.open(data, formats=[fmt]) as im:
        # Header only so far: refuse oversized images before decoding anything.
        budget.check_header(*im.size)
        if getattr(im, "n_frames", 1) > 1:
            im.seek(0)  # animated WebP/APNG, multi-picture JPEG, HEIF sequences: first image
        orientation = _orientation(im)
        target = _fitted_size(im.size, max_edge)
        if fmt == "JPEG" and target != im.size:
            # DCT-domain downscale by 1/2, 1/4 or 1/8, only as far as keeps the decoded
            # image at least ``target`` on both sides (Pillow's draft never goes below it).
            im.draft(None, target)
        budget.check_decoded(*im.size)  # after DCT scaling: what will be held decoded
        im.load()
        icc = im.info.get("icc_profile")
        # Each step returns a new image only when it has work to do; the previous one is
        # released at once so at most two copies of the pixels exist at any moment.
        frame = _step(im, _to_output_mode(im))
        if frame.size != target:
            frame = _step(frame, _resize_in_bands(frame, target))
        if orientation in _ORIENTATION:
            frame = _step(frame, frame.transpose(_ORIENTATION[orientation]))
        if icc:
            _to_srgb_in_place(frame, icc)
        # The encoder gets a bare image object: the decoded pixels and nothing else (no
        # info, EXIF, XMP, ICC, comment, text chunks, palette or transparency metadata).
        return _bare(frame)


def _step(previous: Image.Image, result: Image.Image) -> Image.Image:
    """Release ``previous``'s pixels if ``result`` is a new image.

    ``Image.Image.close`` (not ``ImageFile.close``) frees the pixel memory without closing
    the file object, which belongs to the caller.
    """
    if result is not previous:
        Image.Image.close(previous)
    return result


def _resize_in_bands(src: Image.Image, size: tuple[int, int]) -> Image.Image:
    """``src.resize(size)`` (bicubic, antialiased) computed a band of rows at a time.

    Pillow's resize makes a horizontal pass into a temporary image as tall as the source
    before the vertical pass: for a 24 MP photo that is 65 MB on top of the source and the
    result. Band by band, the temporary image is a few hundred rows. Pillow computes each
    band's filter weights from the whole source (``box`` only selects the region), so the
    result is the same as one resize.
    """
    width, height = src.size
    out_w, out_h = size
    out = Image.new(src.mode, size)
    ratio = height / out_h
    for top in range(0, out_h, _RESIZE_BAND_ROWS):
        bottom = min(out_h, top + _RESIZE_BAND_ROWS)
        box = (0, top * ratio, width, bottom * ratio)
        band = src.resize((out_w, bottom - top), _RESAMPLE, box=box)
        out.paste(band, (0, top))
        band.close()
    return out


def _bare(frame: Image.Image) -> Image.Image:
    """A new Image object over ``frame``'s pixel memory (no copy) with empty metadata."""
    bare = frame._new(frame.im)  # noqa: SLF001 - Pillow's own no-copy constructor
    bare.info = {}
    return bare


def _fitted_size(size: tuple[int, int], max_edge: int) -> tuple[int, int]:
    """``size`` scaled down (aspect ratio kept) so the long edge is at most ``max_edge``."""
    width, height = size
    long_edge = max(width, height)
    if long_edge <= max_edge:
        return size
    scale = max_edge / long_edge
    return (
        max(1, min(max_edge, round(width * scale))),
        max(1, min(max_edge, round(height * scale))),
    )


def _orientation(im: Image.Image) -> int:
    try:
        value = im.getexif().get(0x0112, 1)
    except Exception:  # a mangled EXIF block: keep the pixels as they are
        return 1
    return value if isinstance(value, int) else 1


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


def _to_srgb_in_place(im: Image.Image, icc: bytes) -> None:
    """Convert colours to sRGB (in place) so dropping the profile does not change how the
    photo looks. An unusable profile leaves the pixels as they are."""
    if im.mode not in ("RGB", "RGBA"):
        return
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        ImageCms.profileToProfile(im, source, _srgb_profile(), outputMode=im.mode, inPlace=True)
    except Exception:  # noqa: S110 - an unusable profile: keep the pixels unconverted
        pass


_SRGB = None


def _srgb_profile():
    global _SRGB  # noqa: PLW0603 - built once per process
    if _SRGB is None:
        _SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    return _SRGB


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
