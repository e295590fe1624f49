"""The object-store settings: two buckets, chosen timeouts and retries, serialisable options."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from mostwanted.storage_settings import s3_storages

ENV = {
    "S3_BUCKET": "media-bucket",
    "S3_TIPS_BUCKET": "tips-bucket",
    "S3_ENDPOINT_URL": "http://127.0.0.1:9",
    "S3_REGION": "eu-west-1",
}


@pytest.fixture
def s3_env(monkeypatch):
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    for key in ("S3_CONNECT_TIMEOUT", "S3_READ_TIMEOUT", "S3_MAX_ATTEMPTS"):
        monkeypatch.delenv(key, raising=False)
    return monkeypatch


@pytest.mark.parametrize("tips_bucket", ["", "media-bucket"])
def test_one_bucket_for_both_is_refused(s3_env, tips_bucket):
    s3_env.setenv("S3_TIPS_BUCKET", tips_bucket)
    with pytest.raises(ImproperlyConfigured, match="S3_TIPS_BUCKET"):
        s3_storages()


def test_timeouts_and_retries_are_set_on_purpose(s3_env):
    s3_env.setenv("S3_READ_TIMEOUT", "7")
    storages = s3_storages()
    assert storages["default"]["OPTIONS"]["bucket_name"] == "media-bucket"
    assert storages["tips"]["OPTIONS"]["bucket_name"] == "tips-bucket"
    for entry in storages.values():
        storage = import_string(entry["BACKEND"])(**entry["OPTIONS"])
        config = storage.client_config
        assert (config.connect_timeout, config.read_timeout) == (2, 7)
        assert config.retries == {"max_attempts": 3, "mode": "standard"}
        # Wagtail hands a storage's deconstructed arguments to a task (JSON).
        json.dumps(storage.deconstruct())
        assert storage.default_acl is None


def test_media_urls_are_the_sites_own_and_tip_files_have_none(s3_env):
    storages = s3_storages()
    media = import_string(storages["default"]["BACKEND"])(**storages["default"]["OPTIONS"])
    tips = import_string(storages["tips"]["BACKEND"])(**storages["tips"]["OPTIONS"])
    assert media.url("images/a b.width-400.jpg") == "/media/images/a%20b.width-400.jpg"
    with pytest.raises(NotImplementedError):
        tips.url("ab/0123.bin")
