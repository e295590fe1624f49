"""Small, rarely-changing lookups shared by every public page, kept in the cache.

Each is invalidated by ``appeals.signals`` when its source changes, and expires anyway.
"""

import logging

from django.conf import settings
from django.core.cache import cache as _cache
from django.db import DatabaseError
from django.utils import translation
from wagtail.models import Locale, Site

from .models import AppealIndexPage, EmergencySettings, Offence
from .regions import Region

TTL = 300
logger = logging.getLogger(__name__)


class _FailSoftCache:
    """The shared cache, but an outage (Redis down) only costs a database query, never a 500."""

    def _call(self, method, *args, default=None):
        try:
            return getattr(_cache, method)(*args)
        except Exception as exc:
            logger.warning("appeals lookup cache %s failed (%s)", method, type(exc).__name__)
            return default

    def get(self, key):
        return self._call("get", key)

    def set(self, key, value, timeout):
        self._call("set", key, value, timeout)

    def delete_many(self, keys):
        self._call("delete_many", keys)


cache = _FailSoftCache()


def _key(name: str, *parts) -> str:
    return "appeals:" + name + ":" + ":".join(str(p) for p in parts)


def index_url(request) -> str:
    """URL of the appeal index in the current language."""
    lang = translation.get_language()
    key = _key("index-url", lang)
    url = cache.get(key)
    if url is None:
        home = "/" if lang == "fr" else f"/{lang}/"
        try:
            index = (
                AppealIndexPage.objects.live()
                .filter(locale__language_code=lang)
                .only("id", "url_path", "path", "depth")
                .first()
            )
            url = index.get_url(request) if index else home
        except DatabaseError as exc:  # an outage: link home, do not cache
            logger.warning("index url: database unavailable (%s)", type(exc).__name__)
            return home
        cache.set(key, url, TTL)
    return url


def emergency_numbers(request) -> dict:
    """The numbers shown on every page. A database outage shows the defaults (the tip form's
    "service unavailable" page and its emergency banner must still render), uncached."""
    try:
        return _emergency_numbers(request)
    except DatabaseError as exc:
        logger.warning("emergency numbers: database unavailable (%s)", type(exc).__name__)
        return {"emergency": "112", "police": "101"}


def _emergency_numbers(request) -> dict:
    site = Site.find_for_request(request) if request is not None else None
    key = _key("emergency", site.pk if site else 0)
    numbers = cache.get(key)
    if numbers is None:
        numbers = {"emergency": "112", "police": "101"}
        if site is not None:
            setting = EmergencySettings.for_site(site)
            numbers = {
                "emergency": setting.emergency_number or "112",
                "police": setting.police_number or "101",
            }
        cache.set(key, numbers, TTL)
    return numbers


def offences(locale_id: int) -> list[Offence]:
    """Every offence of one language: the filter's options, and the translations of the
    offences an appeal links in another language."""
    key = _key("offences", locale_id)
    found = cache.get(key)
    if not isinstance(found, list) or (found and not isinstance(found[0], Offence)):
        found = list(Offence.objects.filter(locale_id=locale_id))
        cache.set(key, found, TTL)
    return found


def offence_options(locale_id: int) -> list[tuple[str, str]]:
    return [(o.slug, o.name) for o in offences(locale_id)]


def regions(locale_id: int) -> list[Region]:
    """The regions (snippets) of one language, for the index's region and country filters."""
    key = _key("regions", locale_id)
    found = cache.get(key)
    if found is None:
        found = list(Region.objects.filter(locale_id=locale_id))
        cache.set(key, found, TTL)
    return found


def forget(name: str) -> None:
    """Drop every cached value of lookup ``name`` (cheap: few keys per name)."""
    if name == "index-url":
        cache.delete_many([_key(name, code) for code, _ in settings.LANGUAGES])
    elif name in ("offences", "regions"):
        cache.delete_many([_key(name, pk) for pk in Locale.objects.values_list("pk", flat=True)])
    elif name == "emergency":
        cache.delete_many(
            [_key(name, pk) for pk in [0, *Site.objects.values_list("pk", flat=True)]]
        )
