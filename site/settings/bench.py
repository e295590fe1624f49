"""Benchmark settings (``make bench``): production settings on loopback, plain HTTP.

Only the benchmark uses this module. Differences from production, and why:

* HTTP instead of HTTPS (no TLS on loopback): no SSL redirect, no HSTS, cookies not
  ``Secure``/``__Host-``;
* a fixed SECRET_KEY; everything written goes under ``BENCH_DIR`` (a temporary directory);
* the database is ``DATABASE_URL`` when set, else a SQLite file in ``BENCH_DIR``;
* the cache is Redis when ``REDIS_URL`` is set, else a file-based cache in ``BENCH_DIR``
  (shared by the benchmark, gunicorn and the worker: an in-process cache cannot be purged
  across processes, so the app-level page cache could not be measured honestly with it);
* tip rate limits raised (unless ``BENCH_SHIPPED_RATE_LIMITS`` is set) and the form's
  minimum fill time set to 0 (a load generator sends
  thousands of tips from one address); the token is still issued, signed, checked and
  marked used;
* e-mail goes nowhere (Django's dummy backend; ``EMAIL_BACKEND`` overrides it): there is no
  mail server on loopback, and the desk notification tasks still run, render and "send";
* an extra app, ``bench.plain``: a plain unencrypted Django form storing a row of the same
  size as a real tip, the reference for the ``tips`` scenario. It exists in no other settings.
"""

import os
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")

import dj_database_url  # noqa: E402,I001

from .production import *  # noqa: E402,F403
from ..storage_settings import s3_enabled  # noqa: E402
from .production import INSTALLED_APPS, REDIS_URL, SQLITE_OPTIONS, STORAGES  # noqa: E402

BENCH_DIR = Path(os.environ.get("BENCH_DIR") or "/tmp/mostwanted-bench")  # noqa: S108
BENCH_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = False
DEMO_CONTENT_ALLOWED = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_SECURE = False
CSRF_COOKIE_NAME = "csrftoken"
LANGUAGE_COOKIE_SECURE = False

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BENCH_DIR / 'db.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS  # several gunicorn workers, one file

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "mwbench"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(BENCH_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
PAGE_CACHE_ENABLED = os.environ.get("PAGE_CACHE_ENABLED", "1") not in ("0", "false", "")

MEDIA_ROOT = BENCH_DIR / "media"
STATIC_ROOT = BENCH_DIR / "static"
TIP_STORAGE_ROOT = BENCH_DIR / "tipstore"
if not s3_enabled():  # the "store" scenario runs a node with both storages on S3
    STORAGES["tips"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(TIP_STORAGE_ROOT), "base_url": None},
    }
WAGTAILADMIN_BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1")

if not os.environ.get("BENCH_SHIPPED_RATE_LIMITS"):
    # The load generator's one address sends thousands of tips. The flood and slow-client
    # tests (bench.stack.tip_line_stack) keep the shipped limits instead.
    TIP_RATE_PER_SOURCE = "1000000/m"
    TIP_RATE_GLOBAL = "1000000/m"
TIP_FORM_MIN_SECONDS = 0

INSTALLED_APPS = [*INSTALLED_APPS, "bench.plain"]
ROOT_URLCONF = "bench.urls"
# Trust anchors: the benchmark creates its own recovery key and trusts it (docs/trust.md).
TIP_TRUST_KEY_REQUIRED = False
TIP_RECOVERY_KEY_AUTO_TRUST = True
TIP_RECOVERY_KEY_FINGERPRINT_FILE = str(BENCH_DIR / "trust-recovery-fingerprints")

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")
