"""The form's side of background cleaning (``tips.cleaning``): the uploads a form sends.

The form holds each upload it sends (``take_for_form``: a ``form:`` claim, renewed while
the request runs by ``holding``, so a form that cleans a large file itself is not taken
over by a poll or a second form when ``CLAIM_SECONDS`` pass), opens its sealed result or
cleans it in its own request, recording every output in the row (``clean_files``) before
its first byte is written, so that a worker killed mid-way leaves nothing the upload's
expiry (or the next cleaning) does not delete; and lets go when it is over.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import secrets

from django.db import DatabaseError
from django.utils import timezone

from . import cleaning, cleaning_slots, incident, resumable
from . import cleaning_result as results
from .attachments import delete_stored
from .models import ResumableUpload
from .video_sandbox import PROCESSING_FAILED, VideoRejected

logger = logging.getLogger(__name__)


def incoming_for_form(upload, secret: bytes, *, keep: bool) -> incident.Incoming:
    """The file for the form's request: its stored result when there is a usable one
    (opened, renamed for its place in the tip), else the upload to clean right now.
    The form holds the upload from here (``take_for_form``): ``let_go`` when it is over."""
    if not upload.complete:
        raise resumable.UploadError(409, "incomplete")
    incoming = cleaning.as_incoming(upload, resumable.unwrap_file_key(upload, secret))
    take_for_form(upload)
    incoming.reserve = lambda name: _record(upload, name)
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


def _record(upload, name: str) -> None:
    """An output of the form's own cleaning, listed in the row before its first byte."""
    names = [*(upload.clean_files or []), name]
    mine = ResumableUpload.objects.filter(pk=upload.pk, clean_claim=upload.clean_claim)
    if not mine.update(clean_files=names):  # the hold was lost: write nothing
        raise resumable.UploadError(409, "sending")
    upload.clean_files = names


def take_for_form(upload) -> None:
    """Hold ``upload`` for the form that sends it, and read its row again under that hold.
    Meanwhile a cleaner that finishes writes nothing (and deletes its own files, which the
    form's copy of the row would not list), a poll starts no cleaning (which would delete
    the result's files under the tip), and a second form sending it (a double click, a
    replay) is refused: two tips sharing one stored file would both lose it."""
    now = timezone.now()
    won = (
        ResumableUpload.objects.filter(pk=upload.pk)
        .exclude(clean_claim__startswith=cleaning.FORM, clean_until__gt=now)
        .update(
            clean_claim=cleaning.FORM + secrets.token_hex(12),  # the column holds 32
            clean_until=now + datetime.timedelta(seconds=cleaning.CLAIM_SECONDS),
        )
    )
    if not won:
        raise resumable.UploadError(409, "sending")
    try:
        upload.refresh_from_db()
    except ResumableUpload.DoesNotExist:  # terminated meanwhile
        raise resumable.UploadError(404, "not_found") from None


@contextlib.contextmanager
def holding(rows):
    """Renew the holds of ``rows`` (filled as the form takes them) while the request runs,
    however long its own cleaning takes; let go at the end."""
    stop = cleaning_slots.keep_alive(lambda: _renew(list(rows)), cleaning.RENEW_SECONDS)
    try:
        yield rows
    finally:
        stop.set()
        let_go(rows)


def _renew(rows) -> None:
    _hold_until(rows, timezone.now() + datetime.timedelta(seconds=cleaning.CLAIM_SECONDS))


def _hold_until(rows, until) -> None:
    """The form's holds on ``rows`` end at ``until`` (None: now)."""
    for row in rows:
        ResumableUpload.objects.filter(pk=row.pk, clean_claim=row.clean_claim).update(
            clean_until=until
        )


def let_go(rows) -> None:
    """The form is over (a tip stored deletes the rows anyway): polls may start again."""
    try:
        _hold_until(rows, None)
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
