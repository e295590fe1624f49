"""A hostile image corpus, generated (deterministically) with Pillow and pillow-heif.

``build_corpus()`` returns a list of ``(name, bytes)``: clean bases carrying every kind of
metadata a camera or phone writes (EXIF with GPS and maker-note-like tags, XMP, IPTC, ICC,
JPEG comments, PNG text and eXIf chunks, WebP EXIF/XMP chunks, HEIC EXIF), unusual modes
(CMYK, 16-bit, palette with transparency, 1-bit, animated), headers claiming huge
dimensions, real decompression bombs, polyglots (JPEG+ZIP, PNG+HTML, GIF named .jpg, SVG
and HTML named .png, PDF named .jpg) and mutations of every base: truncations, bit flips,
byte insertions and deletions, and junk prepended or appended.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib

from PIL import Image, ImageCms, PngImagePlugin

CANARY = "CANARY-META-5e1d"
CANARY_BYTES = CANARY.encode()


def _photo(size=(96, 64), mode="RGB") -> Image.Image:
    im = Image.new("RGB", size, (180, 60, 30))
    for x in range(size[0] // 4):
        for y in range(size[1]):
            im.putpixel((x, y), (10, 10, 10))
    return im.convert(mode) if mode != "RGB" else im


def _exif(orientation=1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010E] = CANARY  # ImageDescription
    exif[0x013B] = CANARY  # Artist
    exif[0x8298] = CANARY  # Copyright
    exif[0x010F] = "CanaryCam"  # Make
    exif[0x0110] = "Model " + CANARY  # Model
    exif[0xA431] = "SERIAL-" + CANARY  # BodySerialNumber (in the IFD0 here: still metadata)
    exif[0x0112] = orientation
    exif[0x8825] = {1: "N", 2: (50.0, 50.0, 30.5), 3: "E", 4: (4.0, 21.0, 10.25), 0x1B: CANARY}
    return exif


def _xmp() -> bytes:
    return (
        b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
        b'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="50,50.5N">'
        + CANARY_BYTES
        + b'</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    )


def _icc() -> bytes:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    return profile.tobytes()


def _iptc_segment() -> bytes:
    """A Photoshop APP13 (IPTC) segment with a caption and a by-line."""
    record = b""
    for dataset, value in ((120, CANARY_BYTES), (80, b"Photographer " + CANARY_BYTES)):
        record += b"\x1c\x02" + bytes([dataset]) + struct.pack(">H", len(value)) + value
    block = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(record)) + record
    payload = b"Photoshop 3.0\x00" + block
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


def _save(im: Image.Image, fmt: str, **kw) -> bytes:
    out = io.BytesIO()
    im.save(out, fmt, **kw)
    return out.getvalue()


def jpeg_full_metadata(orientation=1, mode="RGB") -> bytes:
    data = _save(
        _photo(mode=mode),
        "JPEG",
        exif=_exif(orientation),
        xmp=_xmp(),
        icc_profile=_icc() if mode == "RGB" else None,
        comment=CANARY_BYTES,
        quality=80,
    )
    return data[:2] + _iptc_segment() + data[2:]  # IPTC right after SOI


def png_full_metadata(mode="RGB") -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Description", CANARY)
    info.add_text("Comment", CANARY, zip=True)
    info.add_itxt("XML:com.adobe.xmp", _xmp().decode(), zip=False)
    im = _photo(mode=mode) if mode not in ("I;16", "1") else Image.new(mode, (64, 48), 1)
    kw = {"pnginfo": info}
    if mode in ("RGB", "RGBA"):
        kw["exif"] = _exif()
        kw["icc_profile"] = _icc()
    if mode == "P":
        kw["transparency"] = 0
    return _save(im, "PNG", **kw)


def webp_full_metadata(lossless=False) -> bytes:
    return _save(
        _photo(),
        "WEBP",
        exif=_exif(6),
        xmp=_xmp(),
        icc_profile=_icc(),
        lossless=lossless,
        quality=70,
    )


def heic_full_metadata(orientation=1) -> bytes | None:
    try:
        import pillow_heif
    except ImportError:  # pragma: no cover
        return None
    pillow_heif.register_heif_opener()
    try:
        return _save(_photo(), "HEIF", exif=_exif(orientation).tobytes(), xmp=_xmp(), quality=60)
    except Exception:  # an encoder-less libheif build: no HEIC in the corpus
        return None


def animated(fmt: str) -> bytes:
    frames = [_photo(), _photo((96, 64)).rotate(180)]
    kw = {"save_all": True, "append_images": frames[1:], "duration": 100}
    if fmt in ("WEBP", "PNG"):
        kw["exif"] = _exif()
    return _save(frames[0], fmt, **kw)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header_claiming(width: int, height: int, *, real_data: bool = False) -> bytes:
    """A PNG whose IHDR claims width x height. With ``real_data``, a genuine bomb: a zlib
    stream of zero rows that inflates to the full size (only sensible up to ~1e8 pixels)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    if real_data:
        comp = zlib.compressobj(9)
        row = b"\x00" * (width + 1)
        body = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()
    else:
        body = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", body)
        + _png_chunk(b"IEND", b"")
    )


def jpeg_claiming(width: int, height: int) -> bytes:
    """A real small JPEG with its SOF0 dimensions patched to width x height."""
    data = bytearray(_save(_photo(), "JPEG", quality=50))
    i = data.find(b"\xff\xc0")
    struct.pack_into(">HH", data, i + 5, height, width)
    return bytes(data)


def webp_claiming(width: int, height: int) -> bytes:
    """A VP8X WebP whose canvas claims width x height."""
    data = bytearray(webp_full_metadata())
    i = data.find(b"VP8X")
    if i >= 0:
        w, h = width - 1, height - 1
        data[i + 12 : i + 15] = w.to_bytes(3, "little")
        data[i + 15 : i + 18] = h.to_bytes(3, "little")
    return bytes(data)


def gif_claiming(width: int, height: int) -> bytes:
    data = bytearray(_save(_photo(), "GIF"))
    struct.pack_into("<HH", data, 6, width, height)
    return bytes(data)


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("secret.txt", CANARY)
    return out.getvalue()


HTML = b"<html><body><script>alert('" + CANARY_BYTES + b"')</script></body></html>"
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script>'
    b"<text>" + CANARY_BYTES + b"</text></svg>"
)
PDF = b"%PDF-1.4\n1 0 obj<< /Title (" + CANARY_BYTES + b") >>endobj\ntrailer<<>>\n%%EOF"


def _mutations(name: str, data: bytes, rng: random.Random, count: int):
    n = len(data)
    yield f"{name}.trunc-header", data[: min(n, 40)]
    for frac in (0.25, 0.5, 0.9):
        yield f"{name}.trunc{int(frac * 100)}", data[: int(n * frac)]
    for k in range(count):
        buf = bytearray(data)
        for _ in range(rng.choice((1, 4, 32))):
            pos = rng.randrange(min(n, 4), n) if n > 4 else 0
            buf[pos] ^= 1 << rng.randrange(8)
        yield f"{name}.flip{k}", bytes(buf)
    pos = rng.randrange(4, n) if n > 8 else 0
    yield f"{name}.insert", data[:pos] + bytes(rng.randrange(256) for _ in range(64)) + data[pos:]
    yield f"{name}.delete", data[:pos] + data[pos + 64 :]
    yield f"{name}.junk-appended", data + HTML + _zip()


def build_corpus(seed: int = 20251123, flips: int = 4) -> list[tuple[str, bytes]]:
    rng = random.Random(seed)  # noqa: S311 - deterministic test data, not security
    bases: list[tuple[str, bytes]] = []
    for orientation in (1, 3, 6, 8):
        bases.append((f"meta-o{orientation}.jpg", jpeg_full_metadata(orientation)))
    bases += [
        ("meta-gray.jpg", jpeg_full_metadata(mode="L")),
        ("meta-cmyk.jpg", jpeg_full_metadata(mode="CMYK")),
        ("meta.png", png_full_metadata()),
        ("meta-rgba.png", png_full_metadata("RGBA")),
        ("meta-palette.png", png_full_metadata("P")),
        ("meta-16bit.png", png_full_metadata("I;16")),
        ("meta-1bit.png", png_full_metadata("1")),
        ("meta.webp", webp_full_metadata()),
        ("meta-lossless.webp", webp_full_metadata(lossless=True)),
        ("animated.webp", animated("WEBP")),
        ("animated.png", animated("PNG")),
    ]
    for orientation in (1, 6):
        heic = heic_full_metadata(orientation)
        if heic:
            bases.append((f"meta-o{orientation}.heic", heic))
    corpus = list(bases)
    for name, data in bases:
        corpus += list(_mutations(name, data, rng, flips))
    jpeg = bases[0][1]
    png = png_full_metadata()
    corpus += [
        ("huge-header.png", png_header_claiming(100_000, 100_000)),
        ("huge-wide.png", png_header_claiming(2**31 - 1, 1)),
        ("zero.png", png_header_claiming(0, 0)),
        ("bomb-real.png", png_header_claiming(12_000, 12_000, real_data=True)),
        ("huge-header.jpg", jpeg_claiming(65_500, 65_500)),
        ("zero.jpg", jpeg_claiming(0, 0)),
        ("huge-canvas.webp", webp_claiming(16_000, 16_000)),
        ("huge.gif.jpg", gif_claiming(65_535, 65_535)),
        ("polyglot-jpeg-zip.jpg", jpeg + _zip()),
        ("polyglot-png-html.png", png + HTML),
        ("polyglot-html-in-comment.jpg", _save(_photo(), "JPEG", comment=HTML)),
        ("gif-as.jpg", _save(_photo(), "GIF")),
        ("animated-gif-as.jpg", animated("GIF")),
        ("tiff-as.jpg", _save(_photo(), "TIFF", description=CANARY)),
        ("bmp-as.png", _save(_photo(), "BMP")),
        ("svg-as.png", SVG),
        ("html-as.png", HTML),
        ("pdf-as.jpg", PDF),
        ("zip-as.jpg", _zip()),
        ("empty.jpg", b""),
        ("one-byte.jpg", b"\xff"),
        ("soi-only.jpg", b"\xff\xd8\xff"),
        ("png-sig-only.png", b"\x89PNG\r\n\x1a\n"),
        ("riff-webp-only.webp", b"RIFF\x00\x00\x00\x00WEBPVP8 "),
        ("ftyp-heic-only.heic", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"),
        ("random.jpg", bytes(rng.randrange(256) for _ in range(2048))),
    ]
    return corpus
