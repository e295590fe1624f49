"""Size buckets for sealed JSON documents (tips and follow-up messages).

A sealed envelope is as long as its plaintext plus a constant, so without padding its length
(``Tip.document_size``, a row's ciphertext) tells how much a tipster wrote. Before sealing,
the serialised JSON is padded with spaces to the next bucket: a power of two, at least
``MIN_BUCKET`` bytes. Trailing whitespace is insignificant in JSON, so the scheme is
length-safe (the document's own bytes are untouched) and opening needs no marker:
``json.loads`` reads padded and older, unpadded documents alike; ``unpad`` strips it for
callers that want the exact bytes.
"""

from __future__ import annotations

MIN_BUCKET = 1024


def bucket(size: int) -> int:
    """The padded length of ``size`` bytes."""
    target = MIN_BUCKET
    while target < size:
        target *= 2
    return target


def pad_json(serialised: bytes) -> bytes:
    """``serialised`` (a JSON text) followed by spaces up to its bucket."""
    return serialised + b" " * (bucket(len(serialised)) - len(serialised))


def unpad_json(padded: bytes) -> bytes:
    """The JSON text without the padding (an unpadded document comes back unchanged)."""
    return padded.rstrip(b" ")
