"""An incident tip end to end through the views: videos by the resumable endpoint or in the
plain form, cleaned, sealed with their hashes; the "keep when and where" choice; the
canary of a video's tags and file name nowhere at rest; the closed intake window."""

import datetime
import hashlib
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tips import antispam, services
from tips.attachments import open_attachment, tip_storage
from tips.models import ResumableUpload, Tip

from ..tips_intake.test_no_plaintext import db_blobs
from .conftest import upload_all
from .videos import CANARY, make_video

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not __import__("shutil").which("ffprobe"), reason="needs ffmpeg"),
]


def form_data(**extra):
    data = {
        "what": "Film of the attack near the market entrance.",
        "when_date": "",
        "when_time": "",
        "place": "",
        "how_known": "",
        "contact": "",
        "website": "",
        "form_token": antispam.issue_token(),
    }
    data.update(extra)
    return data


def url(appeal):
    return f"/en/tip/incident/{appeal.pk}/"


def opened(tipline):
    tip = Tip.objects.get()
    return tip, services.tip_open_with_recovery(tip, tipline[1])


def read_attachment(tip, document, ordinal):
    reader = open_attachment(tip.attachments.get(ordinal=ordinal), document)
    try:
        return reader.read()
    finally:
        reader.close()


def test_resumable_video_becomes_a_sealed_tip(client, incident, tipline):
    video = make_video()
    token, secret = upload_all(client, incident, video, filename=f"{CANARY}.mp4", chunk=20_000)
    r = client.post(url(incident), form_data(upload_tokens=token, upload_secret=secret))
    assert r.status_code == 200, r.content.decode()[:2000]
    assert b"receipt" in r.content.lower()
    tip, document = opened(tipline)
    video_entry, poster_entry = document["attachments"]
    assert video_entry["kind"] == "video" and poster_entry["kind"] == "poster"
    assert video_entry["sha256"] == hashlib.sha256(video).hexdigest()
    assert video_entry["original_size"] == len(video)
    assert video_entry["codec"] == "h264" and video_entry["width"] == 320
    assert video_entry["duration"] > 1.5 and video_entry["poster"] == 1
    assert video_entry["name"] == "video-1.mp4"
    assert "captured_at" not in video_entry and "latitude" not in video_entry
    clean = read_attachment(tip, document, 0)
    assert clean[4:8] == b"ftyp" and CANARY.encode() not in clean
    assert read_attachment(tip, document, 1).startswith(b"\xff\xd8")
    # The upload's encrypted parts and state are gone once the tip is stored.
    assert not ResumableUpload.objects.exists()
    assert not any(tip_storage().listdir("uploads")[1])


def test_canary_nowhere_at_rest(client, incident, tipline):
    video = make_video()
    token, secret = upload_all(
        client, incident, video, filename=f"{CANARY}.mov".replace(".mov", ".mp4")
    )
    client.post(url(incident), form_data(upload_tokens=token, upload_secret=secret))
    assert Tip.objects.count() == 1
    needles = [CANARY.encode(), b"50.8467", b"+50.84", b"iPhone"]
    for table, blob in db_blobs():
        for needle in needles:
            assert needle not in blob, table
    root = Path(settings.TIP_STORAGE_ROOT)
    for folder, _dirs, files in os.walk(root):
        for name in files:
            data = (Path(folder) / name).read_bytes()
            for needle in needles:
                assert needle not in data and needle.decode() not in name
    # Through the storage API too (the object store when CI runs these on SeaweedFS).
    storage, seen = tip_storage(), 0

    def walk(prefix):
        nonlocal seen
        dirs, files = storage.listdir(prefix)
        for name in files:
            path = f"{prefix}/{name}" if prefix else name
            with storage.open(path, "rb") as fh:
                data = fh.read()
            seen += 1
            for needle in needles:
                assert needle not in data and needle.decode() not in path
        for d in dirs:
            walk(f"{prefix}/{d}" if prefix else d)

    walk("")
    assert seen >= 2  # the clean video and its poster


def test_keep_when_where_goes_only_into_the_sealed_tip(client, incident, tipline):
    token, secret = upload_all(client, incident, make_video())
    r = client.post(
        url(incident), form_data(upload_tokens=token, upload_secret=secret, keep_when_where="on")
    )
    assert r.status_code == 200
    tip, document = opened(tipline)
    entry = document["attachments"][0]
    assert entry["captured_at"] == "2026-11-30T14:22:00.000000Z"
    assert (entry["latitude"], entry["longitude"]) == (50.8467, 4.3525)
    assert b"50.8467" not in read_attachment(tip, document, 0)
    for _table, blob in db_blobs():
        assert b"50.8467" not in blob


def test_plain_form_takes_a_small_video(client, incident, tipline):
    video = make_video(seconds=1)
    r = client.post(
        url(incident),
        {**form_data(), "media": SimpleUploadedFile(f"{CANARY}.mp4", video, "video/mp4")},
    )
    assert r.status_code == 200, r.content.decode()[:3000]
    _tip, document = opened(tipline)
    assert document["attachments"][0]["sha256"] == hashlib.sha256(video).hexdigest()


def test_the_incident_form_needs_its_csrf_token(incident, tipline):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    video = make_video(seconds=1)
    r = csrf_client.post(
        url(incident), {**form_data(), "media": SimpleUploadedFile("v.mp4", video, "video/mp4")}
    )
    assert r.status_code == 403
    assert not Tip.objects.exists()


def test_hostile_video_refused_with_message_not_500(client, incident, tipline):
    r = client.post(
        url(incident),
        {**form_data(), "media": SimpleUploadedFile("clip.mp4", b"\x00" * 4000, "video/mp4")},
    )
    assert r.status_code == 400
    assert b"File 1" in r.content
    assert not Tip.objects.exists()
    token, secret = upload_all(client, incident, make_video(fmt="webm", codec="libvpx-vp9"),
                               filename="clip.mp4")  # fmt: skip
    r = client.post(url(incident), form_data(upload_tokens=token, upload_secret=secret))
    assert r.status_code == 400 and b"not the kind of file" in r.content
    assert not Tip.objects.exists()


def test_wrong_secret_at_submission_refused(client, incident, tipline):
    token, _secret = upload_all(client, incident, make_video())
    from .conftest import new_secret

    r = client.post(url(incident), form_data(upload_tokens=token, upload_secret=new_secret()))
    assert r.status_code == 400 and not Tip.objects.exists()


def test_closed_intake_points_to_general_tip_line(client, incident):
    incident.intake_closes = timezone.now() - datetime.timedelta(hours=1)
    incident.save_revision().publish()
    r = client.get(url(incident))
    assert r.status_code == 410
    assert b"/en/tip/" in r.content
    page = client.get(incident.get_url())
    assert page.status_code == 200
    assert b"intake-closed" in page.content


def test_open_intake_page_links_to_the_incident_form(client, incident):
    page = client.get(incident.get_url())
    assert f"/tip/incident/{incident.pk}/".encode() in page.content
    form = client.get(url(incident))
    assert form.status_code == 200
    assert b"tus.min.js" in form.content and b'name="keep_when_where"' in form.content
    assert b"checked" not in form.content.split(b'name="keep_when_where"')[1][:60]


def gps_photo() -> bytes:
    import io

    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "Apple"
    exif[0x0110] = f"iPhone {CANARY}"
    exif.get_ifd(0x8769)[0x9003] = "2026:11:30 14:22:05"
    exif.get_ifd(0x8825).update({1: "N", 2: (50.0, 50.0, 48.12), 3: "E", 4: (4.0, 21.0, 9.0)})
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 30, 30)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


@pytest.mark.parametrize("keep", [False, True])
def test_photo_keeps_hash_and_optionally_when_where(client, incident, tipline, keep):
    photo = gps_photo()
    token, secret = upload_all(client, incident, photo, filename=f"IMG_{CANARY}.jpg")
    data = form_data(upload_tokens=token, upload_secret=secret)
    if keep:
        data["keep_when_where"] = "on"
    assert client.post(url(incident), data).status_code == 200
    tip, document = opened(tipline)
    entry = document["attachments"][0]
    assert entry["kind"] == "photo" and entry["sha256"] == hashlib.sha256(photo).hexdigest()
    stored = read_attachment(tip, document, 0)
    assert CANARY.encode() not in stored and b"Exif" not in stored
    if keep:
        assert entry["captured_at"] == "2026:11:30 14:22:05"
        assert entry["latitude"] == pytest.approx(50.846700, abs=1e-5)
        assert entry["longitude"] == pytest.approx(4.3525, abs=1e-5)
    else:
        assert "latitude" not in entry and "captured_at" not in entry


def test_form_and_page_in_french(client, incident):
    form = client.get(f"/tip/incident/{incident.pk}/").content.decode()
    assert "Envoyez vos photos et vidéos de" in form
    assert "Garder quand et où cela a été filmé" in form
    page = client.get(incident.get_url()).content.decode()
    assert "Envoyez vos photos et vidéos de" in page


def test_editor_sets_the_intake_window(client, incident):
    from django.contrib.auth import get_user_model

    from tests.conftest import login_verified

    admin = get_user_model().objects.create_superuser("ed", "ed@example.org", "pw-ed-0123456789")
    login_verified(client, admin)  # a superuser passes the second factor first (issue 14)
    edit = client.get(f"/admin/pages/{incident.pk}/edit/")
    assert edit.status_code == 200
    html = edit.content.decode()
    assert 'name="intake_opens"' in html and 'name="intake_closes"' in html
    assert 'value="incident"' in html
