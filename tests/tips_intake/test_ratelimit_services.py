"""Rate limiting against real caches: two server processes sharing Redis hold one limit;
with Redis unreachable a tip is still accepted (fallback limiter) and /healthz says so."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from .conftest import tip_data

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_until_up(port: int, process: subprocess.Popen, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "server exited"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/en/tip/", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.5)
    raise AssertionError("server did not start")


def test_limit_holds_across_two_processes_sharing_redis(redis_url, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mostwanted.settings.test",
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": f"rltest-{uuid.uuid4().hex[:8]}",
        "TIP_ATTEMPTS_PER_SOURCE": "3/h",
        "TIP_RATE_GLOBAL": "1000/m",
        "TIP_FORM_MIN_SECONDS": "0",
        # Separate processes share a limit only with the day's secret in Redis.
        "TIP_RATELIMIT_SECRET_STORE": "cache",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "VAR_DIR": str(tmp_path),
    }
    ports = [free_port(), free_port()]
    servers = [start_server(port, env) for port in ports]
    try:
        for port, server in zip(ports, servers, strict=True):
            wait_until_up(port, server)
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(f"http://127.0.0.1:{ports[0]}/en/tip/").read().decode()
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        statuses = []
        for i in range(6):
            port = ports[i % 2]  # alternate between the two processes
            body = urllib.parse.urlencode(
                {**tip_data(when_date="2025-13-45"), "csrfmiddlewaretoken": csrf}
            ).encode()
            try:
                with opener.open(f"http://127.0.0.1:{port}/en/tip/", data=body) as response:
                    statuses.append(response.status)
            except urllib.error.HTTPError as error:
                statuses.append(error.code)
                text = error.read().decode()
                assert "I saw him at the Gare du Midi" in text  # text kept either way
        # The first three attempts are counted (and refused for their impossible date: 400);
        # from the fourth on, whichever process answers, the shared limit says 429.
        assert statuses == [400, 400, 400, 429, 429, 429]
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()


def test_tip_accepted_when_redis_is_unreachable(client, tipline, settings):
    closed_port = free_port()  # nothing listens there
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.TIP_RATE_PER_SOURCE = "2/h"
    from tips.models import Tip

    started = time.monotonic()
    response = client.post("/en/tip/", tip_data())
    assert response.status_code == 200, response.content[:2000]
    assert re.search(rb"\d{4}(-\d{4}){6}", response.content)
    assert Tip.objects.count() == 1
    # The fallback limiter still limits.
    assert client.post("/en/tip/", tip_data()).status_code == 200
    refused = client.post("/en/tip/", tip_data())
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert time.monotonic() - started < 20
    health = client.get("/healthz")
    assert health.status_code == 503
    assert any("rate-limit" in reason for reason in health.json()["reasons"])
