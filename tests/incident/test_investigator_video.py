"""The investigator plays a video in the tip detail: decrypted on the fly, HTTP Range
(seeking), the sealed hash and capture details shown, every opening audited."""

import hashlib
import io

import pytest
from django.urls import reverse

from tips import incident
from tips.keys import active_desk_key
from tips.models import TipAuditEntry
from tips.services import tip_submit

from ..triage.conftest import _fast_and_clean, unlock, verified_login  # noqa: F401
from ..triage.conftest import world as world  # noqa: F401, PLC0414
from .videos import make_video

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not __import__("shutil").which("ffprobe"), reason="needs ffmpeg"),
]


class _Plain(io.BytesIO):
    @property
    def size(self):
        return len(self.getbuffer())


def video_tip(desk, original, keep=True):
    incoming = incident.Incoming("video", "mp4", lambda: _Plain(original), lambda: _Plain(original))
    batch = incident.clean_all([incoming], keep_when_where=keep)
    assert not batch.errors
    return tip_submit(desk_key=active_desk_key(desk), fields={"what": "video"},
                      attachments=batch.staged, language="en").tip  # fmt: skip


def test_detail_plays_and_seeks(client, world):
    original = make_video()
    tip = video_tip(world.desk_a, original)
    verified_login(client, world.inv_a)
    unlock(client)
    page = client.get(reverse("tips_admin:detail", args=[tip.pk]))
    html = page.content.decode()
    stream_url = reverse("tips_admin:video", args=[tip.pk, 0])
    assert f'src="{stream_url}"' in html and "<video" in html
    assert hashlib.sha256(original).hexdigest() in html
    assert "50.846700 N, 4.352500 E" in html and "2026-11-30 14:22:00" in html
    assert "media-src 'self'" in page["Content-Security-Policy"]

    whole = b"".join(client.get(stream_url).streaming_content)
    assert whole[4:8] == b"ftyp"
    part = client.get(stream_url, HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{len(whole)}"
    assert b"".join(part.streaming_content) == whole[100:200]
    tail = client.get(stream_url, HTTP_RANGE="bytes=-50")
    assert b"".join(tail.streaming_content) == whole[-50:]
    assert client.get(stream_url, HTTP_RANGE=f"bytes={len(whole)}-").status_code == 416

    views = TipAuditEntry.objects.filter(action="tips.view_attachment", object_id=str(tip.pk))
    assert views.count() == 1  # the playback from byte 0; its seeks are not separate views
    download = client.get(reverse("tips_admin:attachment_download", args=[tip.pk, 0]))
    assert b"".join(download.streaming_content) == whole
    assert views.count() == 2


def test_locked_vault_streams_nothing(client, world):
    tip = video_tip(world.desk_a, make_video(seconds=1), keep=False)
    verified_login(client, world.inv_a)
    r = client.get(reverse("tips_admin:video", args=[tip.pk, 0]))
    assert r.status_code in (302, 403)
    verified_login(client, world.inv_b)  # another desk
    unlock(client)
    assert client.get(reverse("tips_admin:video", args=[tip.pk, 0])).status_code == 404


def test_case_file_export_has_media_and_manifest_with_hashes(client, world):
    import json
    import zipfile

    original = make_video(seconds=1)
    tip = video_tip(world.desk_a, original)
    verified_login(client, world.inv_a)
    unlock(client)
    url = reverse("tips_admin:export", args=[tip.pk])
    response = client.post(url)
    if response.status_code == 405:
        response = client.get(url)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    manifest = json.loads(archive.read("manifest.json"))
    video, poster = manifest
    assert video["sha256"] == hashlib.sha256(archive.read(video["file"])).hexdigest()
    assert video["kind"] == "video" and video["codec"] == "h264"
    # The original's hash as received, sealed at submission, beside the exported file's.
    assert video["original_size"] == len(original)
    assert video["original_sha256"] == hashlib.sha256(original).hexdigest()
    assert (
        json.loads(archive.read("tip.json"))["attachments"][0]["sha256"]
        == hashlib.sha256(original).hexdigest()
    )
    assert poster["kind"] == "poster"
