"""Small files that cost a decoder much: the issue's progressive JPEG with 200 scans and
its 160 KB, 49-megapixel PNG, built deterministically."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def _segments(data: bytes):
    """(marker, start, end) of every segment up to EOI; a scan's end includes its data."""
    pos = 2
    while pos + 4 <= len(data):
        marker = data[pos + 1]
        if marker == 0xD9:
            return
        length = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
        end = pos + 2 + length
        if marker == 0xDA:
            while True:
                end = data.index(b"\xff", end)
                if data[end + 1] == 0 or 0xD0 <= data[end + 1] <= 0xD7:
                    end += 2
                    continue
                break
        yield marker, pos, end
        pos = end


def progressive_jpeg_with_scans(size: tuple[int, int], scans: int) -> bytes:
    """A flat grey progressive JPEG of ``size`` whose AC scans are repeated until it has
    ``scans`` scans. Each scan is a pass over every block of the image, yet an empty AC
    scan is a few bytes (end-of-band runs): libjpeg accepts the repeats with a warning."""
    out = io.BytesIO()
    Image.new("RGB", size, (128, 128, 128)).save(out, "JPEG", progressive=True, quality=75)
    data = out.getvalue()
    units, pending, header_end = [], [], None
    for marker, start, end in _segments(data):
        if marker == 0xDA:
            header_end = (
                header_end if header_end is not None else (pending[0] if pending else start)
            )
            units.append((data[start:end], data[pending[0] if pending else start : end]))
            pending = []
        elif header_end is not None:
            pending.append(start)  # a table between scans belongs to the next scan
    first = header_end
    # Keep each AC scan (spectral start > 0) with the Huffman tables defined just before it.
    ac_units = [unit for sos, unit in units if sos[5 + 2 * sos[4]] > 0]
    body = [unit for _, unit in units]
    i = 0
    while len(body) < scans:
        body.append(ac_units[i % len(ac_units)])
        i += 1
    return data[:first] + b"".join(body) + b"\xff\xd9"


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    )


def png_flat(width: int, height: int) -> bytes:
    """A real, fully decodable black RGB PNG of ``width`` x ``height``, built row by row
    (never held decoded): a 7000 x 7000 one is about 140 KB."""
    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + 3 * width)
    idat = bytearray()
    for _ in range(height):
        idat += compressor.compress(row)
    idat += compressor.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", bytes(idat))
        + _png_chunk(b"IEND", b"")
    )
