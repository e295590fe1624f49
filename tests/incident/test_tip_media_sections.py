"""A tip with a video and a photo, as the investigator sees it: a "Videos" section (the video
with its poster) and a "Photos" section with the real photo only; "1 photo, 1 video" in the
detail, the queue and the case file, from one selector (tips.admin.tip_media). The poster
frame is never listed or counted as a photo."""

import hashlib
import io
import json
import re
import zipfile

import pytest
from django.urls import reverse
from django.utils import translation

from tips import incident
from tips.admin.tip_media import files_summary, media_summary, tip_media
from tips.keys import active_desk_key
from tips.services import tip_submit

from ..triage.conftest import _fast_and_clean, unlock, verified_login  # noqa: F401
from ..triage.conftest import world as world  # noqa: F401, PLC0414
from .test_incident_submit import gps_photo
from .videos import make_video

needs_ffmpeg = pytest.mark.skipif(not __import__("shutil").which("ffprobe"), reason="needs ffmpeg")


class _Plain(io.BytesIO):
    @property
    def size(self):
        return len(self.getbuffer())


def _incoming(kind, ext, data):
    return incident.Incoming(kind, ext, lambda: _Plain(data), lambda: _Plain(data))


def media_tip(desk, *, video, photo):
    """A tip with [video, its poster, photo] as an incident form seals it."""
    batch = incident.clean_all(
        [_incoming("video", "mp4", video), _incoming("photo", "jpg", photo)], keep_when_where=True
    )
    assert not batch.errors
    return tip_submit(desk_key=active_desk_key(desk), fields={"what": "the market attack"},
                      attachments=batch.staged, language="en").tip  # fmt: skip


# --- The selector, on documents (no database) ---------------------------------------------


def test_selector_sets_the_poster_apart():
    document = {
        "attachments": [
            {"kind": "video", "poster": 1, "name": "video-1.mp4"},
            {"kind": "poster", "name": "video-1-poster.jpg"},
            {"kind": "photo", "name": "photo-2.jpg"},
            {"name": "general-form.jpg"},  # the general tip form's photos carry no kind
        ]
    }
    media = tip_media(document)
    assert [p.ordinal for p in media.photos] == [2, 3]
    assert [(v.ordinal, v.poster) for v in media.videos] == [(0, 1)]
    assert media.posters == {1} and media.count == 3
    assert [media.kind_of(i) for i in range(4)] == ["video", "poster", "photo", "photo"]
    with translation.override("en"):
        assert media.summary() == "2 photos, 1 video"


def test_selector_a_poster_pointer_names_the_poster_even_without_its_kind():
    media = tip_media({"attachments": [{"kind": "video", "poster": 1}, {"name": "p.jpg"}]})
    assert media.photos == () and media.posters == {1}
    # A pointer out of range or of the wrong type is ignored, never followed.
    media = tip_media(
        {"attachments": [{"kind": "video", "poster": 7}, {"kind": "video", "poster": True}]}
    )
    assert media.posters == frozenset() and len(media.videos) == 2
    assert tip_media(None).count == 0 and tip_media({}).summary() == ""


@pytest.mark.parametrize(
    ("lang", "photos", "videos", "expected"),
    [
        ("en", 2, 1, "2 photos, 1 video"),
        ("en", 1, 0, "1 photo"),
        ("en", 0, 3, "3 videos"),
        ("fr", 2, 1, "2 photos, 1 vidéo"),
        ("fr", 1, 2, "1 photo, 2 vidéos"),
        ("nl", 2, 1, "2 foto's, 1 video"),
        ("nl", 1, 2, "1 foto, 2 video's"),
        ("de", 2, 1, "2 Fotos, 1 Video"),
        ("de", 1, 2, "1 Foto, 2 Videos"),
    ],
)
def test_counts_in_the_four_languages(lang, photos, videos, expected):
    with translation.override(lang):
        assert media_summary(photos, videos) == expected


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "3 files"), ("fr", "3 fichiers"), ("nl", "3 bestanden"), ("de", "3 Dateien")],
)
def test_locked_count_in_the_four_languages(lang, expected):
    with translation.override(lang):
        assert files_summary(3) == expected and files_summary(0) == ""


# --- The views ------------------------------------------------------------------------------


@pytest.fixture
def tip_with_media(world):
    video, photo = make_video(seconds=1), gps_photo()
    tip = media_tip(world.desk_a, video=video, photo=photo)
    admin_language(world.inv_a, "en")
    return tip, video, photo


def admin_language(user, code):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = code
    profile.save()


def _section(html, title):
    """The HTML of the <h3>title</h3> section, up to the next heading."""
    match = re.search(rf"<h3>{title}</h3>(.*?)(?=<h[23]|</section>)", html, re.S)
    assert match, f"no section {title}"
    return match.group(1)


@pytest.mark.django_db
@needs_ffmpeg
def test_detail_has_a_videos_section_and_a_photos_section(client, world, tip_with_media):
    tip, video, photo = tip_with_media
    assert tip.attachment_count == 2  # the files the citizen sent; the poster is not one
    verified_login(client, world.inv_a)
    unlock(client)
    html = client.get(reverse("tips_admin:detail", args=[tip.pk])).content.decode()
    poster_url = reverse("tips_admin:attachment", args=[tip.pk, 1])
    photo_url = reverse("tips_admin:attachment", args=[tip.pk, 2])
    videos, photos = _section(html, "Videos"), _section(html, "Photos")
    # The video plays with its poster; its hash and capture facts sit beside it.
    assert f'src="{reverse("tips_admin:video", args=[tip.pk, 0])}"' in videos
    assert f'poster="{poster_url}"' in videos
    assert hashlib.sha256(video).hexdigest() in videos and "2026-11-30 14:22:00" in videos
    assert reverse("tips_admin:attachment_download", args=[tip.pk, 0]) in videos
    # The photo section holds the photo only: the poster is not a photo.
    assert f'src="{photo_url}"' in photos and poster_url not in photos
    assert "poster" not in photos and photos.count("<img") == 1
    assert hashlib.sha256(photo).hexdigest() in photos and "2026-11-30 14:22:05" in photos
    assert "50.846700 N, 4.352500 E" in photos
    # Nowhere else on the page is the poster offered as a file of its own.
    assert html.count(poster_url) == 1
    assert reverse("tips_admin:attachment_download", args=[tip.pk, 1]) not in html
    assert re.search(r'<dd class="tips-media-summary">1 photo, 1 video</dd>', html)


@pytest.mark.django_db
@needs_ffmpeg
def test_detail_in_french_counts_photos_and_videos(client, world, tip_with_media):
    tip, _, _ = tip_with_media
    verified_login(client, world.inv_a)
    unlock(client)
    admin_language(world.inv_a, "fr")
    html = client.get(reverse("tips_admin:detail", args=[tip.pk])).content.decode()
    assert "<h3>Vidéos</h3>" in html
    assert "1 photo, 1 vidéo" in html and "<h3>Photos</h3>" in html


@pytest.mark.django_db
@needs_ffmpeg
def test_detail_locked_says_files_not_photos(client, world, tip_with_media):
    tip, _, _ = tip_with_media
    verified_login(client, world.inv_a)
    html = client.get(reverse("tips_admin:detail", args=[tip.pk])).content.decode()
    assert '<dd class="tips-media-summary">2 files</dd>' in html
    assert "<h3>Photos</h3>" not in html and "<h3>Videos</h3>" not in html


@pytest.mark.django_db
@needs_ffmpeg
def test_queue_counts_photos_and_videos(client, world, tip_with_media):
    tip, _, _ = tip_with_media
    verified_login(client, world.inv_a)
    locked = client.get(reverse("tips_admin:index")).content.decode()
    assert "Photos and videos" in locked and "<td>2 files</td>" in locked
    unlock(client)
    unlocked = client.get(reverse("tips_admin:index")).content.decode()
    assert "<td>1 photo, 1 video</td>" in unlocked
    assert "<td>3</td>" not in unlocked and "<td>2 files</td>" not in unlocked


@pytest.mark.django_db
@needs_ffmpeg
def test_case_file_says_what_the_detail_says(client, world, tip_with_media):
    tip, video, photo = tip_with_media
    verified_login(client, world.inv_a)
    unlock(client)
    response = client.post(reverse("tips_admin:export", args=[tip.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    manifest = json.loads(archive.read("manifest.json"))
    kinds = [m["kind"] for m in manifest]
    assert kinds == ["video", "poster", "photo"]
    video_row, poster_row, photo_row = manifest
    assert video_row["poster_file"] == poster_row["file"]
    assert poster_row["poster_of"] == video_row["file"]
    assert "poster_file" not in photo_row and "poster_of" not in photo_row
    assert photo_row["original_sha256"] == hashlib.sha256(photo).hexdigest()
    listing = json.loads(archive.read("tip.json"))["media"]
    assert [(m["kind"], m["file"]) for m in listing] == [
        ("video", video_row["file"]),
        ("photo", photo_row["file"]),
    ]
    text = archive.read("tip.txt").decode()
    assert "Photos and videos: 1 photo, 1 video" in text
    assert f"- photo: {poster_row['file']}" not in text
