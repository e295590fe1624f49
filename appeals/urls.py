"""Language-independent public URLs: sitemap, robots.txt, JSON API."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from .api import api, openapi_json
from .cache import public_cache
from .sitemap import SITEMAPS, robots_txt

urlpatterns = [
    path("robots.txt", robots_txt, name="robots_txt"),
    path("sitemap.xml", public_cache(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("api/v1/openapi.json", openapi_json, name="api_openapi"),
    path("api/v1/", api.urls),
]
