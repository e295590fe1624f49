"""The app-level page cache keeps anonymous public pages only, and purges on publish."""

import http.server
import threading
import time

import pytest
from django.core.cache import caches

from mostwanted import pagecache
from mostwanted.cache_purge import NginxRefreshBackend, purge_pages, refresh_page_now

pytestmark = pytest.mark.urls("tests.caching.urls")


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_SECONDS = 300
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pagecache-tests",
        }
    }
    caches["default"].clear()
    yield
    caches["default"].clear()


def test_public_page_is_cached(client):
    first = client.get("/public/")
    second = client.get("/public/")
    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert first.content == second.content
    assert second["Cache-Control"] == first["Cache-Control"]
    assert not second.cookies


def test_head_is_answered_from_the_get_entry(client):
    client.get("/public/")
    assert client.head("/public/")["X-Page-Cache"] == "hit"


def _entries():
    return len(caches["default"]._cache)


def test_parameters_a_page_reads_are_part_of_the_key(client):
    a = client.get("/listing/?page=1")
    b = client.get("/listing/?page=2")
    assert a.content != b.content
    assert client.get("/listing/?page=2&junk=1").content == b.content
    assert client.get("/listing/?page=1")["X-Page-Cache"] == "hit"


def test_junk_query_strings_make_no_new_entries(client):
    """A flood of distinct query strings must not fill the cache (issue 15)."""
    first = client.get("/public/")
    client.get("/listing/?page=1")
    before = _entries()
    for n in range(50):
        response = client.get(f"/public/?junk={n}&utm_source=x{n}")
        assert response["X-Page-Cache"] == "hit"
        assert response.content == first.content
        assert client.get(f"/listing/?page=1&junk={n}")["X-Page-Cache"] == "hit"
    assert _entries() == before


def test_language_is_part_of_the_key(client):
    fr = client.get("/public/", HTTP_ACCEPT_LANGUAGE="fr")
    nl = client.get("/public/", HTTP_ACCEPT_LANGUAGE="nl")
    assert fr.content != nl.content
    assert client.get("/public/", HTTP_ACCEPT_LANGUAGE="nl").content == nl.content


@pytest.mark.parametrize("url", ["/private/", "/cookie/", "/vary/", "/plain/"])
def test_non_public_responses_are_not_cached(client, url):
    first = client.get(url)
    second = client.get(url)
    assert "X-Page-Cache" not in second or second["X-Page-Cache"] != "hit"
    assert first.content != second.content


@pytest.mark.parametrize("url", ["/tip/", "/nl/tip/follow-up/", "/admin/x/"])
def test_tip_followup_and_admin_are_never_cached(client, url):
    client.get(url)
    second = client.get(url)
    assert "X-Page-Cache" not in second


def test_session_cookie_bypasses_the_cache(client, settings):
    client.get("/public/")
    client.cookies[settings.SESSION_COOKIE_NAME] = "abc"
    response = client.get("/public/")
    assert "X-Page-Cache" not in response


def test_post_is_never_cached(client):
    client.get("/public/")
    response = client.post("/public/")
    assert "X-Page-Cache" not in response


def test_invalidate_all_drops_every_entry(client):
    first = client.get("/public/")
    pagecache.invalidate_all()
    again = client.get("/public/")
    assert again["X-Page-Cache"] == "miss"
    assert again.content != first.content


def test_disabled_cache_is_not_consulted(client, settings):
    settings.PAGE_CACHE_ENABLED = False
    from django.test import Client

    fresh = Client()
    fresh.get("/public/")
    assert "X-Page-Cache" not in fresh.get("/public/")


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: list = []

    def do_GET(self):  # noqa: N802 (http.server API)
        self.seen.append((self.path, self.headers.get("Host"), self.headers.get("X-Cache-Bypass")))
        body = b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture
def refresh_server():
    _Recorder.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_refresh_backend_sends_a_bypass_get_with_the_public_host(refresh_server):
    port = refresh_server.server_address[1]
    backend = NginxRefreshBackend({"LOCATION": f"http://127.0.0.1:{port}"})
    backend.purge_batch(["https://mostwanted.example/appeals/x/?page=2"])
    assert _Recorder.seen == [("/appeals/x/?page=2", "mostwanted.example", "1")]


def test_refresh_backend_survives_an_unreachable_proxy():
    backend = NginxRefreshBackend({"LOCATION": "http://127.0.0.1:9", "TIMEOUT": 1})
    backend.purge("https://mostwanted.example/")  # logged, not raised


@pytest.mark.urls("mostwanted.urls")
@pytest.mark.django_db
def test_publishing_purges_the_page_and_its_ancestors_after_commit(
    settings, refresh_server, django_capture_on_commit_callbacks
):
    from wagtail.models import Page, Site

    port = refresh_server.server_address[1]
    settings.WAGTAILFRONTENDCACHE = {
        "nginx": {
            "BACKEND": "mostwanted.cache_purge.NginxRefreshBackend",
            "LOCATION": f"http://127.0.0.1:{port}",
        }
    }
    site = Site.objects.get(is_default_site=True)
    parent = site.root_page
    child = parent.add_child(instance=Page(title="Appeal", slug="appeal-x", live=False))
    caches["default"].set(pagecache.GENERATION_KEY, 7, None)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        child.save_revision().publish()
    assert _Recorder.seen == []  # nothing before commit
    assert caches["default"].get(pagecache.GENERATION_KEY) == 7
    for callback in callbacks:
        callback()
    _join_refresh_threads()
    paths = {path for path, _host, _bypass in _Recorder.seen}
    assert child.url_path.endswith("/appeal-x/")
    assert "/appeal-x/" in paths
    assert "/" in paths  # the home page (ancestor) is refreshed too
    assert caches["default"].get(pagecache.GENERATION_KEY) > 7


def _join_refresh_threads():
    for thread in threading.enumerate():
        if thread.name == "mostwanted-refresh":
            thread.join(10)


@pytest.mark.urls("mostwanted.urls")
@pytest.mark.django_db
def test_publishing_refreshes_the_page_itself_without_the_task_worker(
    settings, refresh_server, django_capture_on_commit_callbacks
):
    """The changed page is refreshed from the publishing process; the translations and
    ancestors are left to the queued task (no worker runs here)."""
    from django_tasks_db.models import DBTaskResult
    from wagtail.models import Page, Site

    port = refresh_server.server_address[1]
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    settings.WAGTAILFRONTENDCACHE = {
        "nginx": {
            "BACKEND": "mostwanted.cache_purge.NginxRefreshBackend",
            "LOCATION": f"http://127.0.0.1:{port}",
        }
    }
    site = Site.objects.get(is_default_site=True)
    child = site.root_page.add_child(instance=Page(title="Appeal", slug="appeal-y", live=False))
    caches["default"].set(pagecache.GENERATION_KEY, 7, None)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        child.save_revision().publish()
    assert _Recorder.seen == []  # nothing before commit
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    # The generation is bumped once, before the proxy is asked to refetch the page.
    assert caches["default"].get(pagecache.GENERATION_KEY) == 8
    deadline = time.monotonic() + 5
    while not _Recorder.seen and time.monotonic() < deadline:
        time.sleep(0.01)
    _join_refresh_threads()
    assert _Recorder.seen == [("/appeal-y/", "localhost", "1")]
    queued = DBTaskResult.objects.ready().filter(task_path__endswith="purge_urls_from_cache_task")
    assert queued.count() == 2  # the page again (safety net), then its ancestors: for the worker


@pytest.mark.django_db
def test_no_immediate_refresh_without_a_proxy_backend(settings):
    from wagtail.models import Site

    if hasattr(settings, "WAGTAILFRONTENDCACHE"):
        del settings.WAGTAILFRONTENDCACHE
    page = Site.objects.get(is_default_site=True).root_page
    assert refresh_page_now(page) is None
    assert not [t for t in threading.enumerate() if t.name == "mostwanted-refresh"]


@pytest.mark.django_db
def test_unpublishing_purges(settings, django_capture_on_commit_callbacks):
    from wagtail.models import Page, Site

    site = Site.objects.get(is_default_site=True)
    child = site.root_page.add_child(instance=Page(title="Gone", slug="gone"))
    child.save_revision().publish()
    caches["default"].set(pagecache.GENERATION_KEY, 1, None)
    with django_capture_on_commit_callbacks(execute=True):
        child.unpublish()
    assert caches["default"].get(pagecache.GENERATION_KEY) == 2


@pytest.mark.django_db
def test_purge_pages_without_frontend_cache_only_bumps_the_generation():
    caches["default"].set(pagecache.GENERATION_KEY, 3, None)
    purge_pages([])
    assert caches["default"].get(pagecache.GENERATION_KEY) == 4
