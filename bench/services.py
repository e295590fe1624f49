"""Processes the benchmark starts on loopback: gunicorn, the task worker, Redis (nginx:
``bench.nginx``; the whole tip line: ``bench.stack``)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url: str, timeout: float = 60.0, proc: Process | None = None) -> None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if proc is not None and proc.popen.poll() is not None:
            raise RuntimeError(f"{proc.name} exited ({proc.popen.returncode}); see {proc.log}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
                response.read()
                return
        except urllib.error.HTTPError:
            return  # it answers
        except (urllib.error.URLError, OSError) as exc:
            last = exc
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {timeout:.0f}s ({type(last).__name__})")


class Process:
    """A child process in its own process group, output to a log file."""

    def __init__(self, name: str, cmd: list[str], env: dict, log: Path, cwd: Path = REPO):
        self.name = name
        self.log = log
        self._logfile = open(log, "ab")  # noqa: SIM115 (closed in stop)
        self.popen = subprocess.Popen(  # noqa: S603 (fixed argv)
            cmd,
            env=env,
            cwd=cwd,
            stdout=self._logfile,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def stop(self, sig=signal.SIGTERM, timeout: float = 15.0) -> None:
        if self.popen.poll() is None:
            try:
                self.popen.send_signal(sig)
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(5)
            except ProcessLookupError:
                pass
        self._logfile.close()


_CONTROL_SOCKET_FLAG: list[bool] = []


def _no_control_socket() -> list[str]:
    """gunicorn >= 24 opens a control socket in ~/.gunicorn: several instances would clash."""
    if not _CONTROL_SOCKET_FLAG:
        out = subprocess.run(  # noqa: S603
            [str(VENV_BIN / "gunicorn"), "--help"], capture_output=True, text=True, check=False
        ).stdout
        _CONTROL_SOCKET_FLAG.append("--no-control-socket" in out)
    return ["--no-control-socket"] if _CONTROL_SOCKET_FLAG[0] else []


def warm(url: str, requests: int) -> None:
    """Send ``requests`` sequential GETs (each gunicorn worker compiles templates, imports
    lazily and opens its database connection on its first requests)."""
    for _ in range(requests):
        try:
            with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (loopback)
                response.read()
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)


def gunicorn(env: dict, port: int, workers: int, log: Path, extra_env: dict | None = None):
    full_env = {**env, **(extra_env or {})}
    cmd = [
        str(VENV_BIN / "gunicorn"),
        "--config",
        str(REPO / "site" / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        "/dev/null",
        *_no_control_socket(),
        "mostwanted.wsgi:application",
    ]
    proc = Process(f"gunicorn:{port}", cmd, full_env, log)
    wait_http(f"http://127.0.0.1:{port}/healthz", proc=proc)
    settle(proc.pid, workers)
    return proc


def cpu_ticks(pid: int) -> int:
    """User + system CPU time of ``pid`` so far, in clock ticks (``/proc/<pid>/stat``)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)


def settle(master_pid: int, workers: int, timeout: float = 90.0) -> None:
    """Wait until all ``workers`` run and have gone quiet (together under 2 % of a core for
    a second). /healthz answers once one worker has the app loaded; the others may still be
    importing Django, and a scenario started then was billed their start-up (measured: four
    idle workers' garbage collection took a third of the workers' CPU in a tus pass)."""
    deadline = time.monotonic() + timeout
    before = None
    while time.monotonic() < deadline:
        pids = gunicorn_worker_pids(master_pid)
        ticks = sum(cpu_ticks(pid) for pid in pids)
        if before is not None and len(pids) >= workers and ticks - before[1] <= 2:
            if set(pids) == before[0]:
                return
        before = (set(pids), ticks)
        time.sleep(1.0)


def gunicorn_worker_pids(master_pid: int) -> list[int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    try:
        return [int(pid) for pid in children.read_text().split()]
    except OSError:
        out = subprocess.run(  # noqa: S603
            ["/usr/bin/pgrep", "-P", str(master_pid)], capture_output=True, text=True, check=False
        )
        return [int(pid) for pid in out.stdout.split()]


def task_worker(env: dict, log: Path) -> Process:
    cmd = [sys.executable, str(REPO / "manage.py"), "db_worker", "--interval", "0.5"]
    return Process("db_worker", cmd, env, log)


def redis_server(port: int, root: Path) -> Process | None:
    """A private, throw-away Redis on loopback (no persistence), if redis-server is installed.

    The shipped deployment keeps its shared cache in Redis (page cache, rate limits, the tip
    form's replay check); the file-based cache the benchmark otherwise falls back to lists its
    whole directory on every write, which would charge the tip form for a cache nobody ships.
    """
    binary = shutil.which("redis-server")
    if binary is None:
        return None
    root.mkdir(parents=True, exist_ok=True)
    cmd = [
        binary,
        "--port", str(port),
        "--bind", "127.0.0.1",
        "--save", "",
        "--appendonly", "no",
        "--dir", str(root),
    ]  # fmt: skip
    proc = Process("redis", cmd, dict(os.environ), root / "redis.log")
    import redis

    client = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=1)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            return proc
        except redis.RedisError:
            if proc.popen.poll() is not None or time.monotonic() > deadline:
                proc.stop()
                log = root / "redis.log"
                raise RuntimeError(f"redis-server did not start; see {log}") from None
            time.sleep(0.1)
