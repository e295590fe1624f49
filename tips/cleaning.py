"""Cleaning an incident file as soon as its upload is complete, in the background.

The browser asks for it (``POST /tip/upload/<token>/clean/`` with its ``Upload-Secret``)
and polls the state (``GET``, same header). The view unwraps the file key with the secret,
claims the upload in the database (a conditional UPDATE with an expiry, renewed while the
cleaning runs: a process that dies lets its claim lapse, and the next poll, which carries
the secret again, starts over) and cleans in a daemon thread of the web process, at most
``TIP_VIDEO_CLEANERS_PER_PROCESS`` at once (else "queued": the next poll starts it).

The secret and the file key live only in that process's memory: never in a task payload,
the cache or the database. The cleaning itself is ``tips.incident.clean_one`` as in the
form's request (encrypted parts in, sandbox child, encrypted clean file out). Its result
(the clean files' keys and what the investigator is told) is kept until the form is sent
in the upload's row, sealed by ``tips.cleaning_result`` under a key derived from the
secret; a refusal is kept as its code (not secret). The form then only opens the results
(``incoming_for_form``); a file without one is cleaned in the form's request as before.
"""

from __future__ import annotations

import datetime
import logging
import secrets
import threading
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.models import Q
from django.utils import timezone

from . import cleaning_result as results
from . import crypto, incident, resumable, upload_readers
from .attachments import delete_stored, discard_staged
from .models import ResumableUpload
from .sanitize import ImageRejected
from .video_sandbox import PROCESSING_FAILED, VideoRejected

logger = logging.getLogger(__name__)

UPLOADING, QUEUED, CLEANING, CLEAN, REFUSED = "uploading", "queued", "cleaning", "clean", "refused"
#: The sandbox could not start: the script leaves the file to the form's request.
UNKNOWN = "unknown"
#: A cleaner holds the upload this long, renewed every ``_RENEW_SECONDS`` while it runs.
CLAIM_SECONDS = 60
_RENEW_SECONDS = 20
#: The claim of a form sending the upload starts so (``take_for_form``).
_FORM = "form:"

_slots_lock = threading.Lock()
_slots = None
#: (upload pk, claim) of the cleanings this process runs, released when it exits.
_running: set = set()


def _free_slots() -> threading.BoundedSemaphore:
    global _slots  # noqa: PLW0603 - one semaphore per process, made on first use
    with _slots_lock:
        if _slots is None:
            _slots = threading.BoundedSemaphore(max(1, settings.TIP_VIDEO_CLEANERS_PER_PROCESS))
        return _slots


@dataclass
class State:
    state: str
    refusal: str = ""


def status(upload: ResumableUpload, secret: bytes, *, keep: bool, admit=None) -> State:
    """Where the cleaning of ``upload`` stands for the browser holding ``secret``; starts it
    when nothing runs and there is no usable result (never asked, lapsed, or made without
    the "keep when and where" values now wanted). ``admit()`` is asked before a start (the
    per-source budget): refused, the state is "queued". Raises ``UploadError`` (403)."""
    file_key = resumable.unwrap_file_key(upload, secret)
    if not upload.complete:
        return State(UPLOADING)
    if upload.clean_refusal == PROCESSING_FAILED:
        return State(UNKNOWN)
    if upload.clean_refusal:
        return State(REFUSED, upload.clean_refusal)
    if _held_by_form(upload):  # its result is being sealed in a tip: nothing starts now
        return State(CLEAN if upload.clean_result else CLEANING)
    if upload.clean_result:
        result = results.open_result(upload, secret)
        if result is not None and (result["keep"] or not keep):
            if result["keep"] and not keep:  # unticked: the values go, no new cleaning
                key = results.result_key(secret, upload.token)
                stripped = results.seal_result(key, upload.token, results.strip_when_where(result))
                ResumableUpload.objects.filter(pk=upload.pk, clean_claim=upload.clean_claim).update(
                    clean_result=stripped
                )
            return State(CLEAN)
    elif upload.clean_until is not None and upload.clean_until > timezone.now():
        return State(CLEANING)
    return _start(upload, file_key, results.result_key(secret, upload.token), keep, admit)


def _start(upload, file_key: bytes, rkey: bytes, keep: bool, admit) -> State:
    slots = _free_slots()
    if not slots.acquire(blocking=False):
        return State(QUEUED)
    spawned = False
    try:  # the slot goes back unless a thread took it (a database error must not keep it)
        if admit is not None and not admit():
            return State(QUEUED)
        claim = secrets.token_hex(16)
        now = timezone.now()
        won = (
            ResumableUpload.objects.filter(pk=upload.pk, clean_claim=upload.clean_claim)
            .filter(Q(clean_until__isnull=True) | Q(clean_until__lt=now) | ~Q(clean_result=None))
            .update(
                clean_claim=claim,
                clean_until=now + datetime.timedelta(seconds=CLAIM_SECONDS),
                clean_result=None,
                clean_refusal="",
                clean_files=[],
            )
        )
        if not won:  # another request or node took it first
            return State(CLEANING)
        delete_stored(upload.clean_files or [])  # a lapsed or superseded cleaning's output
        spawn(lambda: _run(upload.pk, claim, file_key, rkey, keep))
        spawned = True
        return State(CLEANING)
    finally:
        if not spawned:
            slots.release()


def spawn(job) -> None:
    """Run ``job`` in a daemon thread (tests replace this to run it when they choose). A
    daemon: a worker that exits (gunicorn's max_requests, a restart) ends it, and its claim
    lapses."""

    def body():
        try:
            job()
        finally:
            connections.close_all()  # this thread's own connections

    threading.Thread(target=body, name="tip-cleaner", daemon=True).start()


def _held_by_form(upload) -> bool:
    return (
        upload.clean_claim.startswith(_FORM)
        and upload.clean_until is not None
        and upload.clean_until > timezone.now()
    )


def _run(pk: int, claim: str, file_key: bytes, rkey: bytes, keep: bool) -> None:
    stop = threading.Event()
    threading.Thread(target=_renew, args=(pk, claim, stop), daemon=True).start()
    _running.add((pk, claim))
    try:
        _clean(pk, claim, file_key, rkey, keep)
    except Exception as exc:  # noqa: BLE001 - the claim lapses and the next poll retries
        logger.error("background cleaning failed (%s)", type(exc).__name__)
    finally:
        _running.discard((pk, claim))
        stop.set()
        _free_slots().release()


def release_claims() -> None:
    """This process is exiting (gunicorn's ``worker_exit``: max_requests, a restart): its
    cleanings die with it, so their claims end now and the browser's next poll, which
    brings the secret again, starts them elsewhere (without this they lapse in a minute)."""
    for pk, claim in list(_running):
        try:
            ResumableUpload.objects.filter(pk=pk, clean_claim=claim).update(clean_until=None)
        except Exception as exc:  # noqa: BLE001 - they lapse on their own
            logger.warning("cleaning claim not released (%s)", type(exc).__name__)


def _renew(pk: int, claim: str, stop: threading.Event) -> None:
    try:
        while not stop.wait(_RENEW_SECONDS):
            until = timezone.now() + datetime.timedelta(seconds=CLAIM_SECONDS)
            ResumableUpload.objects.filter(pk=pk, clean_claim=claim).update(clean_until=until)
    except Exception as exc:  # noqa: BLE001 - a missed renewal only lets the claim lapse
        logger.warning("cleaning claim not renewed (%s)", type(exc).__name__)
    finally:
        connections.close_all()


def _clean(pk: int, claim: str, file_key: bytes, rkey: bytes, keep: bool) -> None:
    upload = ResumableUpload.objects.filter(pk=pk, clean_claim=claim).first()
    if upload is None:  # terminated, or the form took it meanwhile
        return
    mine = ResumableUpload.objects.filter(pk=pk, clean_claim=claim)
    reserved = []

    def reserve(name):  # recorded before a byte is written: a crash leaves no orphan
        reserved.append(name)
        mine.update(clean_files=list(reserved))

    try:
        items = incident.clean_one(
            _incoming(upload, file_key), 0, keep_when_where=keep, reserve=reserve
        )
    except (VideoRejected, ImageRejected, crypto.CryptoError, resumable.UploadError) as exc:
        code = getattr(exc, "code", "corrupt")
        if code == PROCESSING_FAILED:  # the sandbox did not start: the form cleans it
            logger.warning("background cleaning: sandbox unavailable")
        mine.update(clean_refusal=code, clean_files=[], clean_until=None)
        return
    blob = results.seal_result(rkey, upload.token, {"keep": keep, "items": items})
    written = mine.update(
        clean_result=blob, clean_files=[i.storage_name for i in items], clean_until=None
    )
    if not written:  # the upload went (terminated, sent) or another cleaner took over
        discard_staged(items)


def _incoming(upload, file_key: bytes) -> incident.Incoming:
    return incident.Incoming(
        upload.media_kind,
        upload.extension,
        lambda: upload_readers.PartsReader(upload, file_key),
        lambda: upload_readers.SeekablePartsReader(upload, file_key),
    )


# --------------------------------------------------------------------------- the form


def incoming_for_form(upload, secret: bytes, *, keep: bool) -> incident.Incoming:
    """The file for the form's request: its stored result when there is a usable one
    (opened, renamed for its place in the tip), else the upload to clean right now.
    The form holds the upload from here (``take_for_form``): ``let_go`` when it is over."""
    if not upload.complete:
        raise resumable.UploadError(409, "incomplete")
    incoming = _incoming(upload, resumable.unwrap_file_key(upload, secret))
    take_for_form(upload)
    if upload.clean_refusal and upload.clean_refusal != PROCESSING_FAILED:
        code = upload.clean_refusal

        def refused(_number):
            raise VideoRejected(code)

        incoming.ready = refused
    elif upload.clean_result:
        result = results.open_result(upload, secret)
        if result is not None and (result["keep"] or not keep):
            incoming.ready = lambda number: results.staged_from_result(result, number, keep=keep)
    return incoming


def take_for_form(upload) -> None:
    """Hold ``upload`` for the form that sends it, and read its row again under that hold.
    Meanwhile a cleaner that finishes writes nothing (and deletes its own files, which the
    form's copy of the row would not list), a poll starts no cleaning (which would delete
    the result's files under the tip), and a second form sending it (a double click, a
    replay) is refused: two tips sharing one stored file would both lose it."""
    now = timezone.now()
    won = (
        ResumableUpload.objects.filter(pk=upload.pk)
        .exclude(clean_claim__startswith=_FORM, clean_until__gt=now)
        .update(
            clean_claim=_FORM + secrets.token_hex(12),  # the column holds 32
            clean_until=now + datetime.timedelta(seconds=CLAIM_SECONDS),
        )
    )
    if not won:
        raise resumable.UploadError(409, "sending")
    try:
        upload.refresh_from_db()
    except ResumableUpload.DoesNotExist:  # terminated meanwhile
        raise resumable.UploadError(404, "not_found") from None


def let_go(rows) -> None:
    """The form is over (a tip stored deletes the rows anyway): polls may start again."""
    try:
        for row in rows:
            ResumableUpload.objects.filter(pk=row.pk, clean_claim=row.clean_claim).update(
                clean_until=None
            )
    except DatabaseError as exc:  # the holds lapse on their own
        logger.warning("form's hold not released (%s)", type(exc).__name__)


def hand_over(rows, staged) -> None:
    """The tip is stored: its clean files are no longer the uploads' to delete."""
    taken = {item.storage_name for item in staged}
    for row in rows:
        row.clean_files = [name for name in row.clean_files or [] if name not in taken]


def forget(rows) -> None:
    """The tip could not be stored and its files were discarded: the next attempt cleans
    again instead of trusting results whose files are gone."""
    for row in rows:
        delete_stored(row.clean_files or [])
        ResumableUpload.objects.filter(pk=row.pk).update(
            clean_result=None, clean_files=[], clean_claim="", clean_until=None
        )
