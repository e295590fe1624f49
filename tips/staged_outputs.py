"""Clean files a request is writing that no upload row lists (``models.StagedOutput``).

A file sent in the incident form itself (JavaScript off, no resumable upload) is cleaned
inside the form's request; its outputs (the clean video, its poster, the clean photo) are
named here before their first byte (``reserve``, given to ``incident.clean_one``), so that a
worker killed mid-clean leaves a row naming what it wrote, not an unknown blob.
``release`` drops the rows once the tip holds the files or they were discarded;
``purge_stale`` (``manage.py purge_uploads``, run by ``run_scheduled_jobs``) deletes the
files of rows older than the uploads' expiry, never one a stored tip holds.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError
from django.utils import timezone

from . import resumable
from .attachments import delete_stored, not_in_tips
from .models import StagedOutput

logger = logging.getLogger(__name__)


def reserve(name: str) -> None:
    StagedOutput.objects.create(name=name, created_at=timezone.now())


class Reservations:
    """``reserve`` for one file's cleaning, keeping the names, so that a file refused
    half-way (its outputs removed by the cleaning) leaves no row: ``release()``."""

    def __init__(self):
        self.names: list[str] = []

    def __call__(self, name: str) -> None:
        reserve(name)
        self.names.append(name)

    def release(self) -> None:
        names, self.names = self.names, []
        release(names)


def release(names) -> None:
    """Drop the rows of ``names`` (held by a tip now, or deleted). Never raises: a row left
    behind only costs the purge a lookup (it keeps a file a tip holds)."""
    names = [name for name in names if name]
    if not names:
        return
    try:
        StagedOutput.objects.filter(name__in=names).delete()
    except DatabaseError as exc:
        logger.warning("staged outputs: rows not released (%s)", type(exc).__name__)


def purge_stale(now=None) -> int:
    """Delete the files of rows older than the uploads' expiry (a stored tip's kept) and
    the rows; the number of rows."""
    before = (now or timezone.now()) - resumable.expiry_delta()
    stale = list(StagedOutput.objects.filter(created_at__lte=before))
    names = [row.name for row in stale]
    delete_stored(not_in_tips(names))
    StagedOutput.objects.filter(pk__in=[row.pk for row in stale]).delete()
    return len(stale)
