"""STORAGES entries for an S3-compatible object store, from the environment.

Imported by the settings only (no Django app is loaded yet). Two buckets, never one:
``S3_BUCKET`` for public images and renditions, ``S3_TIPS_BUCKET`` for encrypted tip
attachments. Both stay private: visitors get public media from the site's own ``/media/``
(nginx proxies it to the bucket with the site's credentials, or ``mostwanted.storage_views``
streams it), so no page names the store. Credentials come from boto3's usual sources
(``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY`` or an instance role).

Timeouts and retries are chosen, not left to botocore's defaults (60 s read, legacy
retries): a citizen waiting on the tip form must get the "unavailable" page within seconds
when the store is down, not after minutes.

* ``S3_CONNECT_TIMEOUT`` (2 s): a store that does not accept the connection is down;
* ``S3_READ_TIMEOUT`` (15 s): a 25 MB photo part must be able to go through on a busy link;
* ``S3_MAX_ATTEMPTS`` (3, "standard" mode: throttling and 5xx retried with back-off), so the
  worst case of one call is about 3 × (2 + 15) s; connection refused fails in well under 1 s.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from .settings.env import env_int, env_str


def client_config():
    from botocore.config import Config  # S3 only; settings import this module

    return Config(
        connect_timeout=env_int("S3_CONNECT_TIMEOUT", 2),
        read_timeout=env_int("S3_READ_TIMEOUT", 15),
        retries={"max_attempts": env_int("S3_MAX_ATTEMPTS", 3), "mode": "standard"},
        signature_version="s3v4",
        # Path-style (endpoint/bucket/key) works with every S3-compatible server; AWS itself
        # also accepts virtual-hosted style: S3_ADDRESSING_STYLE=virtual.
        s3={"addressing_style": env_str("S3_ADDRESSING_STYLE", "path")},
    )


def s3_enabled() -> bool:
    return bool(env_str("S3_BUCKET"))


def s3_storages(*, location: str = "") -> dict:
    """``{"default": …, "tips": …}`` for the two buckets. ``location`` is a key prefix
    inside both buckets (the tests use a per-run prefix; deployments leave it empty)."""
    media_bucket = env_str("S3_BUCKET")
    tips_bucket = env_str("S3_TIPS_BUCKET")
    if not tips_bucket or tips_bucket == media_bucket:
        raise ImproperlyConfigured(
            "S3_TIPS_BUCKET must name a bucket of its own (not S3_BUCKET): encrypted tips "
            "and public images never share a bucket or its access policy."
        )
    # The botocore client configuration is added by the backends themselves
    # (mostwanted.storage): OPTIONS must stay JSON-serialisable, because Wagtail passes a
    # storage's deconstructed arguments to a task to delete a file.
    common = {
        "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
        "region_name": env_str("S3_REGION") or None,
        "default_acl": None,  # the bucket policy decides: both buckets private
        "file_overwrite": False,
        "location": location,
        # Objects read back larger than this spool to a temporary file (ciphertext only for
        # the tips bucket) instead of memory: keeps a worker's memory flat on big photos.
        "max_memory_size": env_int("S3_MAX_MEMORY_BYTES", 2 * 1024 * 1024),
    }
    return {
        "default": {
            "BACKEND": "mostwanted.storage.PublicMediaStorage",
            "OPTIONS": {**common, "bucket_name": media_bucket, "querystring_auth": False},
        },
        "tips": {
            "BACKEND": "mostwanted.storage.TipStorage",
            "OPTIONS": {**common, "bucket_name": tips_bucket, "querystring_auth": True},
        },
    }
