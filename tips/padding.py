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

from functools import wraps

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


#: Smallest padded length of a tip-line page (above the success page and a refusal that
#: echoes a short tip): the access log's byte count says a bucket, not which page.
PAGE_MIN_BUCKET = 16384


def pad_page(response):
    """Pad an HTML page to its size bucket with a trailing comment (gzip is off on the tip
    line, see deploy/nginx/locations.conf, so the padding reaches the wire as it is)."""
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return response
    if getattr(response, "_tipline_padded", False):  # padded by the view and by an error path
        return response
    body = response.content
    overhead = len(b"<!---->\n")
    target = PAGE_MIN_BUCKET
    while target < len(body) + overhead:
        target *= 2
    response.content = body + b"<!--" + b" " * (target - len(body) - overhead) + b"-->\n"
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
    response._tipline_padded = True
    return response


def padded_pages(view):
    """View decorator: every page the view answers is padded (success and refusals alike)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return pad_page(view(request, *args, **kwargs))

    return wrapped
