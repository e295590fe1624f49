"""What every benchmark scenario shares: the targets, the "cannot run here" outcome, Django
set-up and plain HTTP fetching."""

from __future__ import annotations

import http.client
import time
import urllib.parse
from pathlib import Path

from .runner import Context

TARGETS = {
    "static": "reference",
    "proxy": "≥ 0.5× static",
    "origin-cached": "≥ 5× origin-uncached",
    "origin-uncached": "≤ 15 queries per page",
    "publish-visible": "< 1 s",
    "tips": "≥ 0.7× plain form",
    "upload": "≤ 80 MB growth; sanitise 12 MP < 0.5 s",
    "queue": "median < 60 ms, constant queries",
    "spike": "0 errors",
    "store": "reported (S3 ÷ local)",
    "sandbox": "< 2 s CPU and < 256 MB per file",
    "flood": "all genuine tips accepted",
    "slow-clients": "all genuine tips accepted",
    "tus-upload": "≥ 0.5× nginx to disk; worker growth ≤ 64 MB",
    "tus-resume": "< one chunk",
    "video-remux": "reported",
}


_IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"


class Unavailable(Exception):
    """The scenario cannot run here (a feature or tool is missing): reported, not faked."""


def _django():
    import django

    django.setup()


def _need_appeal(ctx: Context) -> None:
    if not ctx.appeal_url:
        raise Unavailable("no published appeal page (appeals app or demo content missing)")


def _fetch(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request(
            "GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers or {}
        )
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def _warm(url: str, header: str | None = None, value: str | None = None, tries: int = 20) -> None:
    for _ in range(tries):
        status, headers, _body = _fetch(url)
        if status != 200:
            raise RuntimeError(f"{url} answered {status}")
        if header is None or headers.get(header, "").upper() == (value or "").upper():
            return
        time.sleep(0.05)


def _memory_kib(pid: int) -> dict:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values
