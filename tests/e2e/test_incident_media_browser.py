"""Real browser: a citizen sends a video of an incident through the resumable upload (a
chunk cut by a lost connection, then resumed; paused and resumed by hand), and the
fugitives desk's investigator plays and seeks it in the tip detail. Every page: no CSP
violation, no console error. The server is the demo state plus one incident appeal.
"""

import contextlib
import io
import os
import re
from pathlib import Path
from unittest import mock

import pytest

from tests.e2e.conftest import (
    _PROBLEMS,
    _prepare_database,
    _server_env,
    assert_clean_console,
    running_server,
)
from tests.e2e.test_investigator_journey import ACCOUNT, admin_login
from tests.incident.videos import CANARY, make_video

CHUNK = 32 * 1024
SHOTS = Path(os.environ.get("E2E_SCREENSHOT_DIR", "/tmp/shots")) / "incident-media"
#: The incident form's banner (an event, not a person) and the person forms' one.
INCIDENT_BANNER = "If it is happening now or someone is in danger, call 112."
PERSON_BANNER = "If you can see the person now"


def a_photo() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 320), (70, 110, 150))
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 200, 420, 300), fill=(200, 180, 60))  # something to look at
    out = io.BytesIO()
    image.save(out, format="JPEG")
    return out.getvalue()


def open_in_unlocked_admin(browser_page, base, text):
    """The investigator logs in, unlocks the vault and opens the tip whose text has ``text``."""
    admin = browser_page(viewport={"width": 1280, "height": 900}, locale="fr-BE")
    admin_login(admin, base, ACCOUNT)
    admin.goto(base + "/admin/tips/vault/unlock/")
    admin.fill("input[name=passphrase]", ACCOUNT.vault_passphrase)
    admin.click("main button[type=submit]")
    admin.wait_for_url(re.compile(r"/admin/tips/(\?.*)?$"))
    return admin


def assert_poster_is_not_a_photo(admin) -> None:
    """The poster frame belongs to its video: never an <img>, a download or a photo."""
    posters = admin.eval_on_selector_all(
        "video.tips-video-player[poster]", "vs => vs.map(v => v.getAttribute('poster'))"
    )
    assert posters, "each video shows its poster frame"
    images = admin.eval_on_selector_all("main img", "xs => xs.map(x => x.getAttribute('src'))")
    links = admin.eval_on_selector_all("main a[href]", "xs => xs.map(x => x.getAttribute('href'))")
    for poster in posters:
        assert poster not in images
        assert poster.rstrip("/") + "/download/" not in links
        assert not any(link.startswith(poster) for link in links)


CREATE_INCIDENT = """
from appeals.models import AppealIndexPage, AppealPage
from tips.models import DeskMembership
from wagtail.models import Locale
desk = DeskMembership.objects.filter(user__username="investigator-fugitives").first().desk
index = AppealIndexPage.objects.filter(locale=Locale.get_default()).first()
page = index.add_child(instance=AppealPage(
    title="Incident du marché", slug="incident-marche", kind="incident", desk=desk))
page.save_revision().publish()
print(page.pk)
"""


@pytest.fixture(scope="module")
def incident_server(tmp_path_factory):
    import subprocess
    import sys

    from tests.e2e.conftest import REPO

    root = tmp_path_factory.mktemp("e2e-incident")
    (root / "media").mkdir()
    env = _server_env(root)
    env["TIP_UPLOAD_CHUNK_BYTES"] = str(CHUNK)
    env["TIP_FORM_MIN_SECONDS"] = "0"
    _prepare_database(root, env)
    out = subprocess.run(  # noqa: S603 - fixed command line
        [sys.executable, str(REPO / "manage.py"), "shell", "-c", CREATE_INCIDENT],
        cwd=REPO, env=env, check=True, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    appeal_id = int(out.stdout.strip().splitlines()[-1])
    with running_server(root, env) as url:
        yield url, appeal_id, root, env


@contextlib.contextmanager
def restarted(root, env, url):
    """Another server process on the same port, database and store (the first is stopped
    by the caller): what a restart, or the next node behind the proxy, looks like."""
    from tests.e2e import conftest

    port = int(url.rsplit(":", 1)[1])
    with mock.patch.object(conftest, "_free_port", lambda: port), running_server(root, env) as u:
        yield u


@pytest.mark.e2e
def test_resumable_upload_cut_resumed_then_played_and_seeked(incident_server, browser_page):
    base, appeal_id, _root, _env = incident_server
    video = make_video(seconds=6, size=(640, 360))
    assert len(video) > 6 * CHUNK
    page = browser_page(viewport={"width": 1280, "height": 900}, locale="fr-BE")

    # The incident's page leads to its upload form.
    page.goto(f"{base}/en/tip/incident/{appeal_id}/")
    assert_clean_console(page)
    assert page.locator("#id_keep_when_where").is_checked() is False

    patches = []  # (offset, sent) of every PATCH the browser made
    state = {"cut": False, "cuts": 0}

    def route(r):
        request = r.request
        if request.method == "PATCH":
            offset = int(request.headers.get("upload-offset", "0"))
            patches.append(offset)
            if state["cut"]:
                state["cuts"] += 1
                return r.abort("connectionreset")
        return r.continue_()

    page.route(re.compile(r".*/tip/upload/.*"), route)
    sent = []

    def on_patch_done(response):
        if response.request.method == "PATCH" and response.status == 204:
            sent.append(int(response.headers["upload-offset"]))
            if len(sent) == 3:
                state["cut"] = True  # the connection drops after the third chunk

    page.on("response", on_patch_done)
    page_requests = []
    page.on("request", lambda request: page_requests.append(f"{request.method} {request.url}"))
    page.set_input_files(
        "#id_media",
        files=[{"name": f"{CANARY}.mp4", "mimeType": "video/mp4", "buffer": video}],
    )
    row = page.locator("#incident-files li").first
    # Cut: the client says it is retrying; then the connection comes back.
    for _ in range(200):
        if state["cuts"]:
            break
        page.wait_for_timeout(100)
    page.wait_for_selector("#incident-files li:has-text('Connection lost')", timeout=20_000)
    assert state["cuts"] >= 1
    cut_at = sent[-1]
    state["cut"] = False
    # Pause and resume by hand too.
    page.wait_for_function("() => document.querySelector('#incident-files progress').value > 0")
    button = row.locator("button.tip-file-pause")
    if button.is_visible():
        button.click()
        button.click()
    page.wait_for_function(
        "() => document.querySelector('#incident-files li').classList.contains('tip-file-done')",
        timeout=60_000,
    )
    assert sent[-1] == len(video)
    # After the cut the upload went on from the stored offset: no byte before it re-sent.
    resumed = [o for o in patches if o >= cut_at]
    assert min(o for o in patches[len(patches) - len(resumed) :]) >= cut_at
    assert all(o >= cut_at for o in patches[patches.index(cut_at) :])

    # Cleaned in the background as soon as it arrived: "Ready" before the form is sent.
    page.wait_for_selector("#incident-files li.tip-file-ready", timeout=60_000)
    assert "Ready to send" in row.inner_text()
    cleans = [r for r in page_requests if "/clean/" in r]
    assert cleans[0].startswith("POST ") and len(cleans) >= 1

    page.fill("#id_what", "Video of the market attack, test e2e-incident-7781")
    page.click("#incident-send")
    page.wait_for_selector(".receipt, [class*=receipt]", timeout=90_000)
    # The connection resets this test caused are logged by Chromium; nothing else may be.
    problems = _PROBLEMS.get(id(page.context), [])
    caused = [p for p in problems if "ERR_CONNECTION_RESET" in p]
    assert len(caused) == state["cuts"]
    problems[:] = [p for p in problems if p not in caused]
    assert_clean_console(page)

    # The investigator plays the video and seeks in it.
    admin = browser_page(viewport={"width": 1280, "height": 900}, locale="fr-BE")
    admin_login(admin, base, ACCOUNT)
    admin.goto(base + "/admin/tips/vault/unlock/")
    admin.fill("input[name=passphrase]", ACCOUNT.vault_passphrase)
    admin.click("main button[type=submit]")
    admin.wait_for_url(re.compile(r"/admin/tips/(\?.*)?$"))
    # The queue counts the video as a video (the poster is not a photo).
    row = admin.locator("tr", has_text="e2e-incident-7781")
    assert re.search(r"\b1 vid[eé]o\b", row.inner_text(), re.I)
    assert not re.search(r"photo|foto", row.inner_text(), re.I)
    row.locator("a.tips-ref").click()
    admin.wait_for_url(re.compile(r"/admin/tips/\d+/$"))
    player = admin.locator("video.tips-video-player")
    player.wait_for()
    assert admin.evaluate(
        "() => document.createElement('video').canPlayType('video/mp4; codecs=\"avc1.42E01E\"')"
    )
    admin.wait_for_function(
        "() => document.querySelector('video.tips-video-player').readyState >= 1", timeout=20_000
    )
    duration = admin.evaluate("() => document.querySelector('video.tips-video-player').duration")
    assert 5 < duration < 7
    admin.evaluate(
        """() => new Promise((resolve) => {
            const v = document.querySelector('video.tips-video-player');
            v.muted = true;
            v.addEventListener('seeked', resolve, {once: true});
            v.currentTime = 4.0;
        })"""
    )
    assert (
        abs(
            admin.evaluate("() => document.querySelector('video.tips-video-player').currentTime")
            - 4.0
        )
        < 0.6
    )
    admin.evaluate("() => document.querySelector('video.tips-video-player').play()")
    admin.wait_for_timeout(500)
    main = admin.inner_text("main")
    assert re.search(r"[0-9a-f]{64}", main)  # the original's hash, sealed
    # A "Videos" section with the video and its poster; no "Photos" section: the poster
    # frame is not a photo, and the counts say "1 video".
    assert admin.locator("ul.tips-videos > li").count() == 1
    assert admin.locator("ul.tips-photos").count() == 0
    summary = admin.inner_text(".tips-media-summary")
    assert re.fullmatch(r"1 vid[eé]o", summary.strip(), re.I), summary
    assert_poster_is_not_a_photo(admin)
    assert_clean_console(admin)


@pytest.mark.e2e
def test_a_file_that_cannot_be_cleaned_shows_why_and_can_be_removed(incident_server, browser_page):
    base, appeal_id, _root, _env = incident_server
    page = browser_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/en/tip/incident/{appeal_id}/")
    webm = make_video(fmt="webm", codec="libvpx-vp9", seconds=1)
    page.set_input_files(
        "#id_media", files=[{"name": "clip.mp4", "mimeType": "video/mp4", "buffer": webm}]
    )
    refused = page.locator("#incident-files li.tip-file-refused")
    refused.wait_for(timeout=60_000)
    assert "File 1 is not the kind of file its name says" in refused.inner_text()
    page.fill("#id_what", "A damaged clip, e2e-incident-refused")
    page.click("#incident-send")
    assert "Remove the files that cannot be accepted" in page.inner_text("#incident-status")
    refused.locator("button").click()
    assert page.locator("#incident-files li").count() == 0
    page.click("#incident-send")
    page.wait_for_selector(".tip-receipt", timeout=90_000)
    assert_clean_console(page)


@pytest.mark.e2e
def test_plain_form_without_javascript_takes_a_small_video(incident_server, browser_page):
    base, appeal_id, _root, _env = incident_server
    page = browser_page(javascript_enabled=False, viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/en/tip/incident/{appeal_id}/")
    assert_clean_console(page)
    # The form speaks of an event: call 112 if it is happening now; no "I am seeing this
    # person right now" box.
    banner = page.inner_text(".tip-emergency")
    assert INCIDENT_BANNER in banner and PERSON_BANNER not in banner
    assert page.locator("#id_seeing_now, input[name=seeing_now]").count() == 0
    assert "this person" not in page.inner_text("main").lower()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "incident-form-en.png"), full_page=True)
    page.goto(f"{base}/tip/incident/{appeal_id}/")  # French, the default language
    assert "Si cela se passe maintenant ou si quelqu’un est en danger, appelez le 112." in (
        page.inner_text(".tip-emergency")
    )
    assert page.locator("input[name=seeing_now]").count() == 0
    page.screenshot(path=str(SHOTS / "incident-form-fr.png"), full_page=True)
    page.goto(f"{base}/en/tip/incident/{appeal_id}/")
    page.set_input_files(
        "#id_media",
        files=[
            {"name": "clip.mp4", "mimeType": "video/mp4", "buffer": make_video(seconds=1)},
            {"name": "market.jpg", "mimeType": "image/jpeg", "buffer": a_photo()},
        ],
    )
    page.check("#id_keep_when_where")
    page.fill("#id_what", "No-JS video of the market, e2e-incident-nojs")
    page.click("#incident-send")
    page.wait_for_selector(".receipt, [class*=receipt]", timeout=90_000)
    assert_clean_console(page)

    # The investigator sees a video (with its poster) and a photo, counted apart.
    admin = open_in_unlocked_admin(browser_page, base, "e2e-incident-nojs")
    row = admin.locator("tr", has_text="e2e-incident-nojs")
    assert re.search(r"1 photo, 1 vid[eé]o", row.inner_text(), re.I), row.inner_text()
    row.locator("a.tips-ref").click()
    admin.wait_for_url(re.compile(r"/admin/tips/\d+/$"))
    admin.locator("video.tips-video-player").wait_for()
    assert admin.locator("ul.tips-videos > li").count() == 1
    assert admin.locator("ul.tips-photos > li").count() == 1
    assert admin.locator("ul.tips-photos img.tips-photo").count() == 1
    summary = admin.inner_text(".tips-media-summary").strip()
    assert re.fullmatch(r"1 photo, 1 vid[eé]o", summary, re.I), summary
    headings = admin.eval_on_selector_all("main h3", "hs => hs.map(h => h.textContent.trim())")
    assert sum(h in ("Photos",) for h in headings) == 1
    assert sum(h in ("Videos", "Vidéos") for h in headings) == 1
    assert_poster_is_not_a_photo(admin)
    poster_url = admin.get_attribute("video.tips-video-player", "poster")
    poster = admin.request.get(base + poster_url)  # still served, for the player only
    assert poster.status == 200 and poster.headers["content-type"] == "image/jpeg"
    admin.wait_for_function(
        "() => document.querySelector('ul.tips-photos img').complete"
        " && document.querySelector('ul.tips-photos img').naturalWidth > 0"
    )
    admin.wait_for_function(
        "() => document.querySelector('video.tips-video-player').readyState >= 1", timeout=20_000
    )
    admin.set_viewport_size({"width": 1280, "height": 2200})  # the admin scrolls inside
    admin.evaluate("() => window.scrollTo(0, 0)")
    admin.wait_for_timeout(1000)  # the player settles on its poster frame
    admin.screenshot(path=str(SHOTS / "tip-detail-video-and-photo.png"), full_page=True)
    assert_clean_console(admin)


@pytest.mark.e2e
def test_upload_continues_after_a_server_restart(tmp_path_factory, browser_page):
    """The server that took the first chunks is stopped; a new process (same database and
    store) takes the rest: the state was in the database, the key wrapped under the
    browser's secret."""
    import subprocess
    import sys

    from tests.e2e.conftest import REPO

    root = tmp_path_factory.mktemp("e2e-incident-restart")
    (root / "media").mkdir()
    env = _server_env(root)
    env["TIP_UPLOAD_CHUNK_BYTES"] = str(CHUNK)
    env["TIP_FORM_MIN_SECONDS"] = "0"
    _prepare_database(root, env)
    out = subprocess.run(  # noqa: S603 - fixed command line
        [sys.executable, str(REPO / "manage.py"), "shell", "-c", CREATE_INCIDENT],
        cwd=REPO, env=env, check=True, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    appeal_id = int(out.stdout.strip().splitlines()[-1])
    video = make_video(seconds=4, size=(640, 360))
    gate = {"closed": False}
    sent = []
    first = running_server(root, env)
    base = first.__enter__()
    try:
        page = browser_page()
        page.goto(f"{base}/en/tip/incident/{appeal_id}/")

        def route(r):
            if r.request.method == "PATCH" and gate["closed"]:
                return r.abort("connectionrefused")
            return r.continue_()

        def on_response(response):
            if response.request.method == "PATCH" and response.status == 204:
                sent.append(int(response.headers["upload-offset"]))
                if len(sent) == 2:
                    gate["closed"] = True

        page.route(re.compile(r".*/tip/upload/.*"), route)
        page.on("response", on_response)
        page.set_input_files(
            "#id_media", files=[{"name": "clip.mp4", "mimeType": "video/mp4", "buffer": video}]
        )
        for _ in range(200):
            if gate["closed"]:
                break
            page.wait_for_timeout(100)
        page.wait_for_selector("#incident-files li:has-text('Connection lost')", timeout=20_000)
    finally:
        first.__exit__(None, None, None)  # the server stops mid-upload
    assert gate["closed"] and sent[-1] < len(video)
    with restarted(root, env, base):
        gate["closed"] = False
        page.wait_for_function(
            "() => document.querySelector('#incident-files li')"
            ".classList.contains('tip-file-done')",
            timeout=120_000,
        )
        assert sent[-1] == len(video)
        page.fill("#id_what", "After a restart, e2e-incident-restart")
        page.click("#incident-send")
        page.wait_for_selector(".tip-receipt", timeout=90_000)
    problems = _PROBLEMS.get(id(page.context), [])
    problems[:] = [p for p in problems if "ERR_CONNECTION_REFUSED" not in p]
    assert_clean_console(page)


@pytest.mark.e2e
def test_incident_pages_pass_axe_and_the_html_checker(incident_server, browser_page, tmp_path):
    import shutil

    from tests.e2e.conftest import run_axe
    from tests.e2e.test_kinds_browser import _vnu_errors

    base, appeal_id, _root, _env = incident_server
    axe_page = browser_page(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    saved = []
    for code in ("fr", "nl", "de", "en"):
        prefix = "" if code == "fr" else f"/{code}"
        url = f"{base}{prefix}/tip/incident/{appeal_id}/"
        axe_page.goto(url)
        assert axe_page.locator("html").get_attribute("lang") == code
        assert run_axe(axe_page) == [], code
        path = tmp_path / f"incident-{code}.html"
        path.write_text(axe_page.request.get(url).text(), encoding="utf-8")
        saved.append(path)
    if shutil.which("java"):
        assert _vnu_errors(saved) == []
