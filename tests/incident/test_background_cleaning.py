"""Cleaning as soon as an upload is complete (tips.cleaning): the endpoint's secret, its
states, the refusal message, a lapsed claim started again, the per-process limit, a result
that nothing but the browser's secret opens, and the form that only opens the results (or
cleans what has none, as before)."""

import datetime
import hashlib
import json
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from tips import cleaning, cleaning_result
from tips import incident as incident_media
from tips.models import ResumableUpload, Tip

from ..tips_intake.test_no_plaintext import db_blobs
from .conftest import new_secret, upload_all
from .test_incident_submit import form_data, opened, read_attachment, url
from .videos import CANARY, make_video

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not __import__("shutil").which("ffprobe"), reason="needs ffmpeg"),
]


@pytest.fixture(autouse=True)
def jobs(monkeypatch, settings):
    """Cleanings are held here instead of in a thread: a test runs them when it chooses."""
    held = []
    _before.clear()
    _before.update(_all_files())
    settings.TIP_VIDEO_CLEANERS_PER_PROCESS = 1
    monkeypatch.setattr(cleaning, "_slots", None)
    monkeypatch.setattr(cleaning, "spawn", held.append)
    return held


def run(jobs):
    while jobs:
        jobs.pop(0)()


def clean_url(token, **query):
    params = "&".join(f"{k}={v}" for k, v in query.items())
    return f"/en/tip/upload/{token}/clean/" + (f"?{params}" if params else "")


def ask(client, token, secret, method="post", **query):
    headers = {"HTTP_UPLOAD_SECRET": secret} if secret else {}
    response = getattr(client, method)(clean_url(token, **query), **headers)
    return response.status_code, json.loads(response.content)


_before = set()


def _all_files():
    root = Path(settings.TIP_STORAGE_ROOT)
    return [Path(d) / n for d, _dirs, names in os.walk(root) for n in names]


def stored_files():
    """The files this test stored (the store is shared by the session's tests)."""
    return sorted(p for p in _all_files() if p not in _before)


def test_secret_missing_or_wrong_is_403(client, incident, jobs):
    token, _secret = upload_all(client, incident, make_video(seconds=1))
    for method in ("get", "post"):
        assert ask(client, token, None, method)[0] == 403
        assert ask(client, token, new_secret(), method)[0] == 403
    assert not jobs and ResumableUpload.objects.get().clean_until is None
    assert ask(client, "0" * 32, new_secret())[0] == 404


def test_states_from_uploading_to_clean_then_the_form_only_seals(
    client, incident, tipline, jobs, monkeypatch
):
    from .conftest import create

    video = make_video()
    secret = new_secret()
    pending = create(client, secret, incident, 1000).headers["Location"].rstrip("/")
    assert ask(client, pending.rsplit("/", 1)[-1], secret) == (200, {"state": "uploading"})
    token, secret = upload_all(client, incident, video, filename=f"{CANARY}.mp4", secret=secret)
    assert ask(client, token, secret) == (202, {"state": "cleaning"})
    assert len(jobs) == 1
    # A second request (another tab, a poll) does not start a second cleaning.
    assert ask(client, token, secret, "get") == (200, {"state": "cleaning"})
    assert len(jobs) == 1
    run(jobs)
    assert ask(client, token, secret, "get") == (200, {"state": "clean"})
    row = ResumableUpload.objects.get(token=token)
    assert row.clean_until is None and len(row.clean_files) == 2  # video and poster

    def no_cleaning(*_args, **_kwargs):
        raise AssertionError("the form cleaned again")

    monkeypatch.setattr(incident_media, "clean_one", no_cleaning)
    r = client.post(url(incident), form_data(upload_tokens=token, upload_secret=secret))
    assert r.status_code == 200, r.content.decode()[:2000]
    tip, document = opened(tipline)
    video_entry, poster_entry = document["attachments"]
    assert video_entry["name"] == "video-1.mp4" and poster_entry["name"] == "video-1-poster.jpg"
    assert video_entry["sha256"] == hashlib.sha256(video).hexdigest()
    assert video_entry["poster"] == 1 and video_entry["codec"] == "h264"
    assert "captured_at" not in video_entry
    clean = read_attachment(tip, document, 0)
    assert clean[4:8] == b"ftyp" and CANARY.encode() not in clean
    # The tip took the clean files: the upload's state and parts are gone, not the files.
    assert not ResumableUpload.objects.filter(token=token).exists()
    assert {a.storage_name for a in tip.attachments.all()} == set(row.clean_files)
    assert len(stored_files()) == 2


def test_refusal_is_kept_as_a_code_and_shown_translated(client, incident, tipline, jobs):
    webm = make_video(fmt="webm", codec="libvpx-vp9", seconds=1)
    token, secret = upload_all(client, incident, webm, filename="clip.mp4")
    ask(client, token, secret)
    run(jobs)
    status, body = ask(client, token, secret, "get", n=2)
    assert status == 200 and body["state"] == "refused"
    assert body["message"].startswith("File 2 is not the kind of file")
    french = client.get(f"/tip/upload/{token}/clean/?n=1", HTTP_UPLOAD_SECRET=secret)
    assert "Le fichier 1" in json.loads(french.content)["message"]
    row = ResumableUpload.objects.get()
    assert row.clean_refusal == "wrong_container" and row.clean_result is None
    assert row.clean_files == [] and not stored_files()[len(row.parts) :]
    # The form says the same, without cleaning again, and keeps the text.
    r = client.post(url(incident), form_data(upload_tokens=token, upload_secret=secret))
    assert r.status_code == 400 and b"not the kind of file" in r.content
    assert b"Film of the attack" in r.content and not Tip.objects.exists()


def test_a_lapsed_claim_is_started_again_by_the_next_poll(client, incident, tipline, jobs):
    token, secret = upload_all(client, incident, make_video(seconds=1))
    ask(client, token, secret)
    dead = jobs.pop()  # the process that took it died before it ran
    cleaning._slots.release()  # noqa: SLF001 - its slot went with it
    row = ResumableUpload.objects.get()
    assert row.clean_until > timezone.now()
    assert ask(client, token, secret, "get") == (200, {"state": "cleaning"})  # not lapsed yet
    assert not jobs
    ResumableUpload.objects.update(clean_until=timezone.now() - datetime.timedelta(seconds=1))
    assert ask(client, token, secret, "get") == (200, {"state": "cleaning"})
    assert len(jobs) == 1
    run(jobs)
    assert ask(client, token, secret, "get")[1] == {"state": "clean"}
    files = set(ResumableUpload.objects.get().clean_files)
    # The old cleaner, had it been alive after all, writes nothing and leaves nothing.
    cleaning._slots.acquire(blocking=False)  # noqa: SLF001 - the slot it would hold
    dead()
    assert set(ResumableUpload.objects.get().clean_files) == files
    assert {str(p.relative_to(settings.TIP_STORAGE_ROOT)) for p in stored_files()} >= files
    assert len(stored_files()) == len(files) + len(ResumableUpload.objects.get().parts)


def test_one_cleaning_per_process_others_queued(client, incident, jobs):
    first, secret_a = upload_all(client, incident, make_video(seconds=1))
    second, secret_b = upload_all(client, incident, make_video(seconds=1))
    assert ask(client, first, secret_a)[1] == {"state": "cleaning"}
    assert ask(client, second, secret_b) == (202, {"state": "queued"})
    assert ResumableUpload.objects.get(token=second).clean_until is None
    run(jobs)  # the first ends: its slot is free for the next poll
    assert ask(client, second, secret_b, "get")[1] == {"state": "cleaning"}
    run(jobs)
    assert ask(client, second, secret_b, "get")[1] == {"state": "clean"}


def test_the_result_opens_with_the_secret_only(client, incident, jobs):
    token, secret = upload_all(client, incident, make_video(), filename=f"{CANARY}.mp4")
    ask(client, token, secret, keep=1)
    run(jobs)
    row = ResumableUpload.objects.get()
    assert cleaning_result.open_result(row, cleaning.resumable.parse_secret(new_secret())) is None
    result = cleaning_result.open_result(row, cleaning.resumable.parse_secret(secret))
    keys = [bytes.fromhex(item["key"]) for item in result["items"]]
    assert result["items"][0]["extra"]["latitude"] == 50.8467  # kept, sealed
    needles = [CANARY.encode(), b"50.8467", b"iPhone", *keys, *(k.hex().encode() for k in keys)]
    for table, blob in db_blobs():
        for needle in needles:
            assert needle not in blob, table
    for path in stored_files():
        data = path.read_bytes()
        for needle in needles:
            assert needle not in data, path


def test_form_sent_before_the_cleaning_cleans_it_itself(client, incident, tipline, jobs):
    video = make_video()
    token, secret = upload_all(client, incident, video)
    ask(client, token, secret)  # the cleaning is asked for, but has not run yet
    r = client.post(url(incident), form_data(upload_tokens=token, upload_secret=secret))
    assert r.status_code == 200
    tip, document = opened(tipline)
    assert document["attachments"][0]["sha256"] == hashlib.sha256(video).hexdigest()
    run(jobs)  # the background cleaning ends after the tip took the upload: nothing kept
    assert not ResumableUpload.objects.exists()
    assert len(stored_files()) == tip.attachments.count() == 2


def test_when_and_where_follow_the_choice_at_sending(client, incident, tipline, jobs):
    # Cleaned without the values, then ticked: the form cleans again to read them.
    token, secret = upload_all(client, incident, make_video())
    ask(client, token, secret)
    run(jobs)
    data = form_data(upload_tokens=token, upload_secret=secret, keep_when_where="on")
    assert client.post(url(incident), data).status_code == 200
    _tip, document = opened(tipline)
    assert document["attachments"][0]["latitude"] == 50.8467
    Tip.objects.all().delete()
    # Cleaned with them, then unticked: the poll strips them from the sealed result.
    token, secret = upload_all(client, incident, make_video())
    ask(client, token, secret, keep=1)
    run(jobs)
    assert ask(client, token, secret, "get", keep=0)[1] == {"state": "clean"}
    assert not jobs
    row = ResumableUpload.objects.get()
    result = cleaning_result.open_result(row, cleaning.resumable.parse_secret(secret))
    assert result["keep"] is False and "latitude" not in result["items"][0]["extra"]
    assert client.post(url(incident), form_data(upload_tokens=token, upload_secret=secret))
    _tip, document = opened(tipline)
    assert "latitude" not in document["attachments"][0]
    # Ticked again after a result without them: the poll starts a new cleaning.
    token, secret = upload_all(client, incident, make_video(seconds=1))
    ask(client, token, secret)
    run(jobs)
    assert ask(client, token, secret, "get", keep=1)[1] == {"state": "cleaning"}
    run(jobs)
    row = ResumableUpload.objects.get()
    assert cleaning_result.open_result(row, cleaning.resumable.parse_secret(secret))["keep"]


def test_termination_deletes_a_result_no_tip_took(client, incident, jobs):
    token, secret = upload_all(client, incident, make_video(seconds=1))
    ask(client, token, secret)
    run(jobs)
    assert len(stored_files()) > 2
    r = client.delete(f"/en/tip/upload/{token}/", HTTP_TUS_RESUMABLE="1.0.0",
                      HTTP_UPLOAD_SECRET=secret)  # fmt: skip
    assert r.status_code == 204
    assert stored_files() == [] and not ResumableUpload.objects.exists()


def test_a_refused_form_keeps_the_results_for_the_next_try(client, incident, tipline, jobs):
    token, secret = upload_all(client, incident, make_video(seconds=1))
    webm = make_video(fmt="webm", codec="libvpx-vp9", seconds=1)
    bad, _same = upload_all(client, incident, webm, filename="clip.mp4", secret=secret)
    for upload in (token, bad):
        ask(client, token if upload == token else bad, secret)
        run(jobs)
    files = stored_files()
    data = form_data(upload_tokens=f"{token} {bad}", upload_secret=secret)
    r = client.post(url(incident), data)
    assert r.status_code == 400 and b"File 2 is not the kind of file" in r.content
    assert stored_files() == files  # the first file's clean result is still there
    r = client.post(url(incident), form_data(upload_tokens=token, upload_secret=secret))
    assert r.status_code == 200 and Tip.objects.count() == 1


def test_a_worker_that_exits_releases_its_claims(client, incident, jobs, monkeypatch):
    token, secret = upload_all(client, incident, make_video(seconds=1))
    ask(client, token, secret)
    seen = []

    def exiting(pk, claim, *_args):  # gunicorn's worker_exit hook while it cleans
        cleaning.release_claims()
        seen.append(ResumableUpload.objects.get(pk=pk).clean_until)

    monkeypatch.setattr(cleaning, "_clean", exiting)
    run(jobs)
    assert seen == [None]
    assert ask(client, token, secret, "get")[1] == {"state": "cleaning"} and len(jobs) == 1


def test_cleanings_started_per_source_are_limited(client, incident, jobs, settings):
    settings.TIP_UPLOAD_CREATE_RATE = "2/h"
    token, secret = upload_all(client, incident, make_video(seconds=1))
    ask(client, token, secret)
    run(jobs)
    assert ask(client, token, secret, keep=1)[1] == {"state": "cleaning"}  # 2nd start
    run(jobs)
    assert ask(client, token, secret, keep=0)[1] == {"state": "clean"}  # stripped, no start
    # Ticking again would need a third cleaning: over the budget, it waits.
    assert ask(client, token, secret, keep=1) == (202, {"state": "queued"})
    assert not jobs and cleaning._slots.acquire(blocking=False)  # noqa: SLF001 - slot given back


@pytest.mark.django_db(transaction=True)
def test_a_real_thread_cleans_after_the_answer(client, incident, tipline, monkeypatch):
    import time

    monkeypatch.setattr(cleaning, "spawn", REAL_SPAWN)
    # Short claims: a cleaner that failed (SQLite's table locks under load) is retried soon.
    monkeypatch.setattr(cleaning, "CLAIM_SECONDS", 3)
    monkeypatch.setattr(cleaning, "RENEW_SECONDS", 1)
    token, secret = upload_all(client, incident, make_video(seconds=1))
    assert ask(client, token, secret)[0] == 202
    deadline = time.monotonic() + 60
    answer = None
    while time.monotonic() < deadline:
        answer = ask(client, token, secret, "get")[1]
        if answer["state"] not in ("cleaning", "queued", "error"):
            break
        time.sleep(0.2)
    assert answer == {"state": "clean"}
    r = client.post(url(incident), form_data(upload_tokens=token, upload_secret=secret))
    assert r.status_code == 200 and Tip.objects.count() == 1


REAL_SPAWN = cleaning.spawn
