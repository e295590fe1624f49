"""Throw-away services and server processes for the fault tests.

Everything runs on this machine only (127.0.0.1, free ports, temp directories): a private
PostgreSQL cluster (initdb + pg_ctl, as the ``postgres`` user when run as root), a private
``redis-server``, gunicorn processes serving the project, and Django scripts run in
subprocesses against the same database. Each piece is stopped by the fixture that started it.
"""

from __future__ import annotations

import glob
import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = "tests.reliability.server_settings"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        runuser = shutil.which("runuser")
        return (
            [runuser, "-u", "postgres", "--", *cmd]
            if runuser
            else ["su", "postgres", "-c", " ".join(cmd)]
        )
    return cmd


def pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PgCluster:
    """A private PostgreSQL cluster in a temp dir, on a free port, trust auth on 127.0.0.1."""

    def __init__(self, base: Path):
        self.bin = pg_bin()
        self.dir = base / "pgdata"
        self.sock = base / "pgsock"
        self.log = base / "pg.log"
        self.port = free_port()

    def init(self):
        self.dir.parent.mkdir(parents=True, exist_ok=True)
        self.sock.mkdir(exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.dir.parent, "postgres")
            shutil.chown(self.sock, "postgres")
        subprocess.run(
            _as_postgres(
                [
                    str(self.bin / "initdb"),
                    "-D",
                    str(self.dir),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "--no-sync",
                    "-E",
                    "UTF8",
                ]
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )
        return self

    def start(self):
        opts = (
            f"-p {self.port} -k {self.sock} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off -c max_connections=60"
        )
        subprocess.run(
            _as_postgres(
                [
                    str(self.bin / "pg_ctl"),
                    "-D",
                    str(self.dir),
                    "-l",
                    str(self.log),
                    "-o",
                    opts,
                    "-w",
                    "-t",
                    "60",
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
            timeout=90,
        )

    def stop(self, mode: str = "fast"):
        subprocess.run(
            _as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.dir), "-m", mode, "-w", "stop"]),
            check=False,
            capture_output=True,
            timeout=90,
        )

    def url(self, db: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def psql(self, sql: str, db: str = "postgres") -> str:
        out = subprocess.run(
            [
                str(self.bin / "psql"),
                "-X",
                "-q",
                "-At",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                db,
                "-c",
                sql,
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        )
        return out.stdout


class RedisServer:
    def __init__(self, base: Path):
        self.port = free_port()
        self.base = base
        self.proc: subprocess.Popen | None = None

    def start(self):
        self.proc = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.base),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


def base_env(db_url: str, storage: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS,
        DATABASE_URL=db_url,
        TIP_STORAGE_ROOT=str(storage),
        PYTHONPATH=str(ROOT),
        CACHE_KEY_PREFIX=f"rel-{uuid.uuid4().hex[:8]}",
        # Every process of one test (set-up, web nodes, worker) trusts the same recovery key.
        TIP_RECOVERY_KEY_FINGERPRINT_FILE=f"{storage}-trust-fingerprints",
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def run_django(code: str, env: dict, *args: str, timeout: int = 180) -> dict:
    """Run ``code`` after django.setup() in a subprocess; it must print one JSON line last."""
    script = "import django, json, sys\ndjango.setup()\n" + code
    out = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if out.returncode != 0:
        raise AssertionError(f"script failed: {out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


class WebServer:
    """The project under gunicorn (one worker, four threads), like production."""

    def __init__(self, env: dict, log: Path):
        self.port = free_port()
        self.env = env
        self.log = log
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 90):
        self._fh = open(self.log, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "mostwanted.wsgi",
                "-b",
                f"127.0.0.1:{self.port}",
                "-w",
                "1",
                "--threads",
                "4",
                "--timeout",
                "60",
                "--graceful-timeout",
                "2",
                "-c",
                "/dev/null",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self._fh,
            stderr=self._fh,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text()[-3000:]
            try:
                with urllib.request.urlopen(
                    f"{self.base}/en/tip/how-your-tip-is-protected/", timeout=5
                ):
                    return self
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.3)
        raise AssertionError("server did not start: " + self.log.read_text()[-3000:])

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if getattr(self, "_fh", None):
            self._fh.close()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A cookie-keeping HTTP client: answers are (status, headers, body), errors included."""

    def __init__(self, follow_redirects: bool = True):
        self.jar = http.cookiejar.CookieJar()
        handlers = [urllib.request.HTTPCookieProcessor(self.jar)]
        if not follow_redirects:
            handlers.append(_NoRedirect())
        self.opener = urllib.request.build_opener(*handlers)

    def request(self, url, data=None, headers=None, timeout=30):
        req = urllib.request.Request(url, data=data, headers=headers or {})
        try:
            with self.opener.open(req, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def get(self, url, **kw):
        return self.request(url, **kw)

    def post(self, url, fields: dict, files: list[tuple[str, str, bytes]] | None = None, **kw):
        boundary = "----rel" + uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                + str(value).encode()
                + b"\r\n"
            )
        for name, filename, data in files or []:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
                + data
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Origin": url.split("/", 3)[0] + "//" + url.split("/", 3)[2],
        }
        return self.request(url, data=body, headers=headers, **kw)

    def cookie(self, name: str) -> str | None:
        for c in self.jar:
            if c.name == name:
                return c.value
        return None


HIDDEN_RE = re.compile(rb'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"')


def hidden_fields(body: bytes) -> dict:
    import html

    return {
        m.group(1).decode(): html.unescape(m.group(2).decode()) for m in HIDDEN_RE.finditer(body)
    }


RECEIPT_RE = re.compile(rb"\b\d{4}(?:-\d{4}){6}\b")


def pass_second_factor(browser: Browser, verify_url: str, totp_key: str) -> bytes:
    """POST the TOTP code of ``totp_key`` (hex) to the 2FA page; the page after it.

    The session's tests share their accounts and a code is accepted once per 30 s window:
    when this window's code was already used, wait for the next window and send that one."""
    from django_otp.oath import totp

    for _attempt in range(3):
        status, _h, page = browser.get(verify_url)
        assert status == 200, status
        token = f"{totp(bytes.fromhex(totp_key)):06d}"
        status, _h, body = browser.post(verify_url, {**hidden_fields(page), "token": token})
        assert status == 200, status
        if b'name="token"' not in body:
            return body
        time.sleep(31 - time.time() % 30)
    raise AssertionError("the second factor was refused three times")


def submit_tip(browser: Browser, base: str, text: str, photo: bytes | None = None):
    """GET the form, POST a tip. Returns (status, body); status 0 when the connection failed."""
    try:
        status, _h, page = browser.get(f"{base}/en/tip/")
        if status != 200:
            return status, page
        fields = {**hidden_fields(page), "what": text, "website": ""}
        files = [("photos", "photo.jpg", photo)] if photo else None
        return browser.post(f"{base}/en/tip/", fields, files)[0::2]
    except (urllib.error.URLError, ConnectionError, OSError, TimeoutError) as exc:
        return 0, repr(exc).encode()


def small_jpeg(seed: int = 0) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (48, 32), (seed % 256, 80, 160)).save(out, "JPEG", quality=70)
    return out.getvalue()


SETUP_CODE = r"""
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice
from appeals.models import Desk
from tips import keys
from tips.models import DeskMembership
from wagtail.models import Locale
desk = Desk.objects.create(name="Reliability desk", locale=Locale.get_default())
_rk, recovery_private = keys.create_recovery_key()
User = get_user_model()
user = User.objects.create_user("investigator", "inv@example.org", sys.argv[1])
from django.contrib.auth.models import Group
user.groups.add(Group.objects.get(name="Investigators"))
keys.setup_vault(user, sys.argv[2])
DeskMembership.objects.create(desk=desk, user=user)
keys.create_desk_key(desk)  # wrapped for the members above and the recovery key
from tips.models import TipLineSettings
TipLineSettings.objects.create(default_desk=desk)  # general tips go to this desk
device = TOTPDevice.objects.create(user=user, name="tips", confirmed=True, key=sys.argv[3])
print(json.dumps({"recovery": recovery_private.hex(), "desk": desk.pk}))
"""

VERIFY_CODE = r"""
from pathlib import Path
from django.conf import settings
from tips import attachments, services
from tips.models import Attachment, Tip
recovery = bytes.fromhex(sys.argv[1])
tips, problems = [], []
for tip in Tip.objects.order_by("pk"):
    try:
        document = services.tip_open_with_recovery(tip, recovery)
    except Exception as exc:
        problems.append(f"tip {tip.pk}: {type(exc).__name__}")
        continue
    files = 0
    for attachment in tip.attachments.all():
        try:
            with attachments.open_attachment(attachment, document) as reader:
                files += bool(reader.read())
        except Exception as exc:
            problems.append(f"attachment {attachment.pk}: {type(exc).__name__}")
    if files != len(document.get("attachments") or []):
        problems.append(f"tip {tip.pk}: {files} of {len(document['attachments'])} files")
    tips.append({"pk": tip.pk, "what": document["fields"]["what"], "files": files,
                 "notified": bool(tip.notified_at)})
root = Path(settings.STORAGES["tips"]["OPTIONS"]["location"])
on_disk = {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
referenced = set(Attachment.objects.values_list("storage_name", flat=True))
orphans, missing = sorted(on_disk - referenced), sorted(referenced - on_disk)
print(json.dumps({"tips": tips, "problems": problems, "orphans": orphans, "missing": missing}))
"""
