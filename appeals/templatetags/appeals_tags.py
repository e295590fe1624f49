"""Template helpers of the public site: language links, navigation, status badges.

Nothing here touches the session, the user or CSRF: public pages stay cacheable.
"""

from urllib.parse import parse_qsl, urlencode

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from wagtail.models import Page

from ..choices import Status
from ..lookups import emergency_numbers as lookup
from ..lookups import index_url

register = template.Library()


def _page_translations(page, request) -> dict[str, str]:
    urls = {}
    for tr in page.get_translations(inclusive=True).live().select_related("locale"):
        url = tr.get_url(request)
        if url:
            urls[tr.locale.language_code] = url
    return urls


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """One entry per site language: code, name, url, whether current, whether translated.

    On a Wagtail page the links lead to its translations (or to the other language's home
    page when there is none); elsewhere to the same URL in the other language.
    """
    request = context.get("request")
    current = translation.get_language()
    page = context.get("page")
    links = []
    translated = {}
    if isinstance(page, Page) and request is not None:
        translated = _page_translations(page, request)
    for code, name in settings.LANGUAGES:
        if translated:
            url = translated.get(code) or ("/" if code == "fr" else f"/{code}/")
        elif request is not None:
            url = translate_url(request.path, code)
        else:
            url = "/" if code == "fr" else f"/{code}/"
        links.append(
            {
                "code": code,
                "name": name,
                "url": url,
                "current": code == current,
                "translated": code in translated,
            }
        )
    return links


@register.simple_tag(takes_context=True)
def absolute(context, url: str) -> str:
    request = context.get("request")
    if request is None or url.startswith(("http://", "https://")):
        return url
    return request.build_absolute_uri(url)


@register.simple_tag(takes_context=True)
def appeals_index_url(context) -> str:
    """URL of the appeal index in the current language."""
    return index_url(context.get("request"))


@register.simple_tag(takes_context=True)
def emergency_numbers(context) -> dict:
    """{"emergency": "112", "police": "101"} from the site settings (cached)."""
    return lookup(context.get("request"))


@register.simple_tag
def home_url() -> str:
    lang = translation.get_language()
    return "/" if lang == settings.LANGUAGE_CODE else f"/{lang}/"


@register.filter
def status_class(status: str) -> str:
    return {
        Status.ACTIVE: "badge--active",
        Status.ARRESTED: "badge--arrested",
        Status.IDENTIFIED: "badge--identified",
        Status.FOUND: "badge--found",
        Status.CLOSED: "badge--closed",
    }.get(status, "badge--active")


@register.simple_tag
def query_with(query: str, **kwargs) -> str:
    """``query`` (an urlencoded string) with the given parameters replaced."""
    params = dict(parse_qsl(query))
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return urlencode(params)
