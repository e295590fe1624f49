"""The tip line as shipped, on loopback (gunicorn behind nginx, a private Redis, a migrated
SQLite database), for the tests and the bench's flood and slow-client scenarios."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

from .nginx import nginx, nginx_config
from .services import REPO, Process, free_port, gunicorn, redis_server, wait_http

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
