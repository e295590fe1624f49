"""Settings of the server processes started by the fault tests (tests/reliability).

The test settings, plus what the harness passes in the environment: a shared attachment
store, fast intake limits, and optionally the database task backend, a file e-mail backend
(so another process can count the e-mails), a slow mail backend, or a failing tip storage.
"""

import os
from pathlib import Path

from mostwanted.settings.test import *  # noqa: F403
from mostwanted.settings.test import STORAGES
from mostwanted.storage_settings import s3_enabled

TIP_STORAGE_ROOT = Path(os.environ["TIP_STORAGE_ROOT"])
if not s3_enabled():  # with S3_* set, both storages are on the object store (test settings)
    STORAGES["tips"] = {
        "BACKEND": os.environ.get(
            "RELIABILITY_TIP_STORAGE", "django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": {"location": str(TIP_STORAGE_ROOT), "base_url": None},
    }
TIP_FORM_MIN_SECONDS = 0
TIP_RATE_PER_SOURCE = os.environ.get("TIP_RATE_PER_SOURCE", "100000/h")
TIP_RATE_GLOBAL = os.environ.get("TIP_RATE_GLOBAL", "100000/m")
if os.environ.get("RELIABILITY_TASKS") == "db":
    TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
if os.environ.get("RELIABILITY_MAIL_DIR"):
    EMAIL_BACKEND = os.environ.get(
        "RELIABILITY_MAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
    )
    EMAIL_FILE_PATH = os.environ["RELIABILITY_MAIL_DIR"]
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405 - persistent, as in production
