"""Background cleaning's limits and leftovers (tips.cleaning, tips.cleaning_slots,
tips.cleaning_form), with the real sandbox child and the real database (also PostgreSQL):
the cluster-wide cap (queued beyond it, a killed worker's place lapsing, every place given
back whatever the ending), the form's hold renewed while the form cleans a file itself,
and every output (video, poster, photo) listed before its first byte, so that a worker
killed after writing the poster leaves nothing the upload's expiry does not delete."""

import datetime
import time

import pytest
from django.utils import timezone

from tips import cleaning, cleaning_slots, resumable, staged_outputs
from tips import incident as incident_media
from tips.models import Attachment, CleaningSlot, ResumableUpload, StagedOutput, Tip

from .conftest import upload_all
from .test_background_cleaning import REAL_SPAWN, ask, run, stored_files
from .test_background_cleaning import jobs as jobs  # noqa: PLC0414 - its autouse fixture
from .test_incident_submit import form_data, gps_photo, url
from .videos import make_video

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not __import__("shutil").which("ffprobe"), reason="needs ffmpeg"),
]


@pytest.fixture
def cap(settings):
    """One place in the cluster; the process itself would run more."""
    settings.TIP_VIDEO_CLEANERS_PER_PROCESS = 4
    settings.TIP_VIDEO_CLEANERS_TOTAL = 1


def held():
    return list(CleaningSlot.objects.exclude(holder="").values_list("number", "holder"))


def test_beyond_the_cluster_cap_the_cleaning_waits(client, incident, jobs, cap):
    first, secret_a = upload_all(client, incident, make_video(seconds=1))
    second, secret_b = upload_all(client, incident, make_video(seconds=1))
    assert ask(client, first, secret_a) == (202, {"state": "cleaning"})
    claim = ResumableUpload.objects.get(token=first).clean_claim
    assert held() == [(0, claim)]
    assert ask(client, second, secret_b) == (202, {"state": "queued"})
    assert ask(client, second, secret_b, "get") == (200, {"state": "queued"})
    assert len(jobs) == 1 and ResumableUpload.objects.get(token=second).clean_until is None
    run(jobs)  # the first ends: its place is free for the next poll, on any process
    assert held() == []
    assert ask(client, second, secret_b, "get") == (200, {"state": "cleaning"})
    run(jobs)
    assert ask(client, second, secret_b, "get") == (200, {"state": "clean"})
    assert ask(client, first, secret_a, "get") == (200, {"state": "clean"})


def test_places_held_by_other_nodes_count(client, incident, jobs, settings):
    settings.TIP_VIDEO_CLEANERS_TOTAL = 2
    assert cleaning_slots.take("node-b-1", 60) == 0
    assert cleaning_slots.take("node-b-2", 60) == 1
    assert cleaning_slots.take("node-b-3", 60) is None
    token, secret = upload_all(client, incident, make_video(seconds=1))
    assert ask(client, token, secret) == (202, {"state": "queued"})
    cleaning_slots.release(1, "node-b-2")
    assert ask(client, token, secret, "get") == (200, {"state": "cleaning"})
    assert CleaningSlot.objects.count() == 2


def test_a_killed_workers_place_lapses(client, incident, jobs, cap, monkeypatch):
    monkeypatch.setattr(cleaning, "CLAIM_SECONDS", 1)
    first, secret_a = upload_all(client, incident, make_video(seconds=1))
    second, secret_b = upload_all(client, incident, make_video(seconds=1))
    assert ask(client, first, secret_a)[1] == {"state": "cleaning"}
    jobs.pop()  # the worker was killed (SIGKILL) before its cleaning ended: nothing released
    cleaning._slots.release()  # noqa: SLF001 - the process's own slot died with it
    assert ask(client, second, secret_b)[1] == {"state": "queued"}
    time.sleep(1.2)  # no renewal: the dead worker's place and claim lapse
    assert ask(client, second, secret_b, "get")[1] == {"state": "cleaning"}
    assert held() == [(0, ResumableUpload.objects.get(token=second).clean_claim)]
    assert ask(client, first, secret_a, "get")[1] == {"state": "queued"}  # its turn comes next
    run(jobs)
    assert ask(client, first, secret_a, "get")[1] == {"state": "cleaning"}
    run(jobs)
    assert ask(client, first, secret_a, "get")[1] == {"state": "clean"} and held() == []


def wait_clean(client, token, secret):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if ask(client, token, secret, "get")[1] == {"state": "clean"}:
            return True
        time.sleep(0.2)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_running_cleaning_renews_its_place(client, incident, cap, monkeypatch):
    monkeypatch.setattr(cleaning, "spawn", REAL_SPAWN)
    monkeypatch.setattr(cleaning, "CLAIM_SECONDS", 1)
    monkeypatch.setattr(cleaning, "RENEW_SECONDS", 0.2)
    original = incident_media.clean_one

    def large(*args, **kwargs):  # outlasts the place's first expiry
        time.sleep(2)
        return original(*args, **kwargs)

    monkeypatch.setattr(incident_media, "clean_one", large)
    token, secret = upload_all(client, incident, make_video(seconds=1))
    other, secret_b = upload_all(client, incident, make_video(seconds=1))
    assert ask(client, token, secret)[1] == {"state": "cleaning"}
    time.sleep(1.5)
    assert CleaningSlot.objects.get().until > timezone.now()
    assert ask(client, other, secret_b)[1] == {"state": "queued"}
    assert wait_clean(client, token, secret)
    assert ask(client, other, secret_b, "get")[1] == {"state": "cleaning"}
    assert wait_clean(client, other, secret_b)  # nothing left running after the test


@pytest.mark.parametrize("ending", ["refused", "error", "database"])
def test_the_place_is_given_back_whatever_the_ending(
    client, incident, jobs, cap, monkeypatch, ending
):
    from django.db import DatabaseError

    webm = make_video(fmt="webm", codec="libvpx-vp9", seconds=1)
    token, secret = upload_all(client, incident, webm if ending == "refused" else make_video())
    if ending == "database":  # the upload's claim fails after the place was taken
        from django.db.models.query import QuerySet

        real_update = QuerySet.update

        def flaky(self, **values):
            if "clean_claim" in values and self.model is ResumableUpload:
                raise DatabaseError("gone")
            return real_update(self, **values)

        monkeypatch.setattr(QuerySet, "update", flaky)
        assert ask(client, token, secret)[1] == {"state": "error", "code": "unavailable"}
        assert held() == [] and not jobs
        return
    if ending == "error":

        def broken(*_args, **_kwargs):
            raise RuntimeError("a bug")

        monkeypatch.setattr(incident_media, "clean_one", broken)
    ask(client, token, secret)
    assert len(held()) == 1
    run(jobs)
    assert held() == []
    if ending == "refused":
        assert ask(client, token, secret, "get")[1]["state"] == "refused"


def test_over_the_source_budget_the_place_is_given_back(client, incident, jobs, cap, settings):
    settings.TIP_UPLOAD_CREATE_RATE = "1/h"
    token, secret = upload_all(client, incident, make_video(seconds=1))
    ask(client, token, secret)
    run(jobs)
    assert ask(client, token, secret, keep=1) == (202, {"state": "queued"})
    assert held() == [] and not jobs


def test_a_worker_that_exits_releases_its_place(client, incident, jobs, cap, monkeypatch):
    token, secret = upload_all(client, incident, make_video(seconds=1))
    ask(client, token, secret)
    seen = []

    def exiting(*_args):  # gunicorn's worker_exit hook while it cleans
        cleaning.release_claims()
        seen.append(held())

    monkeypatch.setattr(cleaning, "_clean", exiting)
    run(jobs)
    assert seen == [[]]


# --------------------------------------------------------------------------- the form's hold


@pytest.mark.django_db(transaction=True)
def test_the_forms_hold_is_renewed_while_it_cleans(client, incident, tipline, monkeypatch):
    monkeypatch.setattr(cleaning, "spawn", REAL_SPAWN)
    monkeypatch.setattr(cleaning, "CLAIM_SECONDS", 1)
    monkeypatch.setattr(cleaning, "RENEW_SECONDS", 0.2)
    token, secret = upload_all(client, incident, make_video(seconds=1))  # never asked: JS off
    original = incident_media.clean_one
    meanwhile = []

    def large(*args, **kwargs):  # the form cleans a file that outlasts its hold
        items = original(*args, **kwargs)
        time.sleep(1.5)
        row = ResumableUpload.objects.get(token=token)
        meanwhile.append(row.clean_claim.startswith("form:") and row.clean_until > timezone.now())
        meanwhile.append(ask(client, token, secret, "get", keep=1)[1])  # another tab polls
        again = client.post(url(incident), form_data(upload_tokens=token, upload_secret=secret))
        meanwhile.append((again.status_code, b"already being sent" in again.content))
        return items

    monkeypatch.setattr(incident_media, "clean_one", large)
    r = client.post(url(incident), form_data(upload_tokens=token, upload_secret=secret))
    assert r.status_code == 200, r.content.decode()[:2000]
    assert meanwhile == [True, {"state": "cleaning"}, (400, True)]
    assert Tip.objects.count() == 1 and not ResumableUpload.objects.exists()
    tip = Tip.objects.get()
    assert len(stored_files()) == tip.attachments.count() == 2


# --------------------------------------------------------------------------- leftovers


class Killed(BaseException):
    """The worker dies here: no clean-up code of the cleaning runs."""


def die_after(monkeypatch, marker):
    """The cleaning is killed right after writing the output whose name holds ``marker``."""
    real = incident_media.stage_attachment
    monkeypatch.setattr(incident_media, "discard_staged", lambda _staged: None)

    def stage(plaintext, *, name, **kwargs):
        staged = real(plaintext, name=name, **kwargs)
        if marker in name:
            raise Killed
        return staged

    monkeypatch.setattr(incident_media, "stage_attachment", stage)


def swept():
    """The upload's expiry passes and the sweep runs."""
    ResumableUpload.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    resumable.purge_expired()


@pytest.mark.parametrize(
    ("data", "filename", "marker", "outputs"),
    [(None, "clip.mp4", "poster", 2), ("photo", "IMG_1.jpg", "photo-", 1)],
)
def test_a_cleaner_killed_after_an_output_leaves_no_orphan(
    client, incident, jobs, monkeypatch, data, filename, marker, outputs
):
    body = gps_photo() if data == "photo" else make_video(seconds=1)
    token, secret = upload_all(client, incident, body, filename=filename)
    ask(client, token, secret)
    die_after(monkeypatch, marker)
    with pytest.raises(Killed):
        run(jobs)
    row = ResumableUpload.objects.get()
    assert len(row.clean_files) == outputs  # each listed before its first byte
    assert len(stored_files()) == outputs + len(row.parts)
    swept()
    assert stored_files() == [] and not ResumableUpload.objects.exists()


def test_a_form_killed_while_cleaning_itself_leaves_no_orphan(
    client, incident, tipline, jobs, monkeypatch
):
    token, secret = upload_all(client, incident, make_video(seconds=1))
    die_after(monkeypatch, "poster")
    with pytest.raises(Killed):
        client.post(url(incident), form_data(upload_tokens=token, upload_secret=secret))
    row = ResumableUpload.objects.get()
    assert len(row.clean_files) == 2 and not Tip.objects.exists()
    assert len(stored_files()) == 2 + len(row.parts)
    swept()
    assert stored_files() == []


def test_the_sweep_spares_the_files_a_stored_tip_holds(
    client, incident, tipline, jobs, monkeypatch
):
    # The worker dies after the tip was stored, before it deleted the upload.
    token, secret = upload_all(client, incident, make_video(seconds=1))
    ask(client, token, secret)
    run(jobs)
    monkeypatch.setattr(incident_media, "release_uploads", lambda _rows: None)
    r = client.post(url(incident), form_data(upload_tokens=token, upload_secret=secret))
    assert r.status_code == 200
    tip = Tip.objects.get()
    assert set(ResumableUpload.objects.get().clean_files) == {
        a.storage_name for a in tip.attachments.all()
    }
    swept()
    assert len(stored_files()) == tip.attachments.count() == 2


# A file sent in the form itself (JavaScript off): no upload row lists its outputs, so they
# are named in StagedOutput rows before their first byte.


def _plain_form(video):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {**form_data(), "media": SimpleUploadedFile("clip.mp4", video, "video/mp4")}


def _names():
    """The stored files of this test, by their names in the tip store."""
    return {"/".join(p.parts[-2:]) for p in stored_files()}


def _stale_swept():
    """The uploads' expiry passes and the scheduled purge runs."""
    from django.core.management import call_command

    before = timezone.now() - resumable.expiry_delta() - datetime.timedelta(seconds=1)
    StagedOutput.objects.update(created_at=before)
    call_command("purge_uploads", stdout=__import__("io").StringIO())


def test_a_form_file_killed_mid_clean_leaves_no_orphan(client, incident, tipline, monkeypatch):
    die_after(monkeypatch, "poster")
    with pytest.raises(Killed):
        client.post(url(incident), _plain_form(make_video(seconds=1)))
    assert not Tip.objects.exists()
    named = set(StagedOutput.objects.values_list("name", flat=True))
    assert len(named) == 2 and _names() == named  # the video and its poster
    _stale_swept()
    assert stored_files() == [] and not StagedOutput.objects.exists()


def test_a_fresh_staged_file_is_not_swept(client, incident, tipline, monkeypatch):
    """A form still cleaning (rows younger than the expiry) keeps its files."""
    die_after(monkeypatch, "poster")
    with pytest.raises(Killed):
        client.post(url(incident), _plain_form(make_video(seconds=1)))
    assert staged_outputs.purge_stale() == 0
    assert len(stored_files()) == 2


def test_a_sent_form_file_leaves_no_row_and_the_purge_spares_the_tip(
    client, incident, tipline, monkeypatch
):
    r = client.post(url(incident), _plain_form(make_video(seconds=1)))
    assert r.status_code == 200, r.content.decode()[:2000]
    tip = Tip.objects.get()
    assert not StagedOutput.objects.exists()
    # A worker killed between storing the tip and dropping the rows: the purge keeps the
    # files the tip holds.
    monkeypatch.setattr(staged_outputs, "release", lambda _names: None)
    r = client.post(url(incident), _plain_form(make_video(seconds=1)))
    assert r.status_code == 200
    assert StagedOutput.objects.count() == 2
    _stale_swept()
    held = {a.storage_name for a in Attachment.objects.all()}
    assert _names() == held and len(held) == 2 * tip.attachments.count()
    assert not StagedOutput.objects.exists()


def test_a_refused_form_file_leaves_no_row(client, incident, tipline):
    from django.core.files.uploadedfile import SimpleUploadedFile

    good = SimpleUploadedFile("clip.mp4", make_video(seconds=1), "video/mp4")
    bad = SimpleUploadedFile("b.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 500, "video/mp4")
    r = client.post(url(incident), {**form_data(), "media": [good, bad]})
    assert r.status_code == 400
    assert stored_files() == [] and not StagedOutput.objects.exists()
