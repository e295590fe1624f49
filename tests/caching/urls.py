"""A small URLconf for the page cache tests: public, private and cookie-setting views."""

import itertools

from django.http import HttpResponse
from django.urls import include, path
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

_counter = itertools.count()


def public(request):
    response = HttpResponse(f"public {next(_counter)} {get_language()}")
    patch_cache_control(response, public=True, max_age=60, s_maxage=300)
    return response


def listing(request):
    """Reads ``page`` (and declares it), like the appeal index reads its filters."""
    from mostwanted.pagecache import reads_query

    reads_query(request, ["page"])
    return public(request)


def private(request):
    response = HttpResponse(f"private {next(_counter)}")
    patch_cache_control(response, private=True)
    return response


def sets_cookie(request):
    response = public(request)
    response.set_cookie("x", "1")
    return response


def varies_on_cookie(request):
    response = public(request)
    response["Vary"] = "Cookie"
    return response


def plain(request):
    return HttpResponse(f"plain {next(_counter)}")


urlpatterns = [
    path("public/", public),
    path("listing/", listing),
    path("private/", private),
    path("cookie/", sets_cookie),
    path("vary/", varies_on_cookie),
    path("plain/", plain),
    path("tip/", public),
    path("nl/tip/follow-up/", public),
    path("admin/x/", public),
    # Middleware of other apps reverses admin URL names on every request.
    path("admin/", include("wagtail.admin.urls")),
]
