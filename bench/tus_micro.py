"""The worker side of tus PATCHes without HTTP: ``python -m bench.tus_micro [MB] [--read]``.

gunicorn's own body reader (``SocketUnreader`` → ``LengthReader`` → ``Body``) over a socket
pair, fed 8 MB bodies by a thread, read by ``tips.resumable._Body`` (from the socket straight
into the buffer, ``tips.wsgi_body``; ``--read``: through gunicorn's ``read()``) →
``tips.part_writer.store_encrypted`` into a ``FileSystemStorage`` in a temporary folder (files
kept until the end, like an upload's parts), all in a non-main thread like a gthread worker.
Prints the consumer thread's CPU seconds per GB: a figure that other jobs on the machine
move much less than the end-to-end MB/s of ``tus-upload``.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
import tempfile
import threading
import time

CHUNK = 8 * 2**20


def main(total_mb: int, read_only: bool = False) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mostwanted.settings.test")
    django.setup()
    from django.core.files.storage import FileSystemStorage
    from gunicorn.http.body import Body, LengthReader
    from gunicorn.http.unreader import SocketUnreader

    from tips import crypto, part_writer, resumable, wsgi_body

    block = os.urandom(CHUNK)
    folder = tempfile.mkdtemp(prefix="tus-micro-")
    storage = FileSystemStorage(location=folder)
    key = crypto.new_attachment_key()
    spent = {"cpu": 0.0, "wall": 0.0}

    def consume():
        for n in range(total_mb * 2**20 // CHUNK):
            a, b = socket.socketpair()
            feeder = threading.Thread(target=lambda a=a: (a.sendall(block), a.close()))
            feeder.start()
            wsgi_input = Body(LengthReader(SocketUnreader(b), CHUNK))
            request = type("Request", (), {"META": {"wsgi.input": wsgi_input}})()
            raw = None if read_only else wsgi_body.raw_reader(request)
            body = resumable._Body(wsgi_input, CHUNK, hashed=False, raw=raw)
            c0, w0 = time.thread_time(), time.monotonic()
            part_writer.store_encrypted(f"p{n}.bin", body, key, storage, part_bytes=CHUNK * 2)
            spent["cpu"] += time.thread_time() - c0
            spent["wall"] += time.monotonic() - w0
            feeder.join()
            b.close()

    worker = threading.Thread(target=consume)
    worker.start()
    worker.join()
    shutil.rmtree(folder)
    per_gb = spent["cpu"] * 1024 / total_mb
    print(f"{total_mb} MB: {spent['cpu']:.2f} CPU s ({per_gb:.2f} s/GB), {spent['wall']:.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 512, "--read" in sys.argv)
