"""Settings shared by every environment. Everything that varies comes from the environment."""

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE

from ..storage_settings import s3_enabled, s3_storages
from .env import env_bool, env_int, env_list, env_str
from .tipline import *  # noqa: F403  (the tip line's settings: every TIP_* default)

PROJECT_DIR = Path(__file__).resolve().parent.parent  # site/
BASE_DIR = PROJECT_DIR.parent  # repository root
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = False
# Demo accounts, keys and tips (`load_demo_content`): development, tests and bench only.
DEMO_CONTENT_ALLOWED = False
SECRET_KEY = env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The onion service's host name (e.g. abc...xyz.onion; docs/tor.md): allowed, a trusted CSRF
# origin, exempt from the HTTPS redirect and HSTS, announced by Onion-Location on clear pages.
ONION_HOST = env_str("ONION_HOST").strip().lower()
# Django finds SecurityMiddleware by its path only; mostwanted.onion runs its checks for the
# onion-aware subclass (registered in mostwanted.apps).
SILENCED_SYSTEM_CHECKS = ["security.W001"]
if ONION_HOST:
    ALLOWED_HOSTS = [*ALLOWED_HOSTS, ONION_HOST]
    CSRF_TRUSTED_ORIGINS = [*CSRF_TRUSTED_ORIGINS, f"http://{ONION_HOST}"]

INSTALLED_APPS = [
    "mostwanted",
    "appeals",
    "tips",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.frontend_cache",
    "mostwanted.cache_purge.CachePurgeConfig",  # after frontend_cache: replaces its handlers
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.locales",
    "wagtail",
    "modelcluster",
    "django_countries",  # ISO 3166 names in every language (nationalities, countries)
    "taggit",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "mostwanted.onion.OnionAwareSecurityMiddleware",  # SecurityMiddleware, onion-aware
    "mostwanted.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "mostwanted.pagecache.PageCacheMiddleware",  # after Locale (language is in the key)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "mostwanted.middleware.SessionIdleTimeoutMiddleware",  # idle 30 min, absolute 8 h
    "tips.admin.throttle.LoginThrottleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "mostwanted.middleware.ContentSecurityPolicyMiddleware",  # django-csp + admin directives
    # After the header middlewares, so their redirects carry CSP and X-Frame-Options too.
    "tips.enrolment.SecondFactorMiddleware",  # privileged accounts: 2FA before any admin page
    "tips.roles.GenericScreenGuardMiddleware",  # tip roles not editable in Settings → Users
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "mostwanted.urls"
WSGI_APPLICATION = "mostwanted.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- Database: SQLite under var/ by default, anything dj-database-url knows otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# The embedded database serves several threads and processes at once (runserver, the
# admin's preview beside a publish, the task worker): writers take the lock when they begin
# and wait for it rather than failing with "database is locked"; WAL lets readers go on.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 30,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: Redis when REDIS_URL is set (shared by every web node), in-process otherwise.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "mostwanted.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "mw"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "mostwanted",
        }
    }


def _security_redis_url(url: str) -> str:
    """``url`` with the next database number (``/0`` -> ``/1``): same server, another store."""
    parts = urlsplit(url)
    db = parts.path.strip("/")
    number = (int(db) + 1) % 16 if db.isdigit() else 1
    return urlunsplit(parts._replace(path=f"/{number}"))


# --- Security state (vault and follow-up sessions, rate limits, the used-token guard): its own
# Redis database or instance, which the operator runs with ``maxmemory-policy noeviction`` so
# no flood of cached pages can evict it. No soft layer: its users must see a failure.
SECURITY_REDIS_URL = env_str("SECURITY_REDIS_URL") or (
    _security_redis_url(REDIS_URL) if REDIS_URL else ""
)
if SECURITY_REDIS_URL:
    CACHES["security"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": SECURITY_REDIS_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "mw"),
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
else:
    CACHES["security"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "mostwanted-security",
    }

# --- Passwords and sessions
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)  # absolute, from sign-in
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 30 * 60)  # mostwanted.middleware
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"
# The citizen's CSRF cookie dies with the browser session (no Max-Age): a year-long cookie
# would mark a browser as one that opened the tip form.
CSRF_COOKIE_AGE = None
# A refused tip form or follow-up answer is shown again with the text kept (translated 403).
CSRF_FAILURE_VIEW = "mostwanted.views.csrf_failure"
LOGIN_URL = "wagtailadmin_login"

# --- Internationalisation: French by default, Dutch, German, English.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("nl", "Nederlands"), ("de", "Deutsch"), ("en", "English")]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [PROJECT_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Brussels")
USE_I18N = True
USE_TZ = True
# English as read in Belgium (day/month/year, 24-hour clock): site/formats/en.
FORMAT_MODULE_PATH = ["mostwanted.formats"]

# --- Static and media files
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [PROJECT_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Encrypted tip attachments live outside the public media root.
TIP_STORAGE_ROOT = Path(env_str("TIP_STORAGE_ROOT", str(VAR_DIR / "tipstore")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "tips": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(TIP_STORAGE_ROOT), "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if s3_enabled():
    # Two private buckets (public images, encrypted attachments): see storage_settings.py for
    # the client's timeouts and retries, and the README's "Scaling out" for the bucket policy.
    STORAGES.update(s3_storages())
    # Wagtail would redirect document downloads to the file's URL; stream them through its
    # own view instead (privacy checks kept, and /media/ serves images only).
    WAGTAILDOCS_SERVE_METHOD = "serve_view"
# /media/ through the app (mostwanted.storage_views) when media are in the object store and no
# proxy serves them: `make run`, or a deployment without the shipped nginx media location.
# Only these key prefixes (Wagtail's originals and renditions) are ever served.
MEDIA_SERVE_FROM_STORAGE = env_bool("MEDIA_SERVE_FROM_STORAGE", s3_enabled())
MEDIA_PUBLIC_PREFIXES = ("images/", "original_images/")
MEDIA_CACHE_SECONDS = env_int("MEDIA_CACHE_SECONDS", 7 * 24 * 3600)

# Uploads: never let Django spill an upload to a plaintext temp file. The tip form installs
# its own encrypting handler; everything else keeps uploads in memory within these limits.
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler"]
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 30 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024)

# --- Page caching (see mostwanted.pagecache and mostwanted.cache_purge)
# App-level cache of anonymous public pages in the shared cache: on by default with Redis only
# (an in-process cache cannot be purged across processes).
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", bool(REDIS_URL))
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)
PAGE_CACHE_ALIAS = "default"
# Regular expressions of further paths never cached (the tip line and the admin always are not).
PAGE_CACHE_EXCLUDE = ()
# The proxy's loopback refresh listener (deploy/nginx.conf), e.g. http://127.0.0.1:8081.
FRONTEND_CACHE_PURGE_URL = env_str("FRONTEND_CACHE_PURGE_URL")
if FRONTEND_CACHE_PURGE_URL:
    WAGTAILFRONTENDCACHE = {
        "nginx": {
            "BACKEND": "mostwanted.cache_purge.NginxRefreshBackend",
            "LOCATION": FRONTEND_CACHE_PURGE_URL,
        }
    }
# Translations are purged explicitly (their slugs differ): no per-language URL rewriting.
WAGTAILFRONTENDCACHE_LANGUAGES = []

# --- Wagtail
WAGTAIL_SITE_NAME = env_str("SITE_NAME", "Most Wanted")
WAGTAILADMIN_BASE_URL = env_str("BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# No autosave: it posts the half-filled editor form every half second and each refusal (an
# empty photo row, a missing title) is a failed request in the console; it would also store
# half-written appeals as drafts. Editors save drafts themselves (docs/admin-csp.md).
WAGTAIL_AUTOSAVE_INTERVAL = 0
# Time zones offered on the admin account page. Wagtail's default (every zone the system
# knows) includes entries such as "localtime" that the browser rejects (a JavaScript error).
WAGTAIL_USER_TIME_ZONES = sorted({TIME_ZONE, "UTC"})

# --- Appeals: withdrawal of resolved appeals, cache lifetimes of public pages (seconds).
APPEAL_WITHDRAW_DAYS = env_int("APPEAL_WITHDRAW_DAYS", 30)
# A found missing person's page and photos go much sooner: their privacy comes first.
APPEAL_FOUND_WITHDRAW_DAYS = env_int("APPEAL_FOUND_WITHDRAW_DAYS", 7)
APPEALS_CACHE_MAX_AGE = env_int("APPEALS_CACHE_MAX_AGE", 60)
APPEALS_CACHE_S_MAXAGE = env_int("APPEALS_CACHE_S_MAXAGE", 300)
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000

# --- Tasks (django-tasks): immediate by default, the database backend in production.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# --- E-mail
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "mostwanted@localhost")
# Seconds before an SMTP operation gives up: a hung mail server must not outlast
# TIP_NOTIFY_RETRY_AFTER_SECONDS (a notification still sending would be sent again).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security headers (see mostwanted.middleware for the ones Django lacks)
SECURE_CONTENT_TYPE_NOSNIFF = True
# no-referrer everywhere, except pages that carry a POST form: under no-referrer browsers send
# "Origin: null" with the POST (Fetch spec) and Django's CSRF check refuses it, so those pages
# get same-origin (SecurityHeadersMiddleware). Either way nothing is sent to another site.
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), "
    "fullscreen=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), "
    "payment=(), picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), "
    "sync-xhr=(), usb=(), xr-spatial-tracking=(), interest-cohort=()"
)
# Content-Security-Policy: nothing by default, only 'self' for what pages need, never inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "manifest-src": [SELF],
    }
}
# The Wagtail admin (docs/admin-csp.md): these directives replace the ones above on /admin/.
# Scripts stay 'self' only (Wagtail's inline scripts are replaced, see mostwanted.admin_csp).
# The preview panel is a same-origin iframe. Wagtail's markup and JavaScript set style
# attributes and the rich-text editor (Draftail) adds <style> elements with run-time content,
# so styles may be inline in the admin only: CSS runs no script, and img-src/font-src/
# connect-src 'self' leave injected CSS no way to send anything to another site.
ADMIN_URL_PREFIX = "/admin/"
CONTENT_SECURITY_POLICY_ADMIN = {
    "frame-src": [SELF],
    # Incident videos play in the tip detail, streamed from the admin's own origin.
    "media-src": [SELF],
    "style-src": [SELF, UNSAFE_INLINE],
}

# Error reports never carry request bodies, cookies or headers.
DEFAULT_EXCEPTION_REPORTER_FILTER = "mostwanted.logging.RedactingExceptionReporterFilter"

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_client_address": {"()": "mostwanted.logging.NoClientAddressFilter"}},
    "formatters": {
        "plain": {
            "()": "mostwanted.logging.ExceptionClassFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["no_client_address"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        # Django's request logger would otherwise mail tracebacks with request data.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "gunicorn.error": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
    },
}

# Second factor: django-otp's per-device throttle refuses even the right code for 2^(n-1) s
# after n wrong ones, with no way to say why. Wrong codes are limited instead by
# tips.admin.throttle (5 per account and 20 per network per 15 minutes, then a page that
# says how long to wait), so a correct code is always accepted below that limit.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

# No third-party request from the admin either: no Gravatar avatars.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
