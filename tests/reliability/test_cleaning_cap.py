"""The cluster-wide cap on background cleanings across processes (tips.cleaning_slots), on
PostgreSQL: another process holding the only place (``TIP_VIDEO_CLEANERS_TOTAL=1``) is
killed (SIGKILL) without releasing it; a gunicorn node's cleaning stays "queued" until
the dead holder's place lapses, then the next poll cleans the file with the real sandbox
child and gives the place back."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.incident.videos import make_video

from .harness import ROOT, WebServer, run_django
from .test_incident_two_nodes import INCIDENT_CODE, _retry, _tus

pytestmark = pytest.mark.services

# A process (another node's worker) that takes the only place for 8 s and is then killed.
HOLDER_CODE = r"""
import django, sys, time
django.setup()
from tips import cleaning_slots
print(cleaning_slots.take("dead-node-worker", 8), flush=True)
time.sleep(600)
"""
SLOTS_CODE = r"""
from tips.models import CleaningSlot
print(json.dumps(list(CleaningSlot.objects.values_list("number", "holder"))))
"""


def _clean(url, secret, method="GET"):
    request = urllib.request.Request(url, data=b"" if method == "POST" else None, method=method)  # noqa: S310
    request.add_header("Upload-Secret", secret)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        return {"state": "error", "status": error.code}


def test_a_killed_holders_place_lapses_then_the_node_cleans(stack, tmp_path):
    env = stack.env(TIP_VIDEO_CLEANERS_TOTAL="1", TIP_VIDEO_CLEANERS_PER_PROCESS="2")
    code = INCIDENT_CODE.replace("incident-2n", "incident-cap")
    appeal = run_django(code, env)["pk"]
    node = WebServer(env, tmp_path / "node.log")
    node.start()
    holder = None
    try:
        video = make_video(seconds=2)
        secret = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()
        meta = (
            f"filename {base64.b64encode(b'clip.mp4').decode()},appeal "
            + base64.b64encode(str(appeal).encode()).decode()
        )
        _status, headers = _retry(
            lambda: _tus("POST", f"{node.base}/en/tip/upload/", secret, b"",
                         Upload_Length=len(video), Upload_Metadata=meta), (201,)
        )  # fmt: skip
        location = node.base + headers["Location"]
        _retry(
            lambda: _tus("PATCH", location, secret, video, Upload_Offset=0,
                         Content_Type="application/offset+octet-stream"), (204,)
        )  # fmt: skip
        clean = location.rstrip("/") + "/clean/"
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLDER_CODE], cwd=ROOT, env=env, stdout=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        assert holder.stdout.readline().strip() == "0"  # it holds place 0 for 8 s
        holder.send_signal(signal.SIGKILL)  # releases nothing
        holder.wait(timeout=10)
        assert _clean(clean, secret, "POST") == {"state": "queued"}
        assert run_django(SLOTS_CODE, env) == [[0, "dead-node-worker"]]
        deadline = time.monotonic() + 90
        states = []
        while time.monotonic() < deadline:
            states.append(_clean(clean, secret)["state"])
            if states[-1] not in ("queued", "cleaning"):
                break  # queued until the place lapses, then cleaned by the node
            time.sleep(0.5)
        assert states[-1] == "clean", states
        assert run_django(SLOTS_CODE, env) == [[0, ""]]  # given back
        _tus("DELETE", location, secret)
    finally:
        if holder is not None and holder.poll() is None:
            holder.kill()
        node.stop()
