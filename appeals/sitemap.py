"""sitemap.xml of every public page in every language, and robots.txt."""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.http import HttpResponse
from django.urls import reverse
from wagtail.models import Page

from .cache import public_cache
from .models import AppealIndexPage, AppealPage, HomePage


class PublicPagesSitemap(Sitemap):
    limit = 5000

    def items(self):
        return (
            Page.objects.live()
            .public()
            .type(HomePage, AppealIndexPage, AppealPage)
            .order_by("path")
            .only("id", "url_path", "last_published_at", "locale_id", "depth", "path")
        )

    def location(self, item):
        parts = item.get_url_parts()
        return parts[2] if parts else ""

    def lastmod(self, item):
        return item.last_published_at


SITEMAPS = {"pages": PublicPagesSitemap}


@public_cache
def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/"]
    for code, _name in settings.LANGUAGES:
        prefix = "" if code == settings.LANGUAGE_CODE else f"/{code}"
        lines.append(f"Disallow: {prefix}/tip/")
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
