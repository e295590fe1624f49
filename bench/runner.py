"""``python -m bench``: set everything up on loopback, run every scenario, report.

Environment: ``BENCH_QUICK=1`` (a few seconds per scenario, proves the harness; no speed
assertion anywhere), ``DATABASE_URL`` (PostgreSQL instead of a temporary SQLite file),
``REDIS_URL`` (an existing Redis; by default a private one is started on loopback when
redis-server is installed, ``BENCH_CACHE=file`` for the file-based cache instead),
``BENCH_KEEP=1`` (keep the temporary directory and print it), ``BENCH_ONLY=name,name`` (run
only these scenarios).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
import traceback
import uuid
from pathlib import Path

from . import services

REPO = services.REPO
RESULTS = REPO / "bench" / "results.json"
ORDER = [
    "static",
    "proxy",
    "origin-cached",
    "origin-uncached",
    "publish-visible",
    "tips",
    "upload",
    "queue",
    "store",
    "spike",
    "flood",
    "slow-clients",
    "sandbox",
    "tus-upload",
    "tus-upload-s3",
    "tus-concurrent",
    "tus-resume",
    "video-remux",
    "capture-order",
]


class Context:
    """Shared state of one run: ports, paths, processes, URLs."""

    def __init__(self, quick: bool):
        self.quick = quick
        self.cpus = os.cpu_count() or 1
        self.dir = Path(tempfile.mkdtemp(prefix="mostwanted-bench-"))
        self.logs = self.dir / "logs"
        self.logs.mkdir()
        self.ports = {
            name: services.free_port()
            for name in ("gunicorn", "proxy", "static", "refresh", "upload", "uncached")
        }
        self.cache_prefix = f"mwbench-{uuid.uuid4().hex[:8]}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "mostwanted.settings.bench",
            "BENCH_DIR": str(self.dir / "site"),
            "CACHE_KEY_PREFIX": self.cache_prefix,
            "LOG_LEVEL": "ERROR",
            "FRONTEND_CACHE_PURGE_URL": f"http://127.0.0.1:{self.ports['refresh']}",
            "TIP_TRUSTED_PROXY_COUNT": "1",
            "PYTHONPATH": str(REPO),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        self.processes: list[services.Process] = []
        self.web_workers = self.cpus * 2 + 1
        self.results: list[dict] = []
        self.appeal_url = ""
        self.index_url = ""
        self.private_redis = False

    def duration(self, full: float, quick: float = 2.0) -> float:
        return quick if self.quick else full

    def start(self, proc: services.Process) -> services.Process:
        self.processes.append(proc)
        return proc

    def stop(self, proc: services.Process) -> None:
        proc.stop()
        if proc in self.processes:
            self.processes.remove(proc)

    def stop_all(self) -> None:
        for proc in reversed(self.processes):
            try:
                proc.stop()
            except Exception as exc:  # noqa: BLE001 - best effort at exit
                print(f"could not stop {proc.name}: {type(exc).__name__}", file=sys.stderr)
        self.processes.clear()

    def url(self, port_name: str, path: str) -> str:
        return f"http://127.0.0.1:{self.ports[port_name]}{path}"


def record(name, figure, unit, *, reference=None, ratio=None, target=None, met=None, **details):
    return {
        "name": name,
        "status": "ok",
        "figure": figure,
        "unit": unit,
        "reference": reference,
        "ratio": None if ratio is None else round(ratio, 3),
        "target": target,
        "met": met,
        "details": details,
    }


def unavailable(name, reason, target=None):
    return {
        "name": name,
        "status": "unavailable",
        "reason": reason,
        "figure": None,
        "unit": None,
        "reference": None,
        "ratio": None,
        "target": target,
        "met": None,
        "details": {},
    }


def _fmt(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    return str(value)


def table(results: list[dict], quick: bool) -> str:
    lines = [
        "| scenario | figure | unit | ratio to reference | target | met | details | s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        if r["status"] != "ok":
            lines.append(
                f"| {r['name']} | unavailable: {r['reason']} | | | {r['target'] or ''} | | "
                f"| {r.get('seconds', '')} |"
            )
            continue
        ratio = f"{r['ratio']:.2f}× {r['reference']}" if r["ratio"] is not None else "-"
        met = {True: "yes", False: "NO", None: "-"}[r["met"]]
        if quick and r["met"] is not None:
            met = "(quick)"
        details = ", ".join(f"{k}={_fmt(v)}" for k, v in r["details"].items())
        lines.append(
            f"| {r['name']} | {_fmt(r['figure'])} | {r['unit']} | {ratio} | "
            f"{r['target'] or ''} | {met} | {details} | {r.get('seconds', '')} |"
        )
    return "\n".join(lines)


def _cross_ratios(results: list[dict]) -> None:
    """Ratios whose reference runs later in the table (origin-cached vs origin-uncached)."""
    by_name = {r["name"]: r for r in results}
    cached, uncached = by_name.get("origin-cached"), by_name.get("origin-uncached")
    if cached and uncached and cached["status"] == uncached["status"] == "ok":
        if uncached["figure"]:
            ratio = cached["figure"] / uncached["figure"]
            cached["ratio"] = round(ratio, 3)
            cached["met"] = ratio >= 5


def _cleanup_cache(ctx: Context) -> None:
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url or ctx.private_redis:  # a private Redis went with its process
        return
    try:
        import redis

        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(match=f"{ctx.cache_prefix}:*", count=1000):
            client.delete(key)
    except Exception as exc:  # noqa: BLE001 - best effort
        print(f"could not clean the bench keys from Redis ({type(exc).__name__})")


def main() -> int:
    quick = os.environ.get("BENCH_QUICK", "") not in ("", "0")
    only = {n.strip() for n in os.environ.get("BENCH_ONLY", "").split(",") if n.strip()}
    started = time.monotonic()
    ctx = Context(quick)
    if not os.environ.get("REDIS_URL") and os.environ.get("BENCH_CACHE", "") != "file":
        port = services.free_port()
        redis_proc = services.redis_server(port, ctx.dir / "redis")
        if redis_proc is not None:  # else: the file-based cache (see the settings)
            ctx.start(redis_proc)
            ctx.private_redis = True
            ctx.env["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
    os.environ.update({k: v for k, v in ctx.env.items() if k != "PYTHONPATH"})
    print(f"bench: {'quick' if quick else 'full'} run, {ctx.cpus} CPUs, working in {ctx.dir}")
    from . import scenarios

    exit_code = 0
    try:
        scenarios.setup(ctx)
        for name in ORDER:
            if only and name not in only:
                continue
            t0 = time.monotonic()
            print(f"bench: {name} …", flush=True)
            try:
                result = scenarios.SCENARIOS[name](ctx)
            except scenarios.Unavailable as exc:
                result = unavailable(name, str(exc), scenarios.TARGETS.get(name))
            except Exception as exc:  # noqa: BLE001 - one scenario must not sink the run
                traceback.print_exc()
                result = unavailable(
                    name, f"failed ({type(exc).__name__})", scenarios.TARGETS.get(name)
                )
            result["seconds"] = round(time.monotonic() - t0, 1)
            ctx.results.append(result)
        _cross_ratios(ctx.results)
    except Exception:
        traceback.print_exc()
        exit_code = 1
    finally:
        ctx.stop_all()
        _cleanup_cache(ctx)
        if os.environ.get("BENCH_KEEP"):
            print(f"bench: kept {ctx.dir}")
        else:
            shutil.rmtree(ctx.dir, ignore_errors=True)

    payload = {
        "mode": "quick" if quick else "full",
        "cpus": ctx.cpus,
        "database": "postgresql" if "postgres" in os.environ.get("DATABASE_URL", "") else "sqlite",
        "cache": "redis" if os.environ.get("REDIS_URL") else "file",
        "web_workers": ctx.web_workers,
        "seconds": round(time.monotonic() - started, 1),
        "results": ctx.results,
    }
    RESULTS.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    print()
    print(
        f"mode={payload['mode']} cpus={payload['cpus']} database={payload['database']} "
        f"cache={payload['cache']} gunicorn workers={ctx.web_workers} "
        f"total={payload['seconds']}s"
    )
    print(table(ctx.results, quick))
    print(f"\nwritten: {RESULTS.relative_to(REPO)}")
    return exit_code
