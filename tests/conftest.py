"""Shared fixtures. Service-backed tests read DATABASE_URL / REDIS_URL and skip without them."""

import os

import pytest


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set: this test needs a real Redis")
    return url


@pytest.fixture
def postgres_url():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("DATABASE_URL does not point at PostgreSQL: this test needs a real one")
    return url


#: Tests that touch a storage for real (intake with photos, follow-up answers, the admin's
#: view and download, export and decrypt_export, purge, withdrawal, renditions, the API's
#: photo URLs). CI runs them once more with both storages on SeaweedFS: `pytest -m storage`.
STORAGE_TESTS = (
    "tests/storage/",
    "tests/tips_intake/test_no_plaintext.py",
    "tests/tips_intake/test_submit.py",
    "tests/security/test_image_corpus.py",
    "tests/followup/test_round_trip.py",
    "tests/followup/test_at_rest.py",
    "tests/triage/test_smoke_flow.py",
    "tests/triage/test_workflow.py",
    "tests/tips_core/test_commands.py",
    "tests/appeals/test_withdraw.py",
    "tests/appeals/test_api.py",
    "tests/appeals/test_rendering.py",
    "tests/incident/test_tus_protocol.py",
    "tests/incident/test_incident_submit.py",
    "tests/incident/test_media_store.py",
    "tests/incident/test_investigator_video.py",
)


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    fixtures = getattr(item, "fixturenames", ())
    return "live_server" in fixtures or "transactional_db" in fixtures


def pytest_collection_modifyitems(session, config, items):
    """Run transactional tests last, as Django's own runner does: their flush empties tables
    that migrations filled (locales, the page tree, groups), which later tests rely on."""
    items.sort(key=_is_transactional)
    for item in items:
        if item.nodeid.startswith(STORAGE_TESTS):
            item.add_marker(pytest.mark.storage)


@pytest.fixture(scope="session", autouse=True)
def _empty_test_objects():
    """On the object store, delete every object this run wrote (its per-run key prefix)."""
    yield
    from django.conf import settings

    if not os.environ.get("S3_TEST_PREFIX") or not settings.configured:
        return
    from django.core.files.storage import storages

    from mostwanted.storage import delete_all, is_s3

    for alias in ("default", "tips"):
        storage = storages[alias]
        if is_s3(storage) and storage.location == os.environ["S3_TEST_PREFIX"]:
            delete_all(storage)


def _restore_migration_data():
    """What data migrations created and a transactional test's flush removed."""
    import importlib

    from django.apps import apps
    from django.conf import settings
    from wagtail.models import Locale, Page, Site

    default, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if not Page.objects.exists():
        root = Page.add_root(title="Root", slug="root", locale=default)
        Site.objects.create(hostname="localhost", root_page=root, is_default_site=True)
    importlib.import_module("tips.migrations.0003_triage_groups").create_groups(apps, None)


@pytest.fixture(autouse=True)
def _migration_data_after_flush(request):
    """Transactional tests run last and each one flushes the database at teardown: give the
    next one back the rows migrations made (locale, page root, site, groups)."""
    if _is_transactional(request.node):
        request.getfixturevalue("transactional_db")
        _restore_migration_data()
    yield


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's superuser client, verified with a second factor: every privileged
    account must pass it before any admin page (issue 14, tips.enrolment)."""
    from django.test import Client

    client = Client()
    login_verified(client, admin_user)
    return client


def login_verified(client, user):
    """Log ``user`` in with a confirmed TOTP device, as after entering a code."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=user, name="tips", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
