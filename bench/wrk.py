"""Run wrk and read its summary (requests/s, latency percentiles, errors)."""

from __future__ import annotations

import re
import shutil
import subprocess

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def available() -> bool:
    return shutil.which("wrk") is not None


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(text)
    return float(match.group(1)) * _UNITS[match.group(2)]


def run(
    url: str,
    *,
    connections: int,
    duration: float,
    threads: int = 2,
    timeout: float = 10.0,
    headers: dict | None = None,
) -> dict:
    """Load ``url`` for ``duration`` seconds; return req_s, p50/p99 (ms), errors, requests."""
    threads = max(1, min(threads, connections))
    cmd = [
        shutil.which("wrk") or "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        f"--timeout={max(1, round(timeout))}s",
        "--latency",
    ]
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
    cmd.append(url)
    out = subprocess.run(  # noqa: S603 (fixed argv)
        cmd, capture_output=True, text=True, check=True, timeout=duration + 60
    ).stdout
    result = {"requests": 0, "req_s": 0.0, "p50_ms": None, "p99_ms": None, "errors": 0}
    if m := re.search(r"(\d+) requests in", out):
        result["requests"] = int(m.group(1))
    if m := re.search(r"Requests/sec:\s+([\d.]+)", out):
        result["req_s"] = float(m.group(1))
    for pct, key in (("50", "p50_ms"), ("99", "p99_ms")):
        if m := re.search(rf"^\s+{pct}%\s+(\S+)", out, re.M):
            result[key] = round(_ms(m.group(1)), 2)
    socket_errors = 0
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        socket_errors = sum(int(g) for g in m.groups())
    non_2xx = 0
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        non_2xx = int(m.group(1))
    result["socket_errors"] = socket_errors
    result["non_2xx"] = non_2xx
    result["errors"] = socket_errors + non_2xx
    return result
