"""Slow clients cannot take the tip form down under the shipped gunicorn configuration.

Shown on the old configuration (sync workers, two of them): two clients sending a tip body at
1 byte/s pinned both workers and ``GET /tip/`` timed out. The shipped configuration
(``site/gunicorn.conf.py``) now runs threaded workers: the same slow bodies each hold one
thread of many, and the form keeps answering. (Per source, nginx also caps connections:
``limit_conn`` in ``deploy/nginx/locations.conf``.)
"""

from __future__ import annotations

import os
import socket
import time
import urllib.request
from pathlib import Path

import pytest

from tests.migrated_sqlite import migrated_sqlite

ROOT = Path(__file__).resolve().parents[2]
SLOW_CLIENTS = 6


@pytest.fixture
def gunicorn_server(tmp_path):
    """gunicorn with the shipped configuration and the issue's two workers (the launcher the
    benchmark and the nginx tests share: ``bench.services``)."""
    from bench import services

    port = services.free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mostwanted.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "VAR_DIR": str(tmp_path),
    }
    env.pop("REDIS_URL", None)
    migrated_sqlite(tmp_path / "db.sqlite3", env)
    proc = services.gunicorn(env, port, 2, tmp_path / "gunicorn.log")
    try:
        yield port
    finally:
        proc.stop()


def _slow_post(port: int) -> socket.socket:
    """A tip upload that announces 100 KB and sends its first bytes, then trickles."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(
        b"POST /en/tip/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: multipart/form-data; boundary=slowslowslow\r\n"
        b"Content-Length: 100000\r\n\r\n--slowslowslow\r\n"
    )
    return sock


def test_slow_uploads_do_not_take_the_form_down(gunicorn_server):
    port = gunicorn_server
    slow = [_slow_post(port) for _ in range(SLOW_CLIENTS)]
    try:
        statuses = []
        for _ in range(5):
            for sock in slow:  # 1 byte per client per round: alive, never finished
                sock.sendall(b"x")
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/en/tip/", timeout=10) as r:
                statuses.append(r.status)
            time.sleep(1)
        assert statuses == [200] * 5
    finally:
        for sock in slow:
            sock.close()


class _Clock:
    """time.monotonic for tips.uploads that advances ``step`` seconds per reading."""

    def __init__(self, step: float):
        self.now, self.step = 1000.0, step

    def monotonic(self) -> float:
        self.now += self.step
        return self.now


@pytest.mark.django_db
def test_an_upload_below_the_minimum_rate_stops_and_keeps_the_text(monkeypatch, settings):
    from django.core.cache import cache
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from tips import antispam, ratelimit, uploads

    settings.TIP_FORM_MIN_SECONDS = 0
    cache.clear()
    ratelimit.reset_state()
    monkeypatch.setattr(uploads, "time", _Clock(step=45))  # 45 s between two readings
    text = "I saw him on the ring road, a slow connection here."
    response = Client().post(
        "/en/tip/",
        {
            antispam.TOKEN_FIELD: antispam.issue_token(),
            "what": text,
            "photos": [SimpleUploadedFile("IMG_1.jpg", b"\xff\xd8\xff" + b"\0" * 5000)],
        },
    )
    body = response.content.decode()
    assert response.status_code == 400, body[:2000]
    assert text in body
    assert "“IMG_1.jpg” was arriving too slowly" in body


def test_pace_rules(monkeypatch, settings):
    from django.core.files.uploadhandler import StopUpload

    from tips import uploads

    settings.TIP_UPLOAD_MIN_BYTES_PER_SECOND = 100
    settings.TIP_UPLOAD_GRACE_SECONDS = 60
    settings.TIP_UPLOAD_DEADLINE_SECONDS = 600
    clock = _Clock(step=0)
    monkeypatch.setattr(uploads, "time", clock)
    handler = uploads.EncryptingUploadHandler(None)
    handler.new_file("photos", "a.jpg", "image/jpeg", None)
    clock.now += 30  # within the grace period: any pace
    handler.receive_data_chunk(b"x" * 10, 0)
    clock.now += 70  # 100 s, 10 000 bytes needed on average: 20 010 received -> fine
    handler.receive_data_chunk(b"x" * 20_000, 10)
    clock.now += 300  # 400 s, 40 000 bytes needed: too slow
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"x" * 10, 20_010)
    assert handler.errors == [("a.jpg", uploads.TOO_SLOW)]

    fast = uploads.EncryptingUploadHandler(None)
    fast.new_file("photos", "b.jpg", "image/jpeg", None)
    clock.now += 601  # past the deadline, whatever the pace
    fast.total_bytes = 10**9
    with pytest.raises(StopUpload):
        fast.receive_data_chunk(b"x", 0)
