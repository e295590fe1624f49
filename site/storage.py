"""Storage backends for the object store, the errors a store can raise, a generic lister.

* :class:`PublicMediaStorage`: public images and renditions in a private bucket, addressed
  by the site's own ``MEDIA_URL`` (``/media/…``), never by the store's host: nginx (or
  :func:`mostwanted.storage_views.serve_media`) fetches them from the bucket.
* :class:`TipStorage`: encrypted tip attachments; has no URL at all.
* :data:`STORAGE_ERRORS`: what a write or read can raise when a store fails (a full disk,
  an S3 error or timeout), to be handled like a database error.
* :func:`list_names` / :func:`read_all`: every object of a storage, local or S3 (scans).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage

from .storage_settings import client_config

try:  # boto3's own errors (e.g. S3UploadFailedError from a managed transfer)
    from boto3.exceptions import Boto3Error
except ImportError:  # pragma: no cover - boto3 ships with django-storages[s3]
    Boto3Error = BotoCoreError

#: Raised by a storage that failed: local (OSError) or S3 (botocore/boto3, incl. timeouts).
STORAGE_ERRORS: tuple[type[BaseException], ...] = (OSError, BotoCoreError, ClientError, Boto3Error)


class _ConfiguredS3Storage(S3Storage):
    """S3Storage with the chosen timeouts and retries (``storage_settings.client_config``)."""

    def get_default_settings(self):
        return {**super().get_default_settings(), "client_config": client_config()}


class PublicMediaStorage(_ConfiguredS3Storage):
    """Public images in a private bucket, served under the site's own ``MEDIA_URL``."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        return settings.MEDIA_URL + filepath_to_uri(name).lstrip("/")


class TipStorage(_ConfiguredS3Storage):
    """Encrypted attachments: only read back through the tip views, never by URL."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise NotImplementedError("encrypted tip attachments have no URL")


def is_s3(storage) -> bool:
    return isinstance(storage, S3Storage)


def list_names(storage) -> Iterator[str]:
    """Every stored name (relative to the storage's root or key prefix), recursively."""
    if is_s3(storage):
        prefix = storage.location.strip("/")
        prefix = f"{prefix}/" if prefix else ""
        paginator = storage.connection.meta.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=storage.bucket_name, Prefix=prefix):
            for entry in page.get("Contents", ()):
                yield entry["Key"][len(prefix) :]
        return
    stack = [""]
    while stack:
        folder = stack.pop()
        try:
            dirs, files = storage.listdir(folder)
        except FileNotFoundError:
            continue
        stack.extend(posixpath.join(folder, d) for d in dirs)
        yield from (posixpath.join(folder, f) for f in files)


def read_all(storage, *, max_bytes: int = 200 * 1024 * 1024) -> Iterator[tuple[str, bytes]]:
    """(name, content) of every object no larger than ``max_bytes``."""
    for name in list_names(storage):
        try:
            if storage.size(name) > max_bytes:
                continue
            with storage.open(name, "rb") as fh:
                yield name, fh.read()
        except FileNotFoundError:
            continue  # deleted meanwhile


def delete_all(storage) -> int:
    """Delete every object of ``storage`` (the tests' per-run prefix). Returns the count."""
    count = 0
    for name in list(list_names(storage)):
        storage.delete(name)
        count += 1
    return count
