"""A private PostgreSQL cluster and Redis for the fault tests, shared by the whole module set.

Skipped (with the reason) unless the run is the services run: DATABASE_URL pointing at
PostgreSQL and REDIS_URL set; also skipped when the PostgreSQL server binaries or
redis-server are missing. The machine's own PostgreSQL and Redis are never touched.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .harness import SETUP_CODE, PgCluster, RedisServer, base_env, pg_bin, run_django

DB = "mostwanted_reliability"
PASSWORD = "reliability-login-pw-0123"
PASSPHRASE = "correct horse battery staple reliability"


@dataclass
class Stack:
    base: Path
    pg: PgCluster
    redis: RedisServer
    storage: Path
    recovery: str
    totp_key: str
    extra: dict = field(default_factory=dict)

    def env(self, *, redis: bool = True, **extra) -> dict:
        if redis:
            extra.setdefault("REDIS_URL", self.redis.url)
        return base_env(self.pg.url(DB), self.storage, **extra)


def _requirements() -> str | None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return "fault tests run in the services run (DATABASE_URL must point at PostgreSQL)"
    if not os.environ.get("REDIS_URL"):
        return "fault tests run in the services run (REDIS_URL must be set)"
    if pg_bin() is None:
        return "PostgreSQL server binaries (initdb, pg_ctl) are not installed"
    if not shutil.which("redis-server"):
        return "redis-server is not installed"
    return None


@pytest.fixture(scope="session")
def stack():
    reason = _requirements()
    if reason:
        pytest.skip(reason)
    base = Path(tempfile.mkdtemp(prefix="mw-reliability-"))
    os.chmod(base, 0o755)  # noqa: S103 - the postgres user must reach its data dir
    pg = PgCluster(base).init()
    redis = RedisServer(base)
    pg.start()
    redis.start()
    try:
        pg.psql(f"CREATE DATABASE {DB}")
        storage = base / "tipstore"
        storage.mkdir()
        totp_key = secrets.token_hex(20)
        env = base_env(pg.url(DB), storage, REDIS_URL=redis.url)
        info = run_django(SETUP_CODE, env, PASSWORD, PASSPHRASE, totp_key, timeout=300)
        yield Stack(base, pg, redis, storage, info["recovery"], totp_key)
    finally:
        redis.stop()
        pg.stop("immediate")
        shutil.rmtree(base, ignore_errors=True)
