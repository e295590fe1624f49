"""Walk every URL pattern of the project and check the security headers on every answer.

The set asserted is what scores A+ on the Mozilla HTTP Observatory: a Content-Security-Policy
without ``unsafe-inline``/``unsafe-eval`` (scripts) that forbids framing, objects and base
tags; ``X-Content-Type-Options: nosniff``; ``X-Frame-Options: DENY``; ``Referrer-Policy:
no-referrer``; ``Cross-Origin-Opener-Policy`` and ``Cross-Origin-Resource-Policy:
same-origin``; and, with the production settings, HSTS (two years, sub-domains, preload) and
cookies that are Secure, HttpOnly, SameSite and ``__Host-`` prefixed.

Every pattern is reached in each language (i18n prefixes), anonymously and (for /admin/)
as a signed-in superuser, with GET and with a CSRF-less POST (so 403/405/404 error pages are
covered too). Path converters are filled with real object ids where one exists.
"""

from __future__ import annotations

import importlib
import re
import sys

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern

from tests.conftest import login_verified

pytestmark = pytest.mark.django_db

STATIC_SAMPLE = "/static/css/site.css"

# Regex patterns (Wagtail's) and a sample that each matches.
REGEX_SAMPLES = {
    r"^.*/$": "no-such-admin-page/",
    r"^(\d+)/(.*)$": "1/document.pdf",
    r"^((?:[\w\-]+/)*)$": "",
    r"^(\d+)/revisions/compare/(live|earliest|\d+)\.\.\.(live|latest|\d+)/$": (
        "{page_id}/revisions/compare/earliest...live/"
    ),
}

# Wagtail's deliberate error-page test view (superusers only).
# Signed-in staff are walked with GET only: several Wagtail admin views answer an empty POST
# with a 500 (pages/<id>/copy/, redirects/import/process/, choose-external-link/, snippet
# chooser create/) - upstream robustness bugs reachable only by a signed-in editor.
KNOWN_STAFF_500 = {("staff", "GET", "/admin/failwhale/")}

# Wagtail's live preview is framed by the admin itself: same-origin framing is its purpose.
PREVIEW_RE = re.compile(r"^/admin/.*/preview/")

# Observatory A+ set for every response (HTML or not).
COMMON = {
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}

# Both score full marks on the Observatory and send nothing to another site. Pages with a POST
# form must use same-origin: under no-referrer, browsers send "Origin: null" with the POST
# (Fetch spec) and Django's CSRF origin check refuses it.
REFERRER_POLICIES = {"no-referrer", "same-origin"}
FORM_POST_RE = re.compile(rb"<form[^>]*method=[\"']?post", re.IGNORECASE)

_CONVERTER_RE = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")


def _walk(patterns, prefix=()):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, (*prefix, p.pattern))
        elif isinstance(p, URLPattern):
            yield (*prefix, p.pattern), p


def _fill_route(route: str, ids: dict) -> str:
    def sample(match):
        conv, name = match.group("conv") or "str", match.group("name")
        if conv == "int":
            return str(ids.get(name, ids["default_int"]))
        if conv == "uuid":
            return "00000000-0000-4000-8000-000000000000"
        if conv == "slug":
            return "sample-slug"
        if conv == "path":
            return "sample/path"
        return str(ids.get(name, "1"))

    return _CONVERTER_RE.sub(sample, route)


def _part(pattern, lang: str, ids: dict) -> str | None:
    if isinstance(pattern, LocalePrefixPattern):
        return "" if lang == settings.LANGUAGE_CODE else f"{lang}/"
    if isinstance(pattern, RoutePattern):
        return _fill_route(str(pattern), ids)
    if isinstance(pattern, RegexPattern):
        regex = pattern._regex
        if regex in REGEX_SAMPLES:
            return REGEX_SAMPLES[regex].format(**ids)
        stripped = regex.lstrip("^").rstrip("$").replace("\\", "")
        return None if any(c in stripped for c in "()[]*+?|{}") else stripped
    return None


def all_urls(ids: dict) -> tuple[list[str], list[str]]:
    """(urls, unreachable patterns) for every pattern in every language."""
    urls, unreachable = [], []
    for parts, _pattern in _walk(get_resolver().url_patterns):
        langs = (
            [code for code, _ in settings.LANGUAGES]
            if any(isinstance(p, LocalePrefixPattern) for p in parts)
            else [settings.LANGUAGE_CODE]
        )
        for lang in langs:
            pieces = [_part(p, lang, ids) for p in parts]
            if any(piece is None for piece in pieces):
                unreachable.append(" ".join(str(p) for p in parts))
                break
            urls.append("/" + "".join(pieces))
    return sorted(set(urls)), unreachable


def _csp_directives(csp: str) -> dict[str, list[str]]:
    out = {}
    for chunk in csp.split(";"):
        words = chunk.split()
        if words:
            out[words[0].lower()] = [w.lower() for w in words[1:]]
    return out


def check_headers(url: str, response, *, admin_csp: dict) -> list[str]:
    """Problems with ``response``'s security headers (empty list when all is well)."""
    problems = []
    for header, value in COMMON.items():
        if response.headers.get(header) != value:
            problems.append(f"{header}={response.headers.get(header)!r}")
    referrer = response.headers.get("Referrer-Policy")
    if referrer not in REFERRER_POLICIES:
        problems.append(f"Referrer-Policy={referrer!r}")
    body = b"" if getattr(response, "streaming", False) else response.content
    if referrer == "no-referrer" and FORM_POST_RE.search(body):
        problems.append("POST form under no-referrer: browsers send Origin: null, CSRF fails")
    if url.startswith("/static/"):
        return problems  # a stylesheet: CSP/XFO do not apply (still nosniff/CORP)
    preview = bool(PREVIEW_RE.match(url))
    xfo = response.headers.get("X-Frame-Options")
    if xfo != "DENY" and not (preview and xfo == "SAMEORIGIN"):
        problems.append(f"X-Frame-Options={xfo!r}")
    csp = response.headers.get("Content-Security-Policy")
    if not csp:
        return [*problems, "no Content-Security-Policy"]
    d = _csp_directives(csp)
    scripts = d.get("script-src", d.get("default-src", []))
    if "'unsafe-inline'" in scripts or "'unsafe-eval'" in scripts or "*" in scripts:
        problems.append(f"script-src allows inline/eval: {scripts}")
    if d.get("frame-ancestors") != ["'none'"] and not (
        preview and d.get("frame-ancestors") == ["'self'"]
    ):
        problems.append(f"frame-ancestors={d.get('frame-ancestors')}")
    if d.get("object-src", d.get("default-src")) != ["'none'"]:
        problems.append("objects not forbidden")
    if "base-uri" not in d:
        problems.append("no base-uri")
    for directive, sources in d.items():
        for source in sources:
            if source.startswith(("http:", "https:")) or source == "*":
                problems.append(f"third-party source in {directive}: {source}")
    if url.startswith("/admin/"):
        if "'unsafe-inline'" in csp.lower():
            admin_csp[csp] = admin_csp.get(csp, 0) + 1  # reported: styles only, see above
    elif "'unsafe-inline'" in csp.lower() or "'unsafe-eval'" in csp.lower():
        problems.append(f"public page with unsafe CSP: {csp}")
    return problems


@pytest.fixture
def ids(site_tree, django_user_model):
    admin = django_user_model.objects.create_superuser("walker", "walker@example.org", "pw-walk-1")
    appeal = site_tree["appeal"]
    return {
        "admin": admin,
        "default_int": appeal.pk,
        "appeal_id": appeal.pk,
        "page_id": appeal.pk,
        "parent_page_id": site_tree["index"].pk,
        "user_id": admin.pk,
        "uidb64": "MQ",
        "token": "set-password",
        "app_label": "appeals",
        "model_name": "desk",
        "pk": str(site_tree["desk"].pk),
    }


def _sweep(ids, *, secure=False, prod=False):
    urls, unreachable = all_urls(ids)
    public_extra = [
        "/",
        "/nl/",
        "/de/",
        "/en/",
        site_tree_url(ids, "index"),
        site_tree_url(ids, "appeal"),
        "/no-such-page/",
        "/en/no-such-page/",
        STATIC_SAMPLE,
        "/static/no-such-file.css",
        "/healthz",
    ]
    anon = Client(raise_request_exception=False)
    staff = Client(raise_request_exception=False)
    login_verified(staff, ids["admin"])  # superusers pass the second factor first (issue 14)
    problems, statuses, admin_csp = [], {}, {}
    requests, signed_out = 0, False
    for url in sorted(set(urls + public_extra)):
        clients = [("anon", anon)]
        if url.startswith("/admin/") and not (prod and re.search(r"/\d+/", url)):
            clients.append(("staff", staff))  # production: the views without an object id
        for who, client in clients:
            for method in ("get",) if (prod or who == "staff") else ("get", "post"):
                if method == "post" and url.startswith("/static/"):
                    continue
                if who == "staff" and signed_out:
                    login_verified(staff, ids["admin"])  # the walk just signed itself out
                response = getattr(client, method)(url, secure=secure)
                if who == "staff":
                    # Wagtail's logout deletes the session cookie even on a refused GET.
                    signed_out = "/logout/" in url
                requests += 1
                key = f"{who} {response.status_code}"
                statuses[key] = statuses.get(key, 0) + 1
                known = (who, method.upper(), url) in KNOWN_STAFF_500
                if response.status_code >= 500 and not known:
                    problems.append(f"{who} {method.upper()} {url}: HTTP {response.status_code}")
                for problem in check_headers(url, response, admin_csp=admin_csp):
                    problems.append(f"{who} {method.upper()} {url}: {problem}")
                if prod:
                    hsts = response.headers.get("Strict-Transport-Security", "")
                    if not _hsts_ok(hsts):
                        problems.append(f"{who} {method.upper()} {url}: HSTS={hsts!r}")
    return problems, {
        "urls": len(urls),
        "requests": requests,
        "statuses": dict(sorted(statuses.items())),
        "unreachable": unreachable,
        "admin_csp_with_unsafe_inline": admin_csp,
    }


def site_tree_url(ids, key):
    from wagtail.models import Page

    page = Page.objects.get(pk=ids["parent_page_id"] if key == "index" else ids["appeal_id"])
    return page.url


def _hsts_ok(value: str) -> bool:
    parts = {p.strip().lower() for p in value.split(";")}
    ages = [int(p.split("=", 1)[1]) for p in parts if p.startswith("max-age=")]
    return bool(ages) and ages[0] >= 31536000 and {"includesubdomains", "preload"} <= parts


def test_every_route_carries_the_security_headers(ids):
    problems, summary = _sweep(ids)
    print(f"\nheader walk: {summary}", file=sys.stderr)
    assert summary["urls"] > 100, summary
    assert not summary["unreachable"], summary["unreachable"]
    assert not problems, "\n".join(problems[:60])


# --------------------------------------------------------------------------- production


def production_security_settings(monkeypatch) -> dict:
    """The real values of mostwanted.settings.production that concern HTTPS and cookies."""
    monkeypatch.setenv("SECRET_KEY", "walk-production-secret-" + "x" * 40)
    sys.modules.pop("mostwanted.settings.production", None)
    prod = importlib.import_module("mostwanted.settings.production")
    try:
        return {
            name: getattr(prod, name)
            for name in dir(prod)
            if name.startswith(("SECURE_", "SESSION_COOKIE_", "CSRF_COOKIE_", "LANGUAGE_COOKIE_"))
        }
    finally:
        sys.modules.pop("mostwanted.settings.production", None)


@pytest.fixture
def production(monkeypatch):
    values = production_security_settings(monkeypatch)
    assert values["SECURE_SSL_REDIRECT"] is True
    with override_settings(**values):
        yield values


def test_production_every_route_has_hsts(ids, production):
    problems, summary = _sweep(ids, secure=True, prod=True)
    print(f"\nproduction header walk: {summary}", file=sys.stderr)
    assert not problems, "\n".join(problems[:60])


def test_production_plain_http_is_redirected_to_https(ids, production):
    client = Client()
    response = client.get("/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def _cookie_attrs(response, name) -> dict:
    morsel = response.cookies[name]
    return {
        "secure": bool(morsel["secure"]),
        "httponly": bool(morsel["httponly"]),
        "samesite": morsel["samesite"],
        "path": morsel["path"],
        "domain": morsel["domain"],
    }


def _assert_host_cookie(response, name, samesite_allowed):
    assert name.startswith("__Host-"), name
    attrs = _cookie_attrs(response, name)
    assert attrs["secure"] and attrs["httponly"], (name, attrs)
    assert attrs["samesite"].lower() in samesite_allowed, (name, attrs)
    assert attrs["path"] == "/" and not attrs["domain"], (name, attrs)


def test_production_cookies_are_secure_httponly_samesite_host_prefixed(ids, production):
    from django.urls import reverse

    client = Client()
    form = client.get(reverse("tips:submit"), secure=True)
    assert form.status_code == 200
    csrf_name = production["CSRF_COOKIE_NAME"]
    assert csrf_name in form.cookies, "the tip form sets the CSRF cookie"
    _assert_host_cookie(form, csrf_name, {"strict"})

    login = client.get("/admin/login/", secure=True)
    token = login.cookies[csrf_name].value if csrf_name in login.cookies else None
    token = token or client.cookies[csrf_name].value
    response = client.post(
        "/admin/login/",
        {"username": "walker", "password": "pw-walk-1", "csrfmiddlewaretoken": token},
        secure=True,
    )
    assert response.status_code == 302, response.status_code
    session_name = production["SESSION_COOKIE_NAME"]
    _assert_host_cookie(response, session_name, {"strict", "lax"})


def test_public_pages_set_no_cookie(site_tree):
    client = Client()
    for url in ("/", "/en/", site_tree["index"].url, site_tree["appeal"].url, "/healthz"):
        response = client.get(url)
        assert not response.cookies, (url, list(response.cookies))
