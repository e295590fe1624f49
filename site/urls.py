from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from .favicon import favicon
from .health import healthz

handler400 = "mostwanted.views.bad_request"  # translated page, with the request

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("", include("appeals.urls")),
]

if settings.MEDIA_SERVE_FROM_STORAGE:
    # Public images in the object store: served under the site's own /media/ (never the
    # store's host), for `make run` and deployments without the nginx media location.
    from .storage_views import serve_media

    urlpatterns += [path(f"{settings.MEDIA_URL.lstrip('/')}<path:path>", serve_media)]
elif settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Public pages in four languages: French at /, the others under /nl/, /de/, /en/.
urlpatterns += i18n_patterns(
    path("", include("tips.urls")),
    path("", include("appeals.urls_i18n")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
