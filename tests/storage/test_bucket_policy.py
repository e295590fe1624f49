"""Neither bucket can be listed or read without credentials; the site's key can do both.

Run against the store CI starts (``tests.storage.seaweed``: an S3 identity file with one admin
key and no anonymous identity), with an object written in each bucket by the site's storage.
"""

from __future__ import annotations

import urllib.error
import urllib.request

import boto3
import botocore
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from mostwanted.storage_settings import s3_storages

pytestmark = pytest.mark.storage


def _anonymous(endpoint):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        config=Config(signature_version=botocore.UNSIGNED, s3={"addressing_style": "path"}),
    )


def test_buckets_refuse_anonymous_list_and_read(private_store, monkeypatch):
    for key, value in private_store.env().items():
        monkeypatch.setenv(key, value)
    from django.core.files.base import ContentFile
    from django.utils.module_loading import import_string

    written = {}
    for entry in s3_storages(location="policy").values():
        storage = import_string(entry["BACKEND"])(**entry["OPTIONS"])
        name = storage.save("images/probe.jpg", ContentFile(b"\xff\xd8\xff probe"))
        assert storage.open(name).read() == b"\xff\xd8\xff probe"  # the site's key reads
        written[entry["OPTIONS"]["bucket_name"]] = f"policy/{name}"
    assert len(written) == 2  # two buckets, never one

    anonymous = _anonymous(private_store.endpoint)
    with pytest.raises(ClientError):
        anonymous.list_buckets()
    for bucket, key in written.items():
        for call in (
            lambda b=bucket: anonymous.list_objects_v2(Bucket=b),
            lambda b=bucket, k=key: anonymous.get_object(Bucket=b, Key=k),
            lambda b=bucket, k=key: anonymous.head_object(Bucket=b, Key=k),
            lambda b=bucket: anonymous.put_object(Bucket=b, Key="anon", Body=b"x"),
        ):
            with pytest.raises(ClientError) as refused:
                call()
            assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] in (401, 403)
        # A plain browser request as well.
        for url in (
            f"{private_store.endpoint}/{bucket}/{key}",
            f"{private_store.endpoint}/{bucket}",
        ):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(url, timeout=10)  # noqa: S310 - loopback store
            assert refused.value.code == 403
