"""Cleaning an incident file as soon as its upload is complete, in the background.

The browser asks for it (``POST /tip/upload/<token>/clean/`` with its ``Upload-Secret``)
and polls the state (``GET``, same header). The view unwraps the file key with the secret,
claims the upload in the database (a conditional UPDATE with an expiry, renewed while the
cleaning runs: a process that dies lets its claim lapse, and the next poll, which carries
the secret again, starts over) and cleans in a daemon thread of the web process, at most
``TIP_VIDEO_CLEANERS_PER_PROCESS`` at once in a process and ``TIP_VIDEO_CLEANERS_TOTAL``
in the whole cluster (``tips.cleaning_slots``; else "queued": a later poll starts it).

The secret and the file key live only in that process's memory: never in a task payload,
the cache or the database. The cleaning itself is ``tips.incident.clean_one`` as in the
form's request (encrypted parts in, sandbox child, encrypted clean file out). Its result
(the clean files' keys and what the investigator is told) is kept until the form is sent
in the upload's row, sealed by ``tips.cleaning_result`` under a key derived from the
secret; a refusal is kept as its code (not secret). The form then only opens the results
(``tips.cleaning_form``); a file without one is cleaned in the form's request as before.
"""

from __future__ import annotations

import datetime
import logging
import secrets
import threading
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.db.models import Q
from django.utils import timezone

from . import cleaning_result as results
from . import cleaning_slots, crypto, incident, resumable, upload_readers
from .attachments import delete_stored, discard_staged, not_in_tips
from .models import ResumableUpload
from .sanitize import ImageRejected
from .video_sandbox import PROCESSING_FAILED, VideoRejected

logger = logging.getLogger(__name__)

UPLOADING, QUEUED, CLEANING, CLEAN, REFUSED = "uploading", "queued", "cleaning", "clean", "refused"
#: The sandbox could not start: the script leaves the file to the form's request.
UNKNOWN = "unknown"
#: A cleaner holds the upload this long, renewed every ``RENEW_SECONDS`` while it runs.
CLAIM_SECONDS = 60
RENEW_SECONDS = 20
#: The claim of a form sending the upload starts so (``take_for_form``).
FORM = "form:"

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
    claim, place, spawned = secrets.token_hex(16), None, False
    try:  # the slots go back unless a thread took them (a database error must not keep them)
        place = cleaning_slots.take(claim, CLAIM_SECONDS)
        if place is None:  # the cluster's cap: a later poll starts it
            return State(QUEUED)
        if admit is not None and not admit():
            return State(QUEUED)
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
        delete_stored(not_in_tips(upload.clean_files))  # a lapsed or superseded cleaning's
        spawn(lambda: _run(upload.pk, claim, place, file_key, rkey, keep))
        spawned = True
        return State(CLEANING)
    finally:
        if not spawned:
            slots.release()
            if place is not None:
                cleaning_slots.release(place, claim)


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
        upload.clean_claim.startswith(FORM)
        and upload.clean_until is not None
        and upload.clean_until > timezone.now()
    )


def _run(pk: int, claim: str, place: int, file_key: bytes, rkey: bytes, keep: bool) -> None:
    stop = cleaning_slots.keep_alive(lambda: _renew(pk, claim, place), RENEW_SECONDS)
    _running.add((pk, claim))
    try:
        _clean(pk, claim, file_key, rkey, keep)
    except Exception as exc:  # noqa: BLE001 - the claim lapses and the next poll retries
        logger.error("background cleaning failed (%s)", type(exc).__name__)
    finally:
        _running.discard((pk, claim))
        stop.set()
        cleaning_slots.release(place, claim)
        _free_slots().release()


def release_claims() -> None:
    """This process is exiting (gunicorn's ``worker_exit``: max_requests, a restart): its
    cleanings die with it, so their claims and places end now and the browser's next poll,
    which brings the secret again, starts them elsewhere (without this they lapse in a
    minute)."""
    running = list(_running)
    try:
        for pk, claim in running:
            ResumableUpload.objects.filter(pk=pk, clean_claim=claim).update(clean_until=None)
        cleaning_slots.release_held([claim for _pk, claim in running])
    except Exception as exc:  # noqa: BLE001 - they lapse on their own
        logger.warning("cleaning claim not released (%s)", type(exc).__name__)


def _renew(pk: int, claim: str, place: int) -> None:
    until = timezone.now() + datetime.timedelta(seconds=CLAIM_SECONDS)
    ResumableUpload.objects.filter(pk=pk, clean_claim=claim).update(clean_until=until)
    cleaning_slots.renew(place, claim, CLAIM_SECONDS)


def _clean(pk: int, claim: str, file_key: bytes, rkey: bytes, keep: bool) -> None:
    upload = ResumableUpload.objects.filter(pk=pk, clean_claim=claim).first()
    if upload is None:  # terminated, or the form took it meanwhile
        return
    mine = ResumableUpload.objects.filter(pk=pk, clean_claim=claim)
    reserved = []

    def reserve(name):  # each output recorded before its first byte: a crash leaves no orphan
        reserved.append(name)
        if not mine.update(clean_files=list(reserved)):  # taken over: write nothing
            raise resumable.UploadError(409, "sending")

    try:
        items = incident.clean_one(
            as_incoming(upload, file_key), 0, keep_when_where=keep, reserve=reserve
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


def as_incoming(upload, file_key: bytes) -> incident.Incoming:
    return incident.Incoming(
        upload.media_kind,
        upload.extension,
        lambda: upload_readers.PartsReader(upload, file_key),
        lambda: upload_readers.SeekablePartsReader(upload, file_key),
    )
