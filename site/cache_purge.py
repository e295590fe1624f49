"""Purge cached public pages when a page is published, unpublished or changes status.

A status change (active -> arrested) is saved by publishing the page, so ``page_published``
covers it; unpublishing (by an editor or the withdraw command) sends ``page_unpublished``.

On either signal, *after the transaction commits* (a purge that runs earlier would let the
proxy fetch the old page again):

1. the app-level page cache (``mostwanted.pagecache``) is invalidated as a whole, so every
   listing variant (filters, pages, languages) is rendered afresh on its next request;
2. the page's own URL is refreshed in the proxy at once, from a short-lived thread in the
   process that published (``refresh_page_now``; only with ``NginxRefreshBackend``, every
   request bounded to 5 s in all, failures logged by class): the editor's change is visible
   without waiting for the worker's poll or a previous publish's refresh batch;
3. the page, its live translations and their ancestors (the appeal index, the home page with
   its featured appeals) are sent to Wagtail's frontend cache (``wagtail.contrib.frontend_cache``),
   which runs the purge as a django-tasks task: immediately in development, in the worker in
   production. The page itself is in that task too, as a safety net if the thread was lost
   (process killed).

Wagtail's own frontend-cache signal handlers are disconnected: they purge before commit and
only the page itself.

The shipped nginx (``deploy/nginx.conf``) is nginx-light, without the ngx_cache_purge module,
so ``NginxRefreshBackend`` does not send ``PURGE``: it sends a plain ``GET`` with
``X-Cache-Bypass: 1`` to nginx's loopback-only refresh listener, which fetches the page from
the origin (``proxy_cache_bypass``) and overwrites the cache entry with it. A proxy or CDN that
understands ``PURGE`` (Varnish, most CDNs) can use Wagtail's ``HTTPBackend`` or a CDN backend in
``WAGTAILFRONTENDCACHE`` instead.

Settings: ``FRONTEND_CACHE_PURGE_URL`` (environment) sets ``WAGTAILFRONTENDCACHE`` to this
backend with that location (e.g. ``http://127.0.0.1:8081``); unset, only the app-level cache
is purged.
"""

from __future__ import annotations

import logging
import threading
import time
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit, urlunsplit
from urllib.request import Request, urlopen

from django.apps import AppConfig, apps
from django.db import transaction
from wagtail.contrib.frontend_cache import signal_handlers as wagtail_handlers
from wagtail.contrib.frontend_cache.backends.base import BaseBackend
from wagtail.contrib.frontend_cache.utils import PurgeBatch, get_backends
from wagtail.signals import page_published, page_unpublished

from .pagecache import invalidate_all

logger = logging.getLogger(__name__)

REFRESH_HEADER = "X-Cache-Bypass"
# Upper bound, in seconds, on the in-process refresh of the changed page (all its URLs).
IMMEDIATE_REFRESH_TIMEOUT = 5.0


class NginxRefreshBackend(BaseBackend):
    """Refresh a URL in the shipped nginx proxy cache (a re-fetching GET, not PURGE).

    ``LOCATION``: base URL of nginx's loopback refresh listener. ``TIMEOUT``: seconds per URL
    (default 10). The app-level cache is invalidated first so nginx stores a fresh render.
    """

    def __init__(self, params):
        params = dict(params)
        location = urlsplit(params.pop("LOCATION"))
        self.timeout = float(params.pop("TIMEOUT", 10))
        super().__init__(params)
        self.scheme = location.scheme or "http"
        self.netloc = location.netloc
        if self.scheme not in ("http", "https"):
            raise ValueError("NginxRefreshBackend LOCATION must be an http(s) URL")

    def purge_batch(self, urls) -> None:
        invalidate_all()
        for url in urls:
            self.purge(url)

    def purge(self, url, timeout=None) -> None:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        target = urlunsplit((self.scheme, self.netloc, parts.path or "/", parts.query, ""))
        request = Request(  # noqa: S310 (scheme checked in __init__)
            target,
            method="GET",
            headers={"Host": host, REFRESH_HEADER: "1", "User-Agent": "mostwanted-refresh"},
        )
        try:
            with urlopen(request, timeout=timeout or self.timeout) as response:  # noqa: S310
                response.read()  # let nginx finish storing the new entry
        except HTTPError as exc:
            # nginx stored the error page in place of the old entry (e.g. 404 after unpublish).
            if exc.code >= 500:
                logger.error("frontend cache refresh: HTTP %d for a page", exc.code)
        except (URLError, OSError) as exc:
            logger.error("frontend cache refresh failed (%s)", type(exc).__name__)


def _batches(page_ids):
    """Two purge batches: the pages themselves first (what the editor just changed), then
    their live translations and ancestors (index, home page)."""
    from wagtail.models import Page  # this module is an app: it loads before the models

    pages = list(Page.objects.filter(pk__in=page_ids))
    relatives = {}
    for page in pages:
        for translation in page.get_translations().live():
            relatives[translation.pk] = translation
    for page in [*pages, *relatives.values()]:
        for ancestor in page.get_ancestors().filter(depth__gt=1).live():
            relatives[ancestor.pk] = ancestor
    for page in pages:
        relatives.pop(page.pk, None)
    first, second = PurgeBatch(), PurgeBatch()
    first.add_pages(pages)
    second.add_pages(relatives.values())
    second.urls -= first.urls
    return [batch for batch in (first, second) if batch.urls]


def purge_pages(page_ids, *, invalidate=True) -> None:
    """Invalidate the app-level cache and purge ``page_ids`` (with relatives) from the proxy."""
    if invalidate:
        invalidate_all()
    try:
        for batch in _batches(page_ids):
            batch.purge()
    except Exception as exc:
        logger.error("frontend cache purge failed (%s)", type(exc).__name__)


def _refresh_urls(jobs) -> None:
    """Thread body: ``backend.purge(url)`` for each ``(backend, url)`` in ``jobs``, all within
    ``IMMEDIATE_REFRESH_TIMEOUT``. HTTP only, no database access (the thread leaves no
    connection open)."""
    deadline = time.monotonic() + IMMEDIATE_REFRESH_TIMEOUT
    try:
        for backend, url in jobs:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                logger.error("frontend cache refresh: immediate refresh timed out")
                return
            backend.purge(url, timeout=min(backend.timeout, remaining))
    except Exception as exc:
        logger.error("frontend cache immediate refresh failed (%s)", type(exc).__name__)


def refresh_page_now(page):
    """Refresh ``page``'s own URLs in the shipped proxy from a short-lived background thread.

    Call after commit and after the app-level cache generation bump. Returns the started
    thread, or ``None`` when no ``NginxRefreshBackend`` is configured (then the task alone
    purges). The thread is not a daemon: a process that exits (a management command) waits
    for it, at most ``IMMEDIATE_REFRESH_TIMEOUT`` seconds."""
    try:
        backends = [b for b in get_backends().values() if isinstance(b, NginxRefreshBackend)]
        if not backends:
            return None
        batch = PurgeBatch()
        batch.add_page(page)  # URL lookups (database) here, in the caller's thread
        jobs = [
            (backend, url)
            for backend in backends
            for url in sorted(batch.urls)
            if backend.invalidates_hostname(urlsplit(url).netloc)
        ]
        if not jobs:
            return None
        thread = threading.Thread(target=_refresh_urls, args=(jobs,), name="mostwanted-refresh")
        thread.start()
        return thread
    except Exception as exc:
        logger.error("frontend cache immediate refresh not started (%s)", type(exc).__name__)
        return None


def _after_commit(page) -> None:
    invalidate_all()  # before the refresh, so the proxy fetches a fresh render
    refresh_page_now(page)
    purge_pages([page.pk], invalidate=False)


def _on_page_change(sender, instance, **kwargs):
    transaction.on_commit(lambda: _after_commit(instance))


class CachePurgeConfig(AppConfig):
    name = "mostwanted.cache_purge"
    label = "mostwanted_cache_purge"
    verbose_name = "Cache purge"
    default = True

    def ready(self):
        from wagtail.models import Page  # this module is an app: it loads before the models

        for model in apps.get_models():
            if issubclass(model, Page):
                page_published.disconnect(
                    wagtail_handlers.page_published_signal_handler, sender=model
                )
                page_unpublished.disconnect(
                    wagtail_handlers.page_unpublished_signal_handler, sender=model
                )
        page_published.connect(_on_page_change, dispatch_uid="mostwanted-purge-published")
        page_unpublished.connect(_on_page_change, dispatch_uid="mostwanted-purge-unpublished")
