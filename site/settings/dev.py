"""Development: DEBUG on, a secret generated once and kept in var/, mail to the console."""

import secrets

from .base import *  # noqa: F403
from .base import VAR_DIR
from .env import env_str

DEBUG = True
DEMO_CONTENT_ALLOWED = True


def _dev_secret_key() -> str:
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env_str("SECRET_KEY") or _dev_secret_key()
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Trust anchors of the demo: the recovery key fingerprint is written into var/ (docs/trust.md).
TIP_RECOVERY_KEY_FINGERPRINT_FILE = env_str(
    "TIP_RECOVERY_KEY_FINGERPRINT_FILE", str(VAR_DIR / "trust-recovery-fingerprints")
)
TIP_RECOVERY_KEY_AUTO_TRUST = True
