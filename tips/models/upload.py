"""Rows of the resumable (tus) uploads of incident media: state only, never content.

Exported by ``tips.models``. A row holds what a web node needs
to accept the next chunk of a file from any node: the offset, the declared length, the
expiry, the encrypted parts already stored (random names in ``storages["tips"]``) and the
file key *wrapped* under a secret that only the uploading browser holds (``tips.resumable``
explains the design). Without that secret the row opens nothing.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ResumableUpload(models.Model):
    #: The upload's URL token (128 random bits, hex): the only handle a client has.
    token = models.CharField(max_length=32, unique=True)
    appeal_id = models.IntegerField(null=True, blank=True)
    #: "video" or "photo" and a normalised extension ("mp4", "mov", "jpg"...): never the name.
    media_kind = models.CharField(max_length=10)
    extension = models.CharField(max_length=8)
    length = models.BigIntegerField()
    offset = models.BigIntegerField(default=0)
    #: [[storage name, plaintext bytes], ...] in order: each PATCH is its own encrypted part.
    parts = models.JSONField(default=list)
    #: nonce || AES-GCM(file key) under a key derived from the client's secret.
    wrapped_key = models.BinaryField()
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    #: A PATCH in progress holds the upload until then (another node answers 409 meanwhile).
    busy_until = models.DateTimeField(null=True, blank=True)
    #: Cleaning as soon as the upload is complete (``tips.cleaning``): the process that
    #: cleans holds the row until ``clean_until`` (renewed while it runs; a dead process's
    #: claim lapses), under a random ``clean_claim`` so a lapsed cleaner cannot write.
    clean_claim = models.CharField(max_length=32, blank=True, default="")
    clean_until = models.DateTimeField(null=True, blank=True)
    #: The result (clean files' keys and what the investigator is told) until the form is
    #: sent: AES-GCM under a key derived from the browser's secret, never in clear.
    clean_result = models.BinaryField(null=True, blank=True)
    #: Why the file cannot be cleaned (a code such as "wrong_container": not secret).
    clean_refusal = models.CharField(max_length=32, blank=True, default="")
    #: Storage names of the clean files (random, no content): deleted with the upload
    #: unless a tip took them.
    clean_files = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("resumable upload")
        verbose_name_plural = _("resumable uploads")

    def __str__(self):
        return f"upload {self.token[:6]}…"

    @property
    def complete(self) -> bool:
        return self.offset >= self.length


class CleaningSlot(models.Model):
    """One of the ``TIP_VIDEO_CLEANERS_TOTAL`` places for a background cleaning, shared by
    every web process of every node (``tips.cleaning_slots``): taken by a conditional UPDATE
    with an expiry renewed while the cleaning runs, so a killed worker's place lapses."""

    number = models.PositiveSmallIntegerField(primary_key=True)
    #: The cleaning's claim (as in ``ResumableUpload.clean_claim``), empty when free.
    holder = models.CharField(max_length=32, blank=True, default="")
    until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("cleaning slot")
        verbose_name_plural = _("cleaning slots")

    def __str__(self):
        return f"cleaning slot {self.number}"


class StagedOutput(models.Model):
    """A clean file that a request is writing and that no upload row lists (a file sent in
    the incident form itself, without the resumable upload): named here before its first
    byte, the row removed once a tip holds the file or the file is discarded. A row older
    than the uploads' expiry names a file left by a worker killed mid-clean:
    ``tips.staged_outputs.purge_stale`` deletes it, unless a stored tip holds it. A name
    only (random, in ``storages["tips"]``): never content, never a key."""

    name = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("file being cleaned")
        verbose_name_plural = _("files being cleaned")

    def __str__(self):
        return f"staged file {self.name[:8]}…"
