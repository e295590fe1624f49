"""Test images built with Pillow: photos with EXIF/GPS/XMP, PNG text chunks, bombs, polyglots."""

from __future__ import annotations

import io
import os
import struct
import zlib

from PIL import Image, PngImagePlugin

CANARY_DEFAULT = "CANARY-IMG-7f3a9c"


def exif_with(description: str, *, orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010E] = description  # ImageDescription
    exif[0x013B] = description  # Artist
    exif[0x010F] = "CanaryCam"  # Make
    exif[0x0112] = orientation
    gps = {
        1: "N",
        2: (50.0, 50.0, 30.5),
        3: "E",
        4: (4.0, 21.0, 10.25),
        0x1B: description,  # GPSProcessingMethod
    }
    exif[0x8825] = gps  # GPS IFD
    return exif


def xmp_packet(canary: str) -> bytes:
    return (
        b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:description>'
        + canary.encode()
        + b"</dc:description></rdf:Description></rdf:RDF></x:xmpmeta>"
        b'<?xpacket end="w"?>'
    )


def photo(size=(640, 480), color=(200, 40, 40)) -> Image.Image:
    im = Image.new("RGB", size, color)
    # Some structure so orientation can be checked: a dark left column.
    for x in range(min(20, size[0])):
        for y in range(0, size[1], 1):
            im.putpixel((x, y), (0, 0, 0))
    return im


def jpeg_with_metadata(canary: str = CANARY_DEFAULT, *, size=(640, 480), orientation=1) -> bytes:
    out = io.BytesIO()
    im = photo(size)
    im.save(
        out,
        "JPEG",
        exif=exif_with(canary, orientation=orientation),
        xmp=xmp_packet(canary),
        comment=canary.encode(),
        quality=85,
    )
    return out.getvalue()


def png_with_text(canary: str = CANARY_DEFAULT, *, alpha=False) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Description", canary)
    info.add_text("Comment", canary, zip=True)
    info.add_itxt("XML:com.adobe.xmp", xmp_packet(canary).decode(), zip=False)
    out = io.BytesIO()
    im = Image.new(
        "RGBA" if alpha else "RGB", (300, 200), (10, 120, 200, 128) if alpha else (10, 120, 200)
    )
    im.save(out, "PNG", pnginfo=info, exif=exif_with(canary))
    return out.getvalue()


def webp_with_metadata(canary: str = CANARY_DEFAULT) -> bytes:
    out = io.BytesIO()
    photo((320, 240)).save(out, "WEBP", exif=exif_with(canary).tobytes(), xmp=xmp_packet(canary))
    return out.getvalue()


def heic_with_metadata(canary: str = CANARY_DEFAULT) -> bytes:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    out = io.BytesIO()
    photo((320, 240)).save(out, "HEIF", exif=exif_with(canary).tobytes(), quality=80)
    return out.getvalue()


def png_bomb(width=100_000, height=100_000) -> bytes:
    """A tiny PNG whose header claims a huge image (IDAT: a few zero rows, compressed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    idat = zlib.compress(b"\x00" * (width + 1) * 16, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def zip_bytes(canary: str) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("secret.txt", canary * 10)
    return out.getvalue()


def polyglot_jpeg_zip(canary: str = CANARY_DEFAULT) -> bytes:
    return jpeg_with_metadata(canary) + zip_bytes(canary)


def truncated_jpeg() -> bytes:
    data = jpeg_with_metadata(size=(800, 600))
    return data[: len(data) // 2]


def not_an_image() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + b"x" * 2000


def noisy_jpeg(target_bytes: int, canary: str = CANARY_DEFAULT) -> bytes:
    """A JPEG of about ``target_bytes`` (random noise compresses badly) with EXIF/GPS canary."""
    side = 512
    while True:
        im = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
        out = io.BytesIO()
        im.save(out, "JPEG", quality=95, exif=exif_with(canary), xmp=xmp_packet(canary))
        if out.tell() >= target_bytes:
            return out.getvalue()
        side = int(side * max(1.1, (target_bytes / out.tell()) ** 0.5))
