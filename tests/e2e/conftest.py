"""Real-browser test fixtures (Playwright + system Chromium), shared by every e2e module.

``live_url``: base URL of the real application served by ``manage.py runserver`` in a
subprocess (development settings, its own SQLite database and media root under a temporary
directory, demo content loaded). The migrated demo database is cached under
``var/e2e-cache/<hash of migrations, demo code and management commands>`` so later runs skip
migrating. Tests may change data through the UI, but only in their own temporary copy.

``browser_page(javascript_enabled=True, viewport=None, locale=None)``: a fresh page in a fresh
browser context (no shared cookies); everything is closed at the end of the test.
"""

import contextlib
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
E2E_TIMEOUT_MS = int(os.environ.get("E2E_TIMEOUT_MS", "30000"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"


def _cache_key() -> str:
    digest = hashlib.sha256()
    patterns = [
        "*/migrations/*.py",
        "appeals/demo/*.py",
        "appeals/management/commands/*.py",
        "tips/demo*.py",
    ]
    for pattern in patterns:
        for path in sorted(REPO.glob(pattern)):
            if ".venv" in path.parts:
                continue
            digest.update(str(path.relative_to(REPO)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_env(root: Path) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "S3_BUCKET", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="mostwanted.settings.dev",
        VAR_DIR=str(root),
        MEDIA_ROOT=str(root / "media"),
        DATABASE_URL=f"sqlite:///{root / 'db.sqlite3'}",
        SECRET_KEY="e2e-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        # Every browser test sends its tips from 127.0.0.1 to this one server: the shipped
        # 5 tips an hour per source would refuse the later modules' tips with a 429 (the
        # limits themselves are tested in tests/tips_intake and tests/security).
        TIP_RATE_PER_SOURCE="1000/h",
    )
    return env


def _manage(env, *args, **kwargs):
    return subprocess.run(  # noqa: S603 - fixed command line
        [sys.executable, str(REPO / "manage.py"), *args],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
        **kwargs,
    )


def _copy_tip_line_files(src: Path, dst: Path) -> None:
    """The demo tips' encrypted attachments, the demo recovery key file and the trust anchor
    files (under VAR_DIR)."""
    if (src / "tipstore").is_dir():
        shutil.copytree(src / "tipstore", dst / "tipstore", dirs_exist_ok=True)
    for path in [*src.glob("demo-recovery-key-*.json"), *src.glob("trust-*")]:
        shutil.copy(path, dst / path.name)


def _prepare_database(root: Path, env: dict) -> None:
    """Migrate and load demo content, or copy the result of an identical earlier run."""
    cache = REPO / "var" / "e2e-cache" / _cache_key()
    if (cache / "db.sqlite3").exists():
        shutil.copy(cache / "db.sqlite3", root / "db.sqlite3")
        shutil.copytree(cache / "media", root / "media", dirs_exist_ok=True)
        _copy_tip_line_files(cache, root)
        return
    _manage(env, "migrate", "--noinput", "-v0")
    _manage(env, "load_demo_content")
    tmp = cache.with_name(cache.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    shutil.copy(root / "db.sqlite3", tmp / "db.sqlite3")
    shutil.copytree(root / "media", tmp / "media")
    _copy_tip_line_files(root, tmp)
    try:
        tmp.rename(cache)
    except OSError:  # another worker won the race
        shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def running_server(root: Path, env: dict, *, start_timeout: float = 30):
    """``runserver`` on a free loopback port with ``env``; yields its base URL once
    ``/healthz`` answers, and stops it on exit. Its output goes to ``root/server.log``."""
    port = _free_port()
    log = open(root / "server.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(  # noqa: S603 - fixed command line
        [sys.executable, str(REPO / "manage.py"), "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=2) as r:  # noqa: S310
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"e2e server did not start, see {root / 'server.log'}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def live_site(tmp_path_factory):
    """``{"url", "root", "env"}`` of a running server with demo content: ``live_manage``
    runs code in its database (set-up a test needs that is not what it walks)."""
    root = tmp_path_factory.mktemp("e2e-server")
    (root / "media").mkdir()
    env = _server_env(root)
    _prepare_database(root, env)
    with running_server(root, env) as url:
        yield {"url": url, "root": root, "env": env}


@pytest.fixture(scope="session")
def live_url(live_site):
    """Base URL (no trailing slash) of a running server with demo content."""
    return live_site["url"]


def live_manage(live_site, code: str) -> str:
    """Run ``code`` with ``manage.py shell`` against the live server's database; its stdout."""
    return _manage(live_site["env"], "shell", "-c", code, text=True).stdout


@pytest.fixture(scope="module")
def chromium():
    """A headless system Chromium (one per test module)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(chromium):
    """Factory: ``browser_page(javascript_enabled=True, viewport=None, locale=None,
    bypass_csp=False)``. Use ``bypass_csp=True`` for pages that ``run_axe`` will scan."""
    contexts = []

    def make(javascript_enabled=True, viewport=None, locale=None, bypass_csp=False):
        options = {"java_script_enabled": javascript_enabled, "bypass_csp": bypass_csp}
        if viewport:
            options["viewport"] = viewport
        if locale:
            options["locale"] = locale
        context = chromium.new_context(**options)
        # Generous: a loaded CI machine (two cores, Argon2id, the video sandbox) is slow; a
        # wait that fails still fails, only later.
        context.set_default_timeout(E2E_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        watch_console(page)
        return page

    yield make
    for context in contexts:
        context.close()


_PROBLEMS: dict[int, list[str]] = {}


def watch_console(page) -> None:
    """Record every console error (CSP violations included: Chromium reports them as console
    errors) and every uncaught page error of ``page`` and of the pages it opens (popups)."""
    sink = _PROBLEMS.setdefault(id(page.context), [])

    def on_console(message):
        if message.type == "error":
            sink.append(f"console: {message.text} @ {page.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: sink.append(f"pageerror: {error} @ {page.url}"))
    page.on("popup", watch_console)


def console_problems(page) -> list[str]:
    """CSP violations, console errors and JS errors seen so far in ``page``'s context."""
    return list(_PROBLEMS.get(id(page.context), []))


def assert_clean_console(page) -> None:
    """Fail with the list of CSP violations, console errors and JS errors seen so far in
    ``page``'s browser context. Every journey test calls it (the admin included)."""
    problems = console_problems(page)
    assert problems == [], "\n".join(problems)


def run_axe(page) -> list[dict]:
    """Run axe-core (vendored, test-only) on ``page``; returns serious/critical violations.

    The page must come from ``browser_page(bypass_csp=True)``: the site's CSP rightly forbids
    the injected script.
    """
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture(autouse=True, scope="module")
def _allow_sync_orm_beside_playwright():
    """Playwright's sync API runs an event loop in the test thread while the test (and the
    database flush after a transactional test) uses the ORM synchronously. Module-scoped so
    it outlives the database teardown, and undone after so the variable never leaks into
    other tests (``check --deploy`` refuses it)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


def pass_totp(page, key: bytes) -> None:
    """Enter the TOTP code of ``key`` on the 2FA page ``page`` shows. The demo accounts are
    shared by the modules of one run and a code is accepted once per 30 s window: when this
    window's code was already used, wait for the next window and enter that one."""
    import time

    from django_otp.oath import totp

    for _attempt in range(3):
        if "/2fa/" not in page.url:
            return
        page.fill("input[name=token]", f"{totp(key, 30, 0, 6):06d}")
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        if "/2fa/" not in page.url:
            return
        time.sleep(31 - time.time() % 30)
    raise AssertionError(f"the second factor was refused three times ({page.url})")
