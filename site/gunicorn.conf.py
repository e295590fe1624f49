"""gunicorn configuration: workers from cores, sane timeouts, an access log without addresses."""

import multiprocessing
import os
import secrets

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")  # 127.0.0.1:8000 behind a local nginx
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# Threads (the gthread worker) by default: uploads reach the app unbuffered (deploy/nginx.conf,
# /tip/: no plaintext temp file), so a slow client holds whoever reads its body. With sync
# workers two clients sending 1 byte/s took the form down; here a slow body holds one thread
# of many, nginx caps connections per source (limit_conn), and the worker timeout (a
# heartbeat of the worker's main loop) no longer kills an honest upload that takes longer.
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
# The heartbeat file on a memory filesystem: no disk write per request, no stall on slow disks.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# Header limits (bodies are limited by nginx and Django's upload settings).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# No %(h)s (remote address), no %({x-forwarded-for}i)s, no query string (%(U)s is the path only).
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'

# The tip line's rate-limit keys are HMACs under a secret derived from this seed: made here,
# in the master's memory only (never from settings, never stored), inherited by every worker
# so they share one limit (tips/ratelimit.py, TIP_RATELIMIT_SECRET_STORE=memory).
_ratelimit_seed = secrets.token_bytes(32)


def post_fork(server, worker):
    from tips import ratelimit

    ratelimit.install_seed(_ratelimit_seed)


def worker_exit(server, worker):
    # Incident files cleaned in background threads (tips/cleaning.py, daemon threads) end
    # with the worker; their claims are released so the browser's next poll restarts them.
    import sys

    cleaning = sys.modules.get("tips.cleaning")  # not imported: nothing was cleaned here
    if cleaning is not None:
        cleaning.release_claims()
