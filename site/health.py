"""``/healthz`` for load balancers: are the database and (if configured) the cache answering?

200 ``{"status": "ok"}`` when they do, 503 with the reasons when not. Problems that do not
make this node unfit to serve (a desk that cannot read its tips, no recovery key) are
``"warnings"``: short public codes that name no desk, person or key, with status 200, so a
load balancer keeps the node while monitoring alerts an operator.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

#: Extra checks registered by apps: callables returning a reason (str) or None.
EXTRA_CHECKS: list = []
#: Warning checks registered by apps: callables returning a list of warning codes.
WARNING_CHECKS: list = []


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
    warnings = []
    for check in WARNING_CHECKS:
        try:
            warnings.extend(check())
        except Exception as exc:  # a warning check never turns health into an error page
            logger.warning("healthz: warning check failed (%s)", type(exc).__name__)
    if warnings:
        return JsonResponse({"status": "ok", "warnings": warnings})
    return JsonResponse({"status": "ok"})
