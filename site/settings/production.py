"""Production: refuses to start without a secret; HTTPS only; safe defaults throughout."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CACHES
from .env import env_bool, env_int, env_str

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment in production.")

DEBUG = False
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 63072000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Trust X-Forwarded-Proto only when the operator says a proxy in front sets it.
if env_bool("TRUST_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", False)

# __Host- cookies: Secure, Path=/, no Domain; browsers then refuse any sub-domain overwrite.
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_NAME = "__Host-csrftoken"
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# The shared cache is required in production (rate limits, vault sessions, page cache),
# but a missing one must not stop the site: the base in-process cache stays as a fallback.
CACHES = CACHES
TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
# Trust anchors (docs/trust.md): without TIP_TRUST_KEY and TIP_RECOVERY_KEY_FINGERPRINT the
# tip line refuses tips (and says so in Desk health) rather than trust the database.
TIP_TRUST_KEY_REQUIRED = True
TIP_REQUIRE_HYBRID_SUITE = env_bool("TIP_REQUIRE_HYBRID_SUITE", True)
TIP_RECOVERY_KEY_AUTO_TRUST = False
