"""Tests: fast hashers, a fixed secret, throw-away storage; DATABASE_URL/REDIS_URL honoured."""

import tempfile
from pathlib import Path

from ..storage_settings import s3_enabled, s3_storages
from .base import *  # noqa: F403
from .base import STORAGES
from .env import env_str

SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdefghijklmnop"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEMO_CONTENT_ALLOWED = True

_TEST_ROOT = Path(tempfile.mkdtemp(prefix="mostwanted-test-"))
MEDIA_ROOT = _TEST_ROOT / "media"
TIP_STORAGE_ROOT = _TEST_ROOT / "tipstore"
if s3_enabled():
    # The S3 variables are set (CI's object-store run): both storages on the store, under a
    # per-run key prefix that tests/conftest.py empties at the end. Subprocesses (servers the
    # tests start) inherit the prefix through the environment, so they share the objects.
    import os as _os
    import uuid as _uuid

    _os.environ.setdefault("S3_TEST_PREFIX", f"test-{_uuid.uuid4().hex[:12]}")
    STORAGES.update(s3_storages(location=_os.environ["S3_TEST_PREFIX"]))
else:
    STORAGES["tips"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(TIP_STORAGE_ROOT), "base_url": None},
    }
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WAGTAILADMIN_BASE_URL = "http://testserver"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1", "[::1]"]
STATIC_ROOT = _TEST_ROOT / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tip line: tiny Argon2id costs so tests run fast (production values are in tipline.py).
TIP_PASSPHRASE_ARGON2 = {"memory_cost": 64, "iterations": 1, "lanes": 1}
TIP_RECEIPT_ARGON2 = {"memory_cost": 64, "iterations": 1, "lanes": 1}
# The app-level page cache would serve one test's page to the next: off unless a test enables
# it. A per-run key prefix keeps runs sharing one Redis apart.
PAGE_CACHE_ENABLED = False
# Processes a test starts inherit the prefix through the environment, so they share the cache.
if "KEY_PREFIX" in CACHES["default"]:  # noqa: F405
    import os as _os
    import uuid as _uuid

    _os.environ.setdefault("CACHE_KEY_PREFIX", f"mwtest-{_uuid.uuid4().hex[:8]}")
    CACHES["default"]["KEY_PREFIX"] = _os.environ["CACHE_KEY_PREFIX"]  # noqa: F405
# The security alias shares the default store in tests, so the fixtures' ``cache.clear()``
# keeps clearing sessions and limits; tests/security/test_security_store.py checks the split
# with two real stores.
CACHES["security"] = {**CACHES["default"]}  # noqa: F405
if CACHES["security"]["BACKEND"] == "mostwanted.cache.FailSoftRedisCache":  # noqa: F405
    CACHES["security"]["BACKEND"] = "django.core.cache.backends.redis.RedisCache"  # noqa: F405
# Trust anchors: recovery keys created by tests are trusted through a per-run file (the
# fault tests' processes share one, given in the environment).
TIP_RECOVERY_KEY_FINGERPRINT_FILE = env_str(
    "TIP_RECOVERY_KEY_FINGERPRINT_FILE", str(_TEST_ROOT / "trust-recovery-fingerprints")
)
TIP_RECOVERY_KEY_AUTO_TRUST = True
