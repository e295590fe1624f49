"""A request body read straight into the caller's buffer (``readinto``).

gunicorn's ``wsgi.input`` only has ``read()``: every call passes through three buffers of its
own (``Body``, ``LengthReader``, ``SocketUnreader``), copying each byte two or three times
and making new objects per read. For a body of known length under gunicorn,
:func:`raw_reader` gives ``readinto`` that takes what gunicorn already buffered, then
``recv_into`` on its socket, and keeps gunicorn's count of what is left, so the connection
serves its next request as before. Any other server or body: ``None`` (use ``read()``).
gunicorn's classes are checked by type; ``tests/incident/test_part_writer.py`` runs this
against gunicorn's own parser, so an upgrade that changes them shows there.
"""

from __future__ import annotations

import io


class _GunicornBody:
    def __init__(self, body, length_reader, unreader):
        self._body, self._length, self._unreader = body, length_reader, unreader
        self._sock = unreader.sock

    @staticmethod
    def _take(bio: io.BytesIO, view, limit: int) -> tuple[int, io.BytesIO]:
        data = bio.getvalue()
        n = min(len(data), limit)
        view[:n] = data[:n]
        rest = io.BytesIO()
        rest.write(data[n:])
        return n, rest

    def readinto(self, view) -> int:
        if self._body.buf.tell():  # read() was called before: what it kept back
            n, self._body.buf = self._take(self._body.buf, view, len(view))
            return n
        want = min(len(view), self._length.length)
        if want <= 0:
            return 0
        self._unreader.buf.seek(0, io.SEEK_END)
        if self._unreader.buf.tell():  # body bytes that came with the headers
            n, self._unreader.buf = self._take(self._unreader.buf, view, want)
        else:
            try:
                n = self._sock.recv_into(view, want)
            except BaseException:
                self._body.failed = True  # gunicorn then closes the connection
                raise
            if not n:
                self._body.failed = True
        self._length.length -= n
        return n


def raw_reader(request):
    """An object with ``readinto`` for ``request``'s body, or ``None`` (see above)."""
    wsgi_input = request.META.get("wsgi.input")
    reader = getattr(wsgi_input, "reader", None)
    unreader = getattr(reader, "unreader", None)
    try:
        from gunicorn.http.body import Body, LengthReader
        from gunicorn.http.unreader import SocketUnreader
    except ImportError:
        return None
    if not (
        isinstance(wsgi_input, Body)
        and type(reader) is LengthReader
        and type(unreader) is SocketUnreader
        and isinstance(getattr(wsgi_input, "buf", None), io.BytesIO)
        and isinstance(getattr(unreader, "buf", None), io.BytesIO)
    ):
        return None
    if getattr(request, "_read_started", False):  # Django read some of it already
        return None
    return _GunicornBody(wsgi_input, reader, unreader)
