"""EncryptingUploadHandler: only ciphertext touches disk; limits recorded, never a 500."""

import os
import tempfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import RequestFactory

from tips import uploads
from tips.uploads import EncryptedTemporaryUploadedFile, EncryptingUploadHandler

CANARY = b"CANARY-5e0b-upload-plaintext-never-on-disk"


def _parse(data):
    request = RequestFactory().post("/tip/", data=data)
    request.upload_handlers = [EncryptingUploadHandler(request)]
    return request, request.POST, request.FILES


@pytest.fixture
def spooled(monkeypatch, tmp_path):
    """Spool files created with a visible name, so the test can read what hit the disk."""
    made = []

    def named_spool():
        fh = tempfile.NamedTemporaryFile(dir=tmp_path, delete=False)  # noqa: SIM115
        made.append(fh.name)
        return fh

    monkeypatch.setattr(uploads, "_new_spool_file", named_spool)
    return made


def _scan(directory, needle):
    hits = []
    for root, _dirs, files in os.walk(directory):
        for name in files:
            path = os.path.join(root, name)
            try:
                with open(path, "rb") as fh:
                    if needle in fh.read():
                        hits.append(path)
            except OSError:
                continue
    return hits


def test_20_mb_upload_only_writes_ciphertext(spooled, settings, tmp_path, monkeypatch):
    # Every temporary file of this process (ours or Django's) lands in tmp_path.
    system_tmp = tmp_path / "systemtmp"
    system_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))
    settings.FILE_UPLOAD_TEMP_DIR = None
    payload = (CANARY * (20 * 1024 * 1024 // len(CANARY) + 1))[: 20 * 1024 * 1024]
    request, post, files = _parse(
        {
            "what": "text field",
            "photo": SimpleUploadedFile("big.jpg", payload, content_type="image/jpeg"),
        }
    )
    assert post["what"] == "text field"
    upload = files["photo"]
    assert isinstance(upload, EncryptedTemporaryUploadedFile)
    assert upload.size == len(payload) and upload.name == "big.jpg"
    assert request.tip_upload_errors == []
    # What was written to disk: ~20 MB of ciphertext without the canary.
    (spool,) = spooled
    assert os.path.getsize(spool) > len(payload)
    assert _scan(tmp_path, CANARY) == []
    with upload.open_plaintext() as reader:
        assert reader.read() == payload
    # Readable again (the reader does not close the upload).
    with upload.open_plaintext() as reader:
        assert reader.read(len(CANARY)) == CANARY
    upload.close()


def test_default_spool_file_is_anonymous(settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    _request, _post, files = _parse(
        {"photo": SimpleUploadedFile("a.png", CANARY * 100_000, content_type="image/png")}
    )
    # Linux: O_TMPFILE / unlinked, so nothing is even visible in the directory.
    assert os.listdir(tmp_path) == []
    with files["photo"].open_plaintext() as reader:
        assert reader.read() == CANARY * 100_000


def test_limits_are_recorded_not_raised(settings):
    settings.TIP_MAX_FILES = 3
    settings.TIP_MAX_FILE_BYTES = 1000
    settings.TIP_MAX_TOTAL_BYTES = 1500
    request, post, files = _parse(
        {
            "what": "keep me",
            "photo": [
                SimpleUploadedFile("a.png", b"a" * 800),
                SimpleUploadedFile("b.png", b"b" * 1200),
                SimpleUploadedFile("c.png", b"c" * 800),
                SimpleUploadedFile("d.png", b"d" * 10),
            ],
            "after": "kept too",
        }
    )
    assert post["what"] == "keep me" and post["after"] == "kept too"
    assert [f.name for f in files.getlist("photo")] == ["a.png"]
    assert request.tip_upload_errors == [
        ("b.png", uploads.FILE_TOO_LARGE),
        ("c.png", uploads.TOTAL_TOO_LARGE),
        ("d.png", uploads.TOO_MANY_FILES),
    ]


def test_ciphertext_reads_are_not_plaintext():
    _request, _post, files = _parse({"photo": SimpleUploadedFile("a.png", CANARY * 10)})
    upload = files["photo"]
    assert CANARY not in upload.read()


def test_decorator_installs_handler_and_keeps_csrf(settings):
    seen = {}

    @uploads.encrypting_uploads
    def view(request):
        seen["files"] = request.FILES
        return HttpResponse("ok")

    factory = RequestFactory(enforce_csrf_checks=True)
    data = {"photo": SimpleUploadedFile("a.png", CANARY)}
    # Without a CSRF token the view refuses (csrf_protect still applies)...
    assert view(factory.post("/tip/", data=data)).status_code == 403
    # ...and with one the upload goes through the encrypting handler.
    request = factory.post("/tip/", data={**data, "csrfmiddlewaretoken": "x" * 32})
    request.COOKIES[settings.CSRF_COOKIE_NAME] = "x" * 32
    response = view(request)
    assert response.status_code == 200
    assert isinstance(seen["files"]["photo"], EncryptedTemporaryUploadedFile)
    assert getattr(view, "csrf_exempt", False)
