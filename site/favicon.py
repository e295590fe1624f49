"""``/favicon.ico``: browsers and feed readers ask for it at the root whatever the page says.

Served from our own static files (no third party), publicly cacheable for a day.
"""

from functools import cache

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

ICON = "img/favicon.ico"


@cache
def _icon_bytes() -> bytes:
    path = finders.find(ICON)
    if path:
        with open(path, "rb") as fh:
            return fh.read()
    with staticfiles_storage.open(ICON) as fh:  # collected static files only
        return fh.read()


@require_safe
def favicon(request):
    response = HttpResponse(_icon_bytes(), content_type="image/x-icon")
    patch_cache_control(response, public=True, max_age=86400)
    return response
