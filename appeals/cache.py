"""Cache headers for public pages: shared caches (CDN, reverse proxy) may keep them."""

from functools import wraps

from django.conf import settings
from django.utils.cache import patch_cache_control


def max_ages() -> tuple[int, int]:
    return (
        settings.APPEALS_CACHE_MAX_AGE,
        settings.APPEALS_CACHE_S_MAXAGE,
    )


def mark_public(response):
    """Let browsers keep ``response`` briefly and shared caches a little longer."""
    max_age, s_maxage = max_ages()
    patch_cache_control(response, public=True, max_age=max_age, s_maxage=s_maxage)
    return response


def mark_private(response):
    patch_cache_control(response, private=True, no_cache=True, no_store=True)
    return response


def public_cache(view):
    """View decorator: successful GET/HEAD responses are publicly cacheable."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code in (200, 301, 404):
            mark_public(response)
        return response

    return wrapped
