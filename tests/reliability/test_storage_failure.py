"""Attachment storage full or failing: the tip is refused with a clear message, the text is
kept, nothing partial remains (no tip row, no file), and a tip without photos still goes."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.tips_core.helpers import make_tip_line_ready
from tips import antispam
from tips.models import Attachment, Tip

pytestmark = pytest.mark.django_db
RECEIPT_RE = re.compile(rb"\b\d{4}(?:-\d{4}){6}\b")
TEXT = "STORAGE-FULL I saw him at the bus stop with two bags"


def _jpeg(i):
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (i * 40 % 256, 90, 90)).save(out, "JPEG")
    return SimpleUploadedFile(f"photo{i}.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def failing_store(settings, tmp_path):
    from appeals.models import Desk
    from tips import keys

    settings.TIP_FORM_MIN_SECONDS = 0
    settings.TIP_RATE_PER_SOURCE = "1000/h"
    cache.clear()
    desk = Desk.objects.create(name="Storage desk")
    keys.create_recovery_key()
    make_tip_line_ready(desk)  # a member holds the key; general tips go to this desk

    def use(backend):
        settings.STORAGES = {
            **settings.STORAGES,
            "tips": {"BACKEND": backend, "OPTIONS": {"location": str(tmp_path), "base_url": None}},
        }
        from django.core.files.storage import storages

        storages._storages.pop("tips", None)

    yield use, tmp_path
    cache.clear()


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    "backend,photos",
    [
        ("tests.reliability.failing_storage.DiskFullStorage", 2),  # second file: disk full
        ("tests.reliability.failing_storage.BrokenStorage", 1),  # every write fails
        ("tests.reliability.failing_storage.BrokenStorage", 3),
    ],
)
def test_storage_failure_refuses_cleanly(client, failing_store, backend, photos):
    use, root = failing_store
    use(backend)
    data = {
        "what": TEXT,
        "website": "",
        "form_token": antispam.issue_token(),
        "photos": [_jpeg(i) for i in range(photos)],
    }
    response = client.post("/en/tip/", data)
    body = response.content.decode()
    assert 400 <= response.status_code < 600 and response.status_code != 500, response.status_code
    assert not RECEIPT_RE.search(response.content)
    assert TEXT in body, "the citizen's text was lost"
    assert Tip.objects.count() == 0 and Attachment.objects.count() == 0
    leftovers = _files(root)
    assert not leftovers, f"partial files left behind: {leftovers}"
    # Without photos the same tip line still works.
    response = client.post(
        "/en/tip/", {"what": TEXT, "website": "", "form_token": antispam.issue_token()}
    )
    assert response.status_code == 200 and RECEIPT_RE.search(response.content)
    print(
        f"\nstorage failure ({backend.rsplit('.', 1)[1]}, {photos} photos): "
        f"HTTP {response.status_code} after refusal, nothing partial",
        file=sys.stderr,
    )
