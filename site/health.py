"""``/healthz`` for load balancers: are the database and (if configured) the cache answering?"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

#: Extra checks registered by apps: callables returning (name, ok, reason).
EXTRA_CHECKS: list = []


def check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        logger.warning("healthz: database check failed (%s)", type(exc).__name__)
        return "database unavailable"
    return None


def check_cache() -> str | None:
    if not settings.REDIS_URL:
        return None
    try:
        cache.set("healthz", "1", 10)
        if cache.get("healthz") != "1":
            return "cache unavailable"
    except Exception as exc:
        logger.warning("healthz: cache check failed (%s)", type(exc).__name__)
        return "cache unavailable"
    return None


@never_cache
@require_safe
def healthz(request):
    problems = [p for p in (check_database(), check_cache()) if p]
    for check in EXTRA_CHECKS:
        problem = check()
        if problem:
            problems.append(problem)
    if problems:
        return JsonResponse({"status": "unavailable", "reasons": problems}, status=503)
    return JsonResponse({"status": "ok"})
