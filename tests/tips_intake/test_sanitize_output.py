"""The sanitiser's output, structurally: nothing but pixels, and the stored size policy.

The sanitiser hands the encoder the decoded pixels without copying them (a bare image
object with empty ``info``). These tests parse every JPEG segment and PNG chunk of the
output, so a metadata path we did not think of (a COM segment, an APPn, iCCP, tEXt, eXIf,
pHYs...) fails here even if it carries no canary.
"""

from __future__ import annotations

import io
import struct

import pytest
from PIL import Image, ImageCms, PngImagePlugin

from tips import sanitize
from tips.sanitize import DEFAULT_MAX_EDGE, sanitize_image

from . import images

CANARY = "CANARY-OUT-5e21"
MAX_PIXELS = 60_000_000
#: Markers a bare baseline JPEG may contain: SOI, APP0 (JFIF), DQT, SOF0/SOF2, DHT, DRI,
#: SOS, EOI. Anything else (APP1 EXIF/XMP, APP2 ICC/MPF, APP13 IPTC, APP14, COM) fails.
JPEG_ALLOWED = {0xD8, 0xE0, 0xDB, 0xC0, 0xC4, 0xDD, 0xDA, 0xD9}
PNG_ALLOWED = {b"IHDR", b"IDAT", b"IEND"}


def jpeg_markers(data: bytes) -> list[int]:
    """Every marker of a JPEG, walking segment lengths and the entropy-coded data."""
    assert data[:2] == b"\xff\xd8"
    markers, pos = [0xD8], 2
    while pos < len(data):
        assert data[pos] == 0xFF, f"not a marker at {pos}"
        marker = data[pos + 1]
        markers.append(marker)
        if marker == 0xD9:
            assert pos + 2 == len(data), "bytes after EOI"
            return markers
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        pos += 2 + length
        if marker == 0xDA:  # skip entropy-coded data: 0xFF00 stuffing and RSTn are data
            while not (data[pos] == 0xFF and data[pos + 1] not in (0x00, *range(0xD0, 0xD8))):
                pos += 1
    raise AssertionError("no EOI")


def png_chunks(data: bytes) -> list[bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        chunks.append(data[pos + 4 : pos + 8])
        pos += 12 + length
    assert chunks[-1] == b"IEND" and pos == len(data)
    return chunks


def assert_bare(result) -> None:
    if result.content_type == "image/jpeg":
        assert set(jpeg_markers(result.data)) <= JPEG_ALLOWED
    else:
        assert set(png_chunks(result.data)) <= PNG_ALLOWED
    assert CANARY.encode() not in result.data
    with Image.open(io.BytesIO(result.data)) as im:
        assert not im.getexif()
        assert "icc_profile" not in im.info and "exif" not in im.info
        assert "comment" not in im.info and "xmp" not in im.info
        assert im.size == (result.width, result.height)


def _clean(data: bytes, **kwargs):
    return sanitize_image(io.BytesIO(data), max_pixels=MAX_PIXELS, **kwargs)


def _icc_profile() -> bytes:
    """An embedded ICC profile (exercises the in-place sRGB conversion, then must vanish)."""
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _jpeg_everything(size=(640, 480), orientation=1) -> bytes:
    """EXIF with GPS + orientation, XMP, ICC, COM, DPI, and an MPF-like APP2 trailer."""
    out = io.BytesIO()
    images.photo(size).save(
        out,
        "JPEG",
        exif=images.exif_with(CANARY, orientation=orientation),
        xmp=images.xmp_packet(CANARY),
        icc_profile=_icc_profile(),
        comment=CANARY.encode(),
        dpi=(300, 300),
        quality=90,
    )
    return out.getvalue()


@pytest.mark.parametrize("orientation", [1, 3, 6, 8])
def test_jpeg_untouched_pixels_path_is_bare(orientation):
    # Under the cap and already RGB: the encoder gets the decoded pixels themselves.
    result = _clean(_jpeg_everything(orientation=orientation))
    assert_bare(result)
    expected = (480, 640) if orientation in (6, 8) else (640, 480)
    assert (result.width, result.height) == expected


def test_jpeg_resized_path_is_bare():
    result = _clean(_jpeg_everything(size=(900, 600), orientation=6), max_edge=300)
    assert (result.width, result.height) == (200, 300)
    assert_bare(result)


def test_png_every_chunk_dropped():
    info = PngImagePlugin.PngInfo()
    info.add_text("Description", CANARY)
    info.add_text("Comment", CANARY, zip=True)
    info.add_itxt("XML:com.adobe.xmp", images.xmp_packet(CANARY).decode(), zip=False)
    for mode, color in (("RGB", (1, 2, 3)), ("RGBA", (1, 2, 3, 100)), ("L", 7)):
        out = io.BytesIO()
        Image.new(mode, (120, 80), color).save(
            out,
            "PNG",
            pnginfo=info,
            exif=images.exif_with(CANARY),
            icc_profile=_icc_profile() if mode != "L" else None,
            dpi=(72, 72),
        )
        result = _clean(out.getvalue())
        assert_bare(result)
        assert result.content_type == ("image/png" if mode == "RGBA" else "image/jpeg")


def test_palette_png_with_transparency_is_bare():
    out = io.BytesIO()
    im = Image.new("P", (64, 64), 1)
    im.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    im.save(out, "PNG", transparency=0, pnginfo=_text_info())
    result = _clean(out.getvalue())
    assert result.content_type == "image/png"
    assert_bare(result)


def _text_info():
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", CANARY)
    return info


def test_webp_and_heic_are_bare():
    assert_bare(_clean(images.webp_with_metadata(CANARY)))
    assert_bare(_clean(images.heic_with_metadata(CANARY)))


# --------------------------------------------------------------------------- size policy


def _plain_jpeg(size, orientation=1) -> bytes:
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = orientation
    Image.new("RGB", size, (90, 140, 30)).save(out, "JPEG", quality=80, exif=exif)
    return out.getvalue()


def test_default_cap_is_4096():
    assert DEFAULT_MAX_EDGE == 4096


@pytest.mark.parametrize(
    ("size", "orientation", "expected"),
    [
        ((4096, 3072), 1, (4096, 3072)),  # at the cap: exact size kept
        ((4200, 2800), 1, (4096, 2731)),  # just over: resized, no DCT scaling
        ((4200, 2800), 6, (2731, 4096)),  # turned the right way up after resizing
        ((9000, 3000), 1, (4096, 1365)),  # twice the cap: draft 1/2 then resize, same size
        ((3000, 9000), 8, (4096, 1365)),
        ((200, 100), 1, (200, 100)),  # small images never enlarged
    ],
)
def test_long_edge_is_capped_never_below(size, orientation, expected):
    result = _clean(_plain_jpeg(size, orientation))
    assert (result.width, result.height) == expected
    assert_bare(result)


def test_draft_never_goes_below_the_cap():
    # 16x the cap: draft picks 1/8 (not more), and the result is exactly at the cap.
    result = _clean(_plain_jpeg((2048, 512)), max_edge=128)
    assert (result.width, result.height) == (128, 32)


def test_png_is_capped_too():
    out = io.BytesIO()
    Image.new("RGBA", (5000, 1000), (1, 2, 3, 4)).save(out, "PNG")
    result = _clean(out.getvalue())
    assert (result.width, result.height) == (4096, 819)
    assert result.content_type == "image/png"


def test_banded_resize_matches_one_resize():
    src = Image.frombytes("RGB", (640, 900), bytes(range(256)) * (640 * 900 * 3 // 256))
    banded = sanitize._resize_in_bands(src, (300, 422))
    whole = src.resize((300, 422), sanitize._RESAMPLE)
    diff = max(abs(a - b) for a, b in zip(banded.tobytes(), whole.tobytes(), strict=True))
    assert diff <= 1  # float rounding of band boundaries at most


def test_non_seekable_source_still_works():
    class Pipe(io.RawIOBase):
        def __init__(self, data):
            self._buf = io.BytesIO(data)

        def readable(self):
            return True

        def readinto(self, b):
            return self._buf.readinto(b)

    result = sanitize_image(Pipe(_jpeg_everything()), max_pixels=MAX_PIXELS)
    assert_bare(result)


def test_source_not_at_start_is_read_from_its_position():
    prefix = b"garbage-before-the-image"
    source = io.BytesIO(prefix + _jpeg_everything())
    source.read(len(prefix))
    assert_bare(sanitize_image(source, max_pixels=MAX_PIXELS))
