"""Tip-line settings (tips/): intake limits, Argon2id costs, routing, sandboxes, follow-up,
triage and trust anchors. Imported by base.py; every ``TIP_*`` default is written here once."""

import os

from ..storage_settings import s3_enabled
from .env import env_int, env_str


def upload_chunk_bytes(*, s3: bool) -> int:
    """The default ``TIP_UPLOAD_CHUNK_BYTES`` (also used by bench/ for its S3 scenario)."""
    return (8 if s3 else 32) * 1024 * 1024


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
# Bytes per PATCH the browser sends (under the proxy's 64 MB body limit; a cut costs nothing:
# the bytes that arrived are kept). Each PATCH costs the web worker ~6 ms of CPU besides its
# bytes (the request, the row's claim and update, a new part): with 32 MiB PATCHes instead
# of 8 the workers spend ~1.2 CPU s per GB instead of ~1.9 (bench/README.md). With the tip
# store on S3 a PATCH's ciphertext is held in memory for its PUT (tips/media_store.py):
# 8 MiB there.
TIP_UPLOAD_CHUNK_BYTES = env_int("TIP_UPLOAD_CHUNK_BYTES", upload_chunk_bytes(s3=s3_enabled()))
TIP_VIDEO_SANDBOX_CPU_SECONDS = env_int("TIP_VIDEO_SANDBOX_CPU_SECONDS", 300)
TIP_VIDEO_SANDBOX_MEMORY_MB = env_int("TIP_VIDEO_SANDBOX_MEMORY_MB", 1024)
TIP_VIDEO_SANDBOX_WALL_SECONDS = env_int("TIP_VIDEO_SANDBOX_WALL_SECONDS", 900)
# Files cleaned at once in the background by one web process (tips/cleaning.py), each a
# sandbox child; more wait ("queued") for the browser's next poll.
TIP_VIDEO_CLEANERS_PER_PROCESS = env_int("TIP_VIDEO_CLEANERS_PER_PROCESS", 1)
# ... and by all the processes of all the nodes together (places in the shared database,
# tips/cleaning_slots.py): default the cores of one node, at least 2.
TIP_VIDEO_CLEANERS_TOTAL = env_int("TIP_VIDEO_CLEANERS_TOTAL", max(2, os.cpu_count() or 1))
# A video longer than this, or larger on its long edge, is refused (tips/video_sandbox.py).
TIP_VIDEO_MAX_EDGE = 8192
TIP_VIDEO_MAX_SECONDS = 6 * 3600
# Follow-up through the receipt (tips/followup): session idle/absolute lifetime in the shared
# cache (key only in an HttpOnly SameSite=Strict cookie), receipt attempts per source/site.
TIP_FOLLOWUP_IDLE_SECONDS = env_int("TIP_FOLLOWUP_IDLE_SECONDS", 10 * 60)
TIP_FOLLOWUP_MAX_SECONDS = env_int("TIP_FOLLOWUP_MAX_SECONDS", 3600)
TIP_FOLLOWUP_RATE_PER_SOURCE = env_str("TIP_FOLLOWUP_RATE_PER_SOURCE", "10/h")
TIP_FOLLOWUP_RATE_GLOBAL = env_str("TIP_FOLLOWUP_RATE_GLOBAL", "120/m")
TIP_FOLLOWUP_RATE_PER_PREFIX = env_str("TIP_FOLLOWUP_RATE_PER_PREFIX", "10/h")

# --- Triage (Wagtail admin "Tips" area): vault expiry, retention.
VAULT_IDLE_SECONDS = env_int("VAULT_IDLE_SECONDS", 15 * 60)
VAULT_MAX_SECONDS = env_int("VAULT_MAX_SECONDS", 8 * 3600)
TIP_RETENTION_DAYS = env_int("TIP_RETENTION_DAYS", 365)
TIP_SPAM_RETENTION_DAYS = env_int("TIP_SPAM_RETENTION_DAYS", 30)
# The queue's capture-time order opens every listed tip once per vault session (the times
# are sealed): above this many tips it asks for a filter and orders the page shown only.
TIP_CAPTURE_ORDER_MAX = env_int("TIP_CAPTURE_ORDER_MAX", 5000)
# Days a reader copy (a tip shared with a reader) stays open; hours an enrolment code lasts.
TIP_READER_DAYS = 30
TIP_ENROLMENT_CODE_HOURS = 72
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
