"""Processes the benchmark starts on loopback: gunicorn, the task worker, nginx."""

from __future__ import annotations

import contextlib
import os
import re
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
    return proc


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


def _rewrite(text: str, root: Path, static_root: Path, media_root: Path) -> str:
    text = text.replace("/etc/nginx/mostwanted/", f"{root}/snippets/")
    text = text.replace("/srv/mostwanted/static/", f"{static_root}/")
    text = text.replace("/srv/mostwanted/media/", f"{media_root}/")
    return text


def nginx_config(
    root: Path,
    *,
    upstream_port: int,
    proxy_port: int,
    static_port: int,
    refresh_port: int,
    static_site: Path,
    static_root: Path,
    media_root: Path,
    workers: int,
    onion_port: int | None = None,
) -> Path:
    """A main file around the shipped snippets (deploy/nginx/*.conf): no TLS, loopback ports.

    The public server includes deploy/nginx/locations.conf and the refresh listener
    deploy/nginx/refresh.conf unchanged except for paths; http.conf gives the same
    http-level settings. The only things that differ from deploy/nginx.conf: plain HTTP,
    no user switch, temporary paths, and an extra server for the ``static`` scenario.
    """
    snippets = root / "snippets"
    snippets.mkdir(parents=True, exist_ok=True)
    for snippet in (DEPLOY / "nginx").glob("*.conf"):
        text = _rewrite(snippet.read_text(), root, static_root, media_root)
        (snippets / snippet.name).write_text(text)
    # The tip line's padded refusal pages (error_page in locations.conf).
    shutil.copytree(
        DEPLOY / "nginx" / "tipline-refused", snippets / "tipline-refused", dirs_exist_ok=True
    )
    for sub in ("cache", "proxy_temp", "client_temp", "logs"):
        (root / sub).mkdir(exist_ok=True)
    onion = ""
    if onion_port:  # the shipped onion server (deploy/nginx/onion.conf) on a free port
        shipped_onion = (snippets / "onion.conf").read_text()
        text = shipped_onion.replace("listen 127.0.0.1:8090 ", f"listen 127.0.0.1:{onion_port} ")
        assert text != shipped_onion, "onion.conf's listen line changed"
        (snippets / "onion-here.conf").write_text(text)
        onion = f"include {snippets}/onion-here.conf;"
    mime = "/etc/nginx/mime.types"
    # The shipped main file's cache zone line, so the zone is sized as in production.
    shipped = (DEPLOY / "nginx.conf").read_text()
    zone = re.search(r"proxy_cache_path [^;]+;", shipped, re.S).group(0)
    zone = re.sub(r"/var/cache/nginx/mostwanted", f"{root}/cache", zone)
    # As root, nginx would run its workers as "nobody", who cannot read the private
    # temporary directory: keep them as root (loopback only, temporary files only).
    user = "user root;" if os.geteuid() == 0 else ""
    conf = f"""
{user}
worker_processes {workers};
pid {root}/nginx.pid;
error_log {root}/logs/error.log crit;
events {{ worker_connections 8192; multi_accept on; }}
http {{
    include {mime};
    default_type application/octet-stream;
    {zone}
    proxy_temp_path {root}/proxy_temp;
    client_body_temp_path {root}/client_temp;
    fastcgi_temp_path {root}/proxy_temp/f; uwsgi_temp_path {root}/proxy_temp/u;
    scgi_temp_path {root}/proxy_temp/s;
    include {snippets}/http.conf;
    access_log {root}/logs/access.log mostwanted_noaddr buffer=256k flush=5s;

    upstream mostwanted_web {{
        server 127.0.0.1:{upstream_port} max_fails=0;
        keepalive 32;
    }}

    # scenario "static": a saved copy of the rendered appeal page, straight from disk.
    server {{
        listen 127.0.0.1:{static_port};
        root {static_site};
        location / {{ try_files $uri =404; }}
        location = /bench-sink-done {{ return 204; }}
    }}

    # the shipped public server's locations, over plain HTTP.
    server {{
        listen 127.0.0.1:{proxy_port};
        server_name _;
        # scenario "tus-upload": the reference, nginx writing a request body to disk alone
        # (read in full into a temporary file, then a body-less request to a 204); "-kept"
        # leaves each file on disk as an upload's parts stay (the bench deletes them after).
        location = /bench-sink {{
            client_max_body_size 0;
            client_body_in_file_only clean;
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
            proxy_pass http://127.0.0.1:{static_port}/bench-sink-done;
        }}
        location = /bench-sink-kept {{
            client_max_body_size 0;
            client_body_in_file_only on;
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
            proxy_pass http://127.0.0.1:{static_port}/bench-sink-done;
        }}
        include {snippets}/locations.conf;
    }}

    server {{
        listen 127.0.0.1:{refresh_port};
        server_name _;
        include {snippets}/refresh.conf;
    }}

    {onion}
}}
"""
    path = root / "nginx.conf"
    path.write_text(conf)
    return path


def nginx(conf: Path, root: Path) -> Process:
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    check = subprocess.run(  # noqa: S603
        [binary, "-t", "-q", "-c", str(conf), "-p", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    if check.returncode != 0:
        raise RuntimeError(f"nginx -t failed: {check.stderr.strip()}")
    return Process(
        "nginx",
        [binary, "-c", str(conf), "-p", str(root), "-g", "daemon off;"],
        dict(os.environ),
        root / "logs" / "nginx.out",
    )


# --------------------------------------------------------------------------- a tip line stack

_PREPARE = """
from appeals.models import Desk
from tests.tips_core.helpers import make_tip_line_ready
from wagtail.models import Locale
make_tip_line_ready(Desk.objects.create(name="Stack desk", locale=Locale.get_default()))
"""


class TipLineStack:
    """The tip line as shipped, on loopback (see :func:`tip_line_stack`)."""

    def __init__(self, root: Path, env: dict, ports: dict):
        self.root, self.env, self.ports = root, env, ports
        self.quick = True  # the bench scenarios' short mode, when a test runs one of them
        self.processes: list[Process] = []

    def url(self, port_name: str, path: str) -> str:
        return f"http://127.0.0.1:{self.ports[port_name]}{path}"


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )


@contextlib.contextmanager
def tip_line_stack(root: Path, *, shipped_limits: bool = True, workers: int | None = None):
    """gunicorn with ``site/gunicorn.conf.py`` (the shipped worker count unless ``workers``)
    behind nginx with the shipped ``deploy/nginx`` snippets, a private Redis when
    ``redis-server`` exists, a migrated SQLite database and a desk that can receive tips.

    Settings ``mostwanted.settings.bench`` (production over plain HTTP); with
    ``shipped_limits`` the app keeps its shipped tip rate limits (only the form's minimum
    fill time is 0: clients are scripts). Used by tests (flood, slow clients, padding through
    nginx) and shaped so the bench's flood and slow-client scenarios run on it as they are.
    """
    import multiprocessing

    root.mkdir(parents=True, exist_ok=True)
    (root / "logs").mkdir(exist_ok=True)
    ports = {name: free_port() for name in ("gunicorn", "proxy", "static", "refresh", "onion")}
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "SECURITY_REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="mostwanted.settings.bench",
        BENCH_DIR=str(root / "site"),
        CACHE_KEY_PREFIX="mwstack",
        LOG_LEVEL="ERROR",
        TIP_TRUSTED_PROXY_COUNT="1",
        PYTHONPATH=str(REPO),
        PYTHONDONTWRITEBYTECODE="1",
    )
    if shipped_limits:
        env["BENCH_SHIPPED_RATE_LIMITS"] = "1"
    stack = TipLineStack(root, env, ports)
    try:
        redis_port = free_port()
        redis_proc = redis_server(redis_port, root / "redis")
        if redis_proc is not None:
            stack.processes.append(redis_proc)
            env["REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
        manage = [sys.executable, str(REPO / "manage.py")]
        steps = (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"])
        for args in (*steps, ["shell", "-c", _PREPARE]):
            subprocess.run(  # noqa: S603 - our own manage.py
                manage + args, cwd=REPO, env=env, check=True, capture_output=True, timeout=600
            )
        site = root / "site"
        conf = nginx_config(
            root / "nginx",
            upstream_port=ports["gunicorn"],
            proxy_port=ports["proxy"],
            static_port=ports["static"],
            refresh_port=ports["refresh"],
            static_site=root / "static-site",
            static_root=site / "static",
            media_root=site / "media",
            workers=1,
            onion_port=ports["onion"],
        )
        stack.processes.append(nginx(conf, root / "nginx"))
        count = workers or multiprocessing.cpu_count() * 2 + 1  # site/gunicorn.conf.py's
        log = root / "logs" / "gunicorn.log"
        stack.processes.append(gunicorn(env, ports["gunicorn"], count, log))
        wait_http(stack.url("proxy", "/healthz"), proc=stack.processes[-2])
        yield stack
    finally:
        for proc in reversed(stack.processes):
            proc.stop()
