"""App-level page cache for public pages, kept in the shared cache (Redis).

A reverse proxy or CDN in front does most of the work during a spike; this cache protects the
origin itself (several web nodes share one Redis, so a page is rendered once per publish, not
once per node and request).

What is cached (all conditions must hold):

* the request is ``GET`` or ``HEAD`` (a ``HEAD`` is answered from the ``GET`` entry), carries no
  session cookie (anonymous visitor) and its path is not excluded (``/tip/`` in every language,
  follow-up, ``/admin/``, ``/django-admin/``, ``/healthz``, ``/documents/``, static and media);
* the response is a 200, not streaming, says ``Cache-Control: public`` (and not ``private``,
  ``no-cache`` or ``no-store``), sets no cookie and does not vary on ``Cookie`` or ``*``.

The key is the host, the path, the active language and only the query parameters the page
reads: a view that reads some declares them with ``reads_query(request, names)`` (the appeal
index and the API's list: their filters and ``page``); every other page reads none, so
``?junk=1`` is served from, and never adds to, the page's one entry. A small marker entry under
the bare path remembers which parameters a path reads. Every
entry also carries a site-wide *generation* number: publishing, unpublishing or changing the
status of any page bumps it (``invalidate_all``), so every cached page, including each
filtered or paginated listing, is dropped at once. Entries live at most
``min(PAGE_CACHE_SECONDS, s-maxage or max-age)`` seconds.

Settings: ``PAGE_CACHE_ENABLED`` (default: on when the shared cache is Redis, since an
in-process cache cannot be purged across processes), ``PAGE_CACHE_SECONDS`` (default 300),
``PAGE_CACHE_ALIAS`` (default ``"default"``), ``PAGE_CACHE_EXCLUDE`` (regular expressions on
the path, added to the built-in ones). Responses carry ``X-Page-Cache: hit|miss`` when the
cache was consulted.

Failure of the cache never fails a request: errors are logged by class name and the page is
rendered as if there were no cache.
"""

from __future__ import annotations

import hashlib
import logging
import re

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import cc_delim_re, get_max_age

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
#: Never cached, whatever the response says (``{langs}`` is every language code).
BUILTIN_EXCLUDE = (
    r"^/(?:(?:{langs})/)?tip(?:/|$)",  # tip form, receipt, follow-up, in every language
    r"^/admin(?:/|$)",
    r"^/django-admin(?:/|$)",
    r"^/healthz",
    r"^/documents/",
    r"^/static/",
    r"^/media/",
)
#: Headers that must never be replayed from a cache entry.
_DROP_HEADERS = {"set-cookie", "date", "x-page-cache"}


#: Request attribute a view sets (through ``reads_query``) to the query parameters it reads.
_READS_ATTR = "_page_cache_reads"
#: Marker stored under the bare key of a page that reads query parameters.
_READS_MARKER = "reads"


def reads_query(request, names) -> None:
    """Declare that the page answering ``request`` reads the query parameters ``names``."""
    setattr(request, _READS_ATTR, tuple(sorted(set(names))))


def _settings():
    langs = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
    builtin = tuple(pattern.replace("{langs}", langs) for pattern in BUILTIN_EXCLUDE)
    return {
        "enabled": settings.PAGE_CACHE_ENABLED,
        "seconds": int(settings.PAGE_CACHE_SECONDS),
        "alias": settings.PAGE_CACHE_ALIAS,
        "exclude": re.compile("|".join((*builtin, *settings.PAGE_CACHE_EXCLUDE))),
    }


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def invalidate_all() -> None:
    """Drop every cached page (all hosts, paths and languages) by bumping the generation."""
    cache = _cache()
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # no generation yet
            cache.set(GENERATION_KEY, 1, None)
    except Exception as exc:
        logger.warning("page cache: invalidation failed (%s)", type(exc).__name__)


def _cacheable_response(response) -> int:
    """Seconds ``response`` may be cached for, 0 when it must not be cached."""
    if response.status_code != 200 or response.streaming:
        return 0
    if response.cookies or response.has_header("Set-Cookie"):
        return 0
    vary = {v.strip().lower() for v in cc_delim_re.split(response.get("Vary", "")) if v}
    if "cookie" in vary or "*" in vary:
        return 0
    directives = {
        d.split("=", 1)[0].strip().lower()
        for d in cc_delim_re.split(response.get("Cache-Control", ""))
        if d
    }
    if "public" not in directives or directives & {"private", "no-cache", "no-store"}:
        return 0
    s_maxage = None
    for d in cc_delim_re.split(response.get("Cache-Control", "")):
        name, _, value = d.partition("=")
        if name.strip().lower() == "s-maxage" and value.strip().isdigit():
            s_maxage = int(value.strip())
    lifetime = s_maxage if s_maxage is not None else get_max_age(response)
    return max(0, lifetime or 0)


class PageCacheMiddleware:
    """Serve anonymous public GET/HEAD requests from the shared cache.

    Place it after ``LocaleMiddleware`` (the language is part of the key) and before the
    middleware that does per-request work (CSRF, authentication, CSP).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        conf = _settings()
        self.enabled = conf["enabled"]
        self.seconds = conf["seconds"]
        self.exclude = conf["exclude"]
        self.session_cookie = settings.SESSION_COOKIE_NAME

    def _eligible(self, request) -> bool:
        return (
            self.enabled
            and self.seconds > 0
            and request.method in ("GET", "HEAD")
            and self.session_cookie not in request.COOKIES
            and not self.exclude.search(request.path_info)
        )

    def _key(self, request, generation, reads=()) -> str:
        query = "&".join(f"{name}={value}" for name in reads for value in request.GET.getlist(name))
        raw = "\n".join((request.get_host(), request.path, query, translation.get_language() or ""))
        digest = hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()
        return f"pagecache:{generation}:{digest}"

    def _lookup(self, cache, request, generation):
        """The cached entry for ``request`` (or None) and the key its response belongs under."""
        key = self._key(request, generation)
        entry = cache.get(key)
        if isinstance(entry, dict) and _READS_MARKER in entry:
            key = self._key(request, generation, entry[_READS_MARKER])
            entry = cache.get(key)
        return entry, key

    def __call__(self, request):
        if not self._eligible(request):
            return self.get_response(request)
        cache = _cache()
        key = generation = None
        try:
            generation = cache.get(GENERATION_KEY, 0)
            entry, key = self._lookup(cache, request, generation)
        except Exception as exc:
            logger.warning("page cache: lookup failed (%s)", type(exc).__name__)
            entry = None
        if entry is not None:
            status, headers, content = entry
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            response["X-Page-Cache"] = "hit"
            return response

        response = self.get_response(request)
        if key is None or request.method != "GET":
            return response
        lifetime = min(self.seconds, _cacheable_response(response))
        if lifetime <= 0:
            return response
        headers = [
            (name, value) for name, value in response.items() if name.lower() not in _DROP_HEADERS
        ]
        reads = getattr(request, _READS_ATTR, ())
        try:
            if reads:
                bare = self._key(request, generation)
                cache.set(bare, {_READS_MARKER: reads}, lifetime)
                key = self._key(request, generation, reads)
            cache.set(key, (response.status_code, headers, response.content), lifetime)
        except Exception as exc:
            logger.warning("page cache: store failed (%s)", type(exc).__name__)
            return response
        response["X-Page-Cache"] = "miss"
        return response
