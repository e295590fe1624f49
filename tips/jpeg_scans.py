"""Counting a JPEG's scans from its raw bytes, before any decoding: a progressive JPEG with
thousands of scans costs a decoder seconds of CPU (tips.sanitize refuses it first).
Pure module: no Pillow, no Django."""

#: JPEG markers without a length field: TEM, RST0-7, SOI.
_STANDALONE_MARKERS = frozenset({0x01, *range(0xD0, 0xD9)})


def count_jpeg_scans(data: bytes, *, limit: int) -> int:
    """How many scans (SOS segments) the JPEG ``data`` has, counting up to ``limit + 1``.

    Walks the segments from the start (so an embedded EXIF thumbnail's scans inside an
    APP1 segment do not count) and skips each scan's entropy-coded data up to the next
    marker (``FF 00`` is a stuffed byte, ``FF D0``-``FF D7`` restart markers). Damaged
    structure stops the count: the decoder then judges the file.
    """
    pos, end, scans = 2, len(data), 0
    while pos + 4 <= end:
        if data[pos] != 0xFF:
            break
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte before a marker
            pos += 1
            continue
        if marker in _STANDALONE_MARKERS:
            pos += 2
            continue
        if marker == 0xD9:  # EOI
            break
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if length < 2:
            break
        pos += 2 + length
        if marker != 0xDA:
            continue
        scans += 1
        if scans > limit:
            break
        while True:  # entropy-coded data up to the next real marker
            pos = data.find(b"\xff", pos)
            if pos < 0 or pos + 1 >= end:
                return scans
            following = data[pos + 1]
            if following == 0x00 or 0xD0 <= following <= 0xD7:
                pos += 2
            elif following == 0xFF:
                pos += 1
            else:
                break
    return scans
