"""A migrated SQLite database for tests that start their own server process.

Migrating a fresh SQLite file takes half a minute on a loaded two-core machine; the result
depends only on the migrations, so it is made once per set of migrations (keyed by their
hash, under ``var/test-cache/``) and copied for each test.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _migrations_key() -> str:
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def migrated_sqlite(dest: Path, env: dict) -> None:
    """Write a migrated database at ``dest``, migrating with ``env`` (its settings module)
    when no copy for these migrations and settings is cached yet."""
    settings = env.get("DJANGO_SETTINGS_MODULE", "")
    cached = ROOT / "var" / "test-cache" / f"migrated-{settings}-{_migrations_key()}.sqlite3"
    if not cached.exists():
        cached.parent.mkdir(parents=True, exist_ok=True)
        fresh = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
        fresh.unlink(missing_ok=True)
        subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=ROOT,
            env={**env, "DATABASE_URL": f"sqlite:///{fresh}"},
            check=True,
            capture_output=True,
            timeout=600,
        )
        fresh.replace(cached)  # atomic: a concurrent run sees a whole file or none
    shutil.copy(cached, dest)
