"""Hostile review of background cleaning (tips.cleaning): a cleaner that finishes while the
form sends the upload, the same form sent twice at once, a poll that restarts a cleaning
while the form uses its result, and query values the refusal message does not expect."""

import json

import pytest

from tips import cleaning_form
from tips import incident as incident_media
from tips.models import ResumableUpload, Tip

from .conftest import upload_all
from .test_background_cleaning import ask, clean_url, run, stored_files
from .test_background_cleaning import jobs as jobs  # noqa: PLC0414 - its autouse fixture
from .test_incident_submit import form_data, opened, read_attachment, url
from .videos import make_video

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not __import__("shutil").which("ffprobe"), reason="needs ffmpeg"),
]


def test_a_cleaner_that_finishes_while_the_form_cleans_leaves_no_orphan(
    client, incident, tipline, jobs, monkeypatch
):
    token, secret = upload_all(client, incident, make_video(seconds=1))
    ask(client, token, secret)  # asked for; it runs only once the form has read the row
    original = incident_media.clean_one
    calls = []

    def form_cleans(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:  # the form's own cleaning: the background one ends meanwhile
            run(jobs)
        return original(*args, **kwargs)

    monkeypatch.setattr(incident_media, "clean_one", form_cleans)
    r = client.post(url(incident), form_data(upload_tokens=token, upload_secret=secret))
    assert r.status_code == 200, r.content.decode()[:2000]
    tip = Tip.objects.get()
    assert not ResumableUpload.objects.exists()
    # Every stored file is one of the tip's: the cleaner's output was not left behind.
    names = {a.storage_name for a in tip.attachments.all()}
    assert len(stored_files()) == len(names) == 2


def test_the_same_upload_sent_twice_at_once_makes_one_tip(
    client, incident, tipline, jobs, monkeypatch
):
    token, secret = upload_all(client, incident, make_video(seconds=1))
    ask(client, token, secret)
    run(jobs)
    original = incident_media.clean_all
    second = []

    def meanwhile(*args, **kwargs):  # a double click: the second POST while the first seals
        if not second:
            second.append(None)
            data = form_data(upload_tokens=token, upload_secret=secret)
            second[0] = client.post(url(incident), data)
        return original(*args, **kwargs)

    monkeypatch.setattr(incident_media, "clean_all", meanwhile)
    first = client.post(url(incident), form_data(upload_tokens=token, upload_secret=secret))
    statuses = sorted([first.status_code, second[0].status_code])
    assert statuses == [200, 400], statuses
    refused = first if first.status_code == 400 else second[0]
    assert b"already being sent" in refused.content
    assert b"Film of the attack" in refused.content  # the text survives
    # Two tips sharing one stored file would lose it in both when one is purged.
    assert Tip.objects.count() == 1
    tip, document = opened(tipline)
    assert read_attachment(tip, document, 0)[4:8] == b"ftyp"
    assert len(stored_files()) == tip.attachments.count() == 2


def test_a_poll_that_restarts_the_cleaning_does_not_delete_what_the_form_seals(
    client, incident, tipline, jobs, monkeypatch
):
    token, secret = upload_all(client, incident, make_video(seconds=1))
    ask(client, token, secret)
    run(jobs)
    original = incident_media.clean_all

    def meanwhile(*args, **kwargs):  # "keep when and where" ticked in another tab
        assert ask(client, token, secret, "get", keep=1)[1]["state"] in ("cleaning", "clean")
        return original(*args, **kwargs)

    monkeypatch.setattr(incident_media, "clean_all", meanwhile)
    r = client.post(url(incident), form_data(upload_tokens=token, upload_secret=secret))
    assert r.status_code == 200
    tip, document = opened(tipline)
    assert read_attachment(tip, document, 0)[4:8] == b"ftyp"
    run(jobs)  # a cleaning started meanwhile would write nothing and leave nothing
    assert len(stored_files()) == tip.attachments.count() == 2


def test_a_refused_form_lets_go_of_its_uploads(client, incident, tipline, jobs):
    token, secret = upload_all(client, incident, make_video(seconds=1))
    ask(client, token, secret)
    run(jobs)
    data = form_data(upload_tokens=token, upload_secret=secret, what="")
    assert client.post(url(incident), data).status_code == 400
    # Polls and the next sending are not kept waiting for a form that is over.
    assert ask(client, token, secret, "get", keep=1)[1] == {"state": "cleaning"}
    run(jobs)
    r = client.post(url(incident), form_data(upload_tokens=token, upload_secret=secret))
    assert r.status_code == 200 and Tip.objects.count() == 1


@pytest.mark.parametrize("n", ["²", "9" * 5000, "-1", "1e3", "٣"])
def test_an_odd_file_number_is_no_500(client, incident, jobs, n):
    webm = make_video(fmt="webm", codec="libvpx-vp9", seconds=1)
    token, secret = upload_all(client, incident, webm, filename="clip.mp4")
    ask(client, token, secret)
    run(jobs)
    response = client.get(clean_url(token, n=n), HTTP_UPLOAD_SECRET=secret)
    assert response.status_code == 200
    assert json.loads(response.content)["message"].startswith("File ")


def test_a_database_error_while_claiming_gives_the_slot_back(client, incident, jobs, monkeypatch):
    from django.db import DatabaseError
    from django.db.models.query import QuerySet

    token, secret = upload_all(client, incident, make_video(seconds=1))
    real_update = QuerySet.update
    failures = []

    def flaky(self, **values):  # the claim's UPDATE fails once (a lost connection, a lock)
        if "clean_claim" in values and not failures:
            failures.append(1)
            raise DatabaseError("gone")
        return real_update(self, **values)

    monkeypatch.setattr(QuerySet, "update", flaky)
    assert ask(client, token, secret) == (503, {"state": "error", "code": "unavailable"})
    # The process's only cleaner slot is not lost: the next poll starts the cleaning.
    assert ask(client, token, secret, "get") == (200, {"state": "cleaning"})
    assert len(jobs) == 1


def test_the_forms_hold_fits_the_claim_column(client, incident, tipline, jobs):
    # SQLite does not enforce a CharField's length; PostgreSQL refuses the UPDATE (a 500).
    token, secret = upload_all(client, incident, make_video(seconds=1))
    data = form_data(upload_tokens=token, upload_secret=secret, what="")
    assert client.post(url(incident), data).status_code == 400
    claim = ResumableUpload.objects.get().clean_claim
    assert claim.startswith("form:")
    assert len(claim) <= ResumableUpload._meta.get_field("clean_claim").max_length


def test_a_sandbox_that_cannot_start_leaves_the_file_to_the_form(
    client, incident, tipline, jobs, monkeypatch
):
    from tips.video_sandbox import PROCESSING_FAILED, VideoRejected

    token, secret = upload_all(client, incident, make_video(seconds=1))
    ask(client, token, secret)
    original = incident_media.clean_one

    def down(*_args, **_kwargs):
        raise VideoRejected(PROCESSING_FAILED)

    monkeypatch.setattr(incident_media, "clean_one", down)
    run(jobs)
    # Not "cleaning" for ever (the script would wait without a word): the script leaves the
    # file to the form, whose request cleans it or says why it cannot.
    assert ask(client, token, secret, "get") == (200, {"state": "unknown"})
    assert not jobs
    monkeypatch.setattr(incident_media, "clean_one", original)
    r = client.post(url(incident), form_data(upload_tokens=token, upload_secret=secret))
    assert r.status_code == 200 and Tip.objects.count() == 1


def test_a_database_error_while_taking_the_uploads_keeps_the_text(
    client, incident, tipline, jobs, monkeypatch
):
    from django.db import DatabaseError

    token, secret = upload_all(client, incident, make_video(seconds=1))

    def gone(_upload):
        raise DatabaseError("gone")

    monkeypatch.setattr(cleaning_form, "take_for_form", gone)
    client.raise_request_exception = False
    r = client.post(url(incident), form_data(upload_tokens=token, upload_secret=secret))
    assert r.status_code == 503
    assert b"Film of the attack" in r.content and not Tip.objects.exists()
