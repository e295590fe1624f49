"""Settings shared by every environment. Everything that varies comes from the environment."""

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE

from ..storage_settings import s3_enabled, s3_storages
from .env import env_bool, env_int, env_list, env_str

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
    from urllib.parse import urlsplit, urlunsplit

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

# --- Tip line (tips/): limits, Argon2id costs, routing. See tips/crypto.py for the reasoning.
TIP_MAX_FILES = env_int("TIP_MAX_FILES", 10)
TIP_MAX_FILE_BYTES = env_int("TIP_MAX_FILE_BYTES", 25 * 1024 * 1024)
TIP_MAX_TOTAL_BYTES = env_int("TIP_MAX_TOTAL_BYTES", 60 * 1024 * 1024)
# A slow body holds a worker thread: uploads slower than this on average (after the grace
# period) or longer than the deadline are stopped, the text kept (tips/uploads.py).
TIP_UPLOAD_MIN_BYTES_PER_SECOND = env_int("TIP_UPLOAD_MIN_BYTES_PER_SECOND", 1024)
TIP_UPLOAD_GRACE_SECONDS = env_int("TIP_UPLOAD_GRACE_SECONDS", 60)
TIP_UPLOAD_DEADLINE_SECONDS = env_int("TIP_UPLOAD_DEADLINE_SECONDS", 1800)
# Vault passphrases (human-chosen): strong Argon2id, memory in KiB.
TIP_PASSPHRASE_ARGON2 = {
    "memory_cost": env_int("TIP_PASSPHRASE_ARGON2_MEMORY_KIB", 64 * 1024),
    "iterations": env_int("TIP_PASSPHRASE_ARGON2_ITERATIONS", 3),
    "lanes": env_int("TIP_PASSPHRASE_ARGON2_LANES", 4),
}
# Receipts (>= 93 random bits): a cheap Argon2id is enough and keeps submission fast.
TIP_RECEIPT_ARGON2 = {
    "memory_cost": env_int("TIP_RECEIPT_ARGON2_MEMORY_KIB", 2 * 1024),
    "iterations": env_int("TIP_RECEIPT_ARGON2_ITERATIONS", 1),
    "lanes": 1,
}
# Installation-wide receipt lookup salt (hex). Empty: a random salt kept in the database.
TIP_RECEIPT_SALT = env_str("TIP_RECEIPT_SALT")
# Desk receiving general tips (no appeal, or a resolved one). Empty: the supervisors' choice
# in Settings → Tip line. Never a fallback to another desk (tips.selectors).
TIP_DEFAULT_DESK_ID = env_int("TIP_DEFAULT_DESK_ID", 0) or None
# Public intake (tips/views.py, tips/ratelimit.py, tips/antispam.py). Rates use
# django-ratelimit's syntax; the client address is REMOTE_ADDR (the proxy must set it), or
# the X-Forwarded-For entry added by the nearest of TIP_TRUSTED_PROXY_COUNT trusted proxies.
TIP_RATE_PER_SOURCE = env_str("TIP_RATE_PER_SOURCE", "5/h")
TIP_RATE_GLOBAL = env_str("TIP_RATE_GLOBAL", "600/m")
# Attempts (accepted or not) one source may make: empty = 6 times TIP_RATE_PER_SOURCE.
# An IPv6 source is its /TIP_IPV6_PREFIX network.
TIP_ATTEMPTS_PER_SOURCE = env_str("TIP_ATTEMPTS_PER_SOURCE", "")
TIP_IPV6_PREFIX = env_int("TIP_IPV6_PREFIX", 64)
# ... except Tor circuits of the onion service (fake addresses from Tor's circuit ids, see
# docs/tor.md): each one is its own source.
TIP_TOR_CIRCUIT_NETWORK = env_str("TIP_TOR_CIRCUIT_NETWORK", "fc00:dead:beef:4dad::/64")
# Where the daily rate-limit secret lives: "memory" (per gunicorn master, never stored:
# seizure-safe) or "cache" (shared by every node through Redis). tips/ratelimit.py.
TIP_RATELIMIT_SECRET_STORE = env_str("TIP_RATELIMIT_SECRET_STORE", "memory")
TIP_TRUSTED_PROXY_COUNT = env_int("TIP_TRUSTED_PROXY_COUNT", 0)
TIP_FORM_MIN_SECONDS = env_int("TIP_FORM_MIN_SECONDS", 3)
# On the onion host (ONION_HOST) a longer wait before a form can be sent: the application's
# own no-JavaScript cost per tip for circuits, which are cheap to make (docs/tor.md).
TIP_ONION_FORM_MIN_SECONDS = env_int("TIP_ONION_FORM_MIN_SECONDS", 20)
TIP_FORM_MAX_AGE = env_int("TIP_FORM_MAX_AGE", 2 * 3600)
TIP_MAX_TEXT_CHARS = env_int("TIP_MAX_TEXT_CHARS", 20_000)
TIP_MAX_IMAGE_PIXELS = env_int("TIP_MAX_IMAGE_PIXELS", 50_000_000)
# Stored photos are re-encoded at most this many pixels on the long edge (tips/sanitize.py
# explains the choice: investigator detail vs. worker memory and time).
TIP_IMAGE_MAX_EDGE = env_int("TIP_IMAGE_MAX_EDGE", 4096)
# Photos are decoded in a sandbox process (tips/sandbox.py) with these limits, after budgets
# checked before decoding (tips/sanitize.py): together any allowed file costs < 2 s, 256 MB.
TIP_IMAGE_MAX_DECODED_PIXELS = env_int("TIP_IMAGE_MAX_DECODED_PIXELS", 32_000_000)
TIP_IMAGE_MAX_SCANS = env_int("TIP_IMAGE_MAX_SCANS", 40)
TIP_IMAGE_MAX_PIXELS_PER_BYTE = env_int("TIP_IMAGE_MAX_PIXELS_PER_BYTE", 250)
TIP_SANDBOX_CPU_SECONDS = env_int("TIP_SANDBOX_CPU_SECONDS", 4)
TIP_SANDBOX_MEMORY_MB = env_int("TIP_SANDBOX_MEMORY_MB", 384)
TIP_SANDBOX_WALL_SECONDS = env_int("TIP_SANDBOX_WALL_SECONDS", 10)
# Incident media (tips/resumable.py, tips/video_sandbox.py): largest file through the
# resumable endpoint, unfinished uploads' lifetime, the video sandbox's limits.
TIP_INCIDENT_MAX_FILE_BYTES = env_int("TIP_INCIDENT_MAX_FILE_BYTES", 4 * 1024**3)
TIP_UPLOAD_EXPIRY_HOURS = env_int("TIP_UPLOAD_EXPIRY_HOURS", 24)
TIP_UPLOAD_CREATE_RATE = env_str("TIP_UPLOAD_CREATE_RATE", "60/h")  # files begun per source
# Bytes per PATCH the browser sends (under the proxy's body limit): a cut costs at most one.
TIP_UPLOAD_CHUNK_BYTES = env_int("TIP_UPLOAD_CHUNK_BYTES", 8 * 1024 * 1024)
TIP_VIDEO_SANDBOX_CPU_SECONDS = env_int("TIP_VIDEO_SANDBOX_CPU_SECONDS", 300)
TIP_VIDEO_SANDBOX_MEMORY_MB = env_int("TIP_VIDEO_SANDBOX_MEMORY_MB", 1024)
TIP_VIDEO_SANDBOX_WALL_SECONDS = env_int("TIP_VIDEO_SANDBOX_WALL_SECONDS", 900)
# Follow-up through the receipt (tips/followup): session idle/absolute lifetime in the shared
# cache (key only in an HttpOnly SameSite=Strict cookie), receipt attempts per source/site.
TIP_FOLLOWUP_IDLE_SECONDS = env_int("TIP_FOLLOWUP_IDLE_SECONDS", 10 * 60)
TIP_FOLLOWUP_MAX_SECONDS = env_int("TIP_FOLLOWUP_MAX_SECONDS", 3600)
TIP_FOLLOWUP_RATE_PER_SOURCE = env_str("TIP_FOLLOWUP_RATE_PER_SOURCE", "10/h")
TIP_FOLLOWUP_RATE_GLOBAL = env_str("TIP_FOLLOWUP_RATE_GLOBAL", "120/m")
TIP_FOLLOWUP_RATE_PER_PREFIX = env_str("TIP_FOLLOWUP_RATE_PER_PREFIX", "10/h")

# --- Triage (Wagtail admin "Tips" area): vault expiry, retention.
# No third-party request from the admin either: no Gravatar avatars.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
VAULT_IDLE_SECONDS = env_int("VAULT_IDLE_SECONDS", 15 * 60)
VAULT_MAX_SECONDS = env_int("VAULT_MAX_SECONDS", 8 * 3600)
TIP_RETENTION_DAYS = env_int("TIP_RETENTION_DAYS", 365)
TIP_SPAM_RETENTION_DAYS = env_int("TIP_SPAM_RETENTION_DAYS", 30)
# requeue_notifications: tips still not notified this long after arrival are queued again,
# and notification claims / running notification tasks this old count as dead.
TIP_NOTIFY_RETRY_AFTER_SECONDS = env_int("TIP_NOTIFY_RETRY_AFTER_SECONDS", 120)
# URL names tried for the admin link of a notification, in order (the queue's detail first).
TIP_ADMIN_URL_NAMES = ("tips_admin:detail", "tips_tip:inspect", "tips_tip:edit")
# --- Trust anchors (tips/trust.py, docs/trust.md): what a database writer cannot change.
# Fingerprints (key ids) of the recovery public keys the server may seal to, comma-separated
# (the active one plus any older one still named by a desk key). Printed by
# `manage.py import_recovery_key`. Every seal checks the recovery key against this list.
TIP_RECOVERY_KEY_FINGERPRINT = env_str("TIP_RECOVERY_KEY_FINGERPRINT")
# Optional file of trusted fingerprints (one a line), deployed with the code, or written
# into var/ by the demo and by dev/test recovery keys (TIP_RECOVERY_KEY_AUTO_TRUST).
TIP_RECOVERY_KEY_FINGERPRINT_FILE = env_str("TIP_RECOVERY_KEY_FINGERPRINT_FILE")
TIP_RECOVERY_KEY_AUTO_TRUST = False
# Secret (>= 32 random bytes, base64 or hex) outside the database: authenticates desk and
# member public keys (a swapped key is refused) and encrypts TOTP secrets at rest. Empty:
# derived from SECRET_KEY in development and tests; required in production.
TIP_TRUST_KEY = env_str("TIP_TRUST_KEY")
TIP_TRUST_KEY_REQUIRED = False
# Refuse new keys without ML-KEM (no silent fallback to X25519); on in production.
TIP_REQUIRE_HYBRID_SUITE = False
