"""The tip form end to end (Django test client): acceptance, receipt, and every refusal.

Every refusal must be a clear message in a re-shown form that keeps the citizen's text,
never a 500 and never a lost tip.
"""

import html
import io
import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from PIL import Image

from tips import antispam, attachments, services
from tips.models import Attachment, Tip

from . import images
from .conftest import tip_data

URL = "/en/tip/"
TEXT = "I saw him at the Gare du Midi, platform 3, wearing a red jacket."
RECEIPT = re.compile(rb"\b\d{4}(?:-\d{4}){6}\b")


def upload(name, data, content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def post(client, url=URL, files=None, **overrides):
    data = tip_data(**overrides)
    if files is not None:
        data["photos"] = files
    return client.post(url, data)


def assert_refused(response, status, *needles, text=TEXT):
    body = response.content.decode()
    assert response.status_code == status, body[:3000]
    assert "tip-errors" in body
    assert html.escape(text) in body, "the citizen's text was lost"
    for needle in needles:
        assert html.escape(needle) in body, needle
    assert "no-store" in response["Cache-Control"]
    assert not RECEIPT.search(response.content)
    # A fresh token so the citizen can simply send again.
    token = re.search(r'name="form_token" value="([^"]+)"', body).group(1)
    assert antispam.check_token(token, now=time.time() + 5) is antispam.TokenStatus.OK
    return body


def open_tip(tip, recovery_private):
    return services.tip_open_with_recovery(tip, recovery_private)


# --------------------------------------------------------------------------- acceptance


@pytest.mark.django_db
def test_form_page(client):
    response = client.get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "112" in body
    assert 'type="file" name="photos" id="id_photos" multiple accept="image/*' in body
    assert 'class="hp-field" aria-hidden="true"' in body
    assert 'tabindex="-1"' in body and 'autocomplete="off"' in body
    assert "style=" not in body and "<script>" not in body
    assert 'enctype="multipart/form-data"' in body
    assert response.cookies.get("csrftoken")  # the first page that sets a cookie
    assert "sessionid" not in response.cookies


def test_tip_accepted_with_photo_and_receipt_shown_once(client, tipline):
    desk, recovery_private = tipline
    response = post(
        client,
        files=[upload("holiday.jpg", images.jpeg_with_metadata("CANARY-EXIF"))],
        seeing_now="on",
        contact="Jan, 0470 00 00 00",
    )
    body = response.content.decode()
    assert response.status_code == 200, body[:3000]
    assert "no-store" in response["Cache-Control"]
    receipt = RECEIPT.search(response.content).group().decode()
    assert "urgent" in body
    tip = Tip.objects.get()
    assert tip.desk == desk and tip.priority == "urgent"
    document = open_tip(tip, recovery_private)
    assert document["fields"]["what"] == TEXT
    assert document["fields"]["when_date"] == "2025-05-01"
    assert document["contact"] == {"contact": "Jan, 0470 00 00 00"}
    assert receipt not in str(document)
    (entry,) = document["attachments"]
    # Never the citizen's own file name (it can carry the capture time, a name, a place).
    assert entry["name"] == "photo-1.jpg" and entry["content_type"] == "image/jpeg"
    assert "holiday" not in str(document)
    with attachments.open_attachment(Attachment.objects.get(), document) as reader:
        stored = reader.read()
    assert b"CANARY-EXIF" not in stored
    with Image.open(io.BytesIO(stored)) as im:
        assert im.format == "JPEG" and not im.getexif()


def test_text_only_tip_accepted_in_each_language(client, tipline):
    for prefix in ("", "/nl", "/de", "/en"):
        response = post(client, url=f"{prefix}/tip/")
        assert response.status_code == 200
        assert RECEIPT.search(response.content)
    assert Tip.objects.count() == 4


def test_polyglot_is_accepted_without_its_zip(client, tipline):
    _desk, recovery_private = tipline
    response = post(client, files=[upload("poly.jpg", images.polyglot_jpeg_zip("CANARY-ZIP"))])
    assert response.status_code == 200
    document = open_tip(Tip.objects.get(), recovery_private)
    with attachments.open_attachment(Attachment.objects.get(), document) as reader:
        stored = reader.read()
    assert b"PK\x03\x04" not in stored and b"CANARY-ZIP" not in stored


def test_png_with_alpha_and_heic_accepted(client, tipline):
    _desk, recovery_private = tipline
    files = [
        upload("drawing.png", images.png_with_text("CANARY-PNG", alpha=True), "image/png"),
        upload("IMG_0001.HEIC", images.heic_with_metadata("CANARY-HEIC"), "image/heic"),
    ]
    response = post(client, files=files)
    assert response.status_code == 200, response.content[:2000]
    document = open_tip(Tip.objects.get(), recovery_private)
    assert [a["name"] for a in document["attachments"]] == ["photo-1.png", "photo-2.jpg"]
    assert [a["content_type"] for a in document["attachments"]] == ["image/png", "image/jpeg"]


def test_invalid_utf8_is_kept_as_replacement_characters(client, tipline):
    _desk, recovery_private = tipline
    boundary = "BoUnDaRy"
    token = antispam.issue_token()
    parts = [
        ("what", b"Seen near the caf\xe9 \xff\xfe with a friend"),
        ("place", b"Li\xe8ge"),
        ("form_token", token.encode()),
    ]
    body = (
        b"".join(
            b"--" + boundary.encode() + b"\r\n"
            b'Content-Disposition: form-data; name="'
            + name.encode()
            + b'"\r\n\r\n'
            + value
            + b"\r\n"
            for name, value in parts
        )
        + b"--"
        + boundary.encode()
        + b"--\r\n"
    )
    response = client.post(URL, data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 200, response.content[:2000]
    document = open_tip(Tip.objects.get(), recovery_private)
    assert document["fields"]["what"].startswith("Seen near the caf\ufffd")
    assert document["fields"]["place"] == "Li\ufffdge"


def test_csrf_is_enforced_after_the_upload_handler(tipline):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert client.post(URL, tip_data()).status_code == 403
    page = client.get(URL).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(URL, {**tip_data(), "csrfmiddlewaretoken": csrf})
    assert response.status_code == 200 and RECEIPT.search(response.content)


# --------------------------------------------------------------------------- refusals


def test_empty_text(client, tipline):
    response = post(client, what="   ")
    assert response.status_code == 400
    assert "Please write what you saw or know." in response.content.decode()
    assert not Tip.objects.exists()


def test_one_megabyte_of_text(client, tipline):
    big = ("Lorem ipsum dolor sit amet " * 40_000)[:1_000_000]
    response = post(client, what=big)
    assert_refused(response, 400, "at most 20000 characters", text=big.strip())
    assert not Tip.objects.exists()


def test_every_other_field_is_capped(client, tipline):
    response = post(client, place="x" * 501, contact="y" * 1001, how_known="z" * 5001)
    body = assert_refused(response, 400)
    assert body.count("at most") >= 3


def test_missing_token(client, tipline):
    response = post(client, form_token=None)
    assert_refused(response, 400, "This form could not be checked")
    assert not Tip.objects.exists()


def test_forged_token(client, tipline):
    assert_refused(post(client, form_token="abc:def:ghi"), 400, "could not be checked")


def test_stale_token(client, tipline):
    from django.core import signing

    class ThreeHoursAgo(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - 3 * 3600)

    token = ThreeHoursAgo(salt=antispam.SALT).sign("nonce-abcdef")
    response = post(client, form_token=token)
    assert_refused(response, 400, "has expired")
    assert not Tip.objects.exists()


def test_too_fast(client, tipline, settings):
    settings.TIP_FORM_MIN_SECONDS = 3
    assert_refused(post(client), 400, "sent very quickly")


def test_honeypot_filled(client, tipline):
    response = post(client, website="http://spam.example/")
    body = assert_refused(response, 400, "Leave this field empty")
    assert "http://spam.example/" not in body  # emptied so a person can just send again
    assert not Tip.objects.exists()


def test_replayed_form_is_not_sent_twice_yet_shows_the_receipt_again(client, tipline):
    """After a network error the same form may arrive again: stored once, and the citizen
    sees the receipt (never only "already sent"). Once the short resend window has passed,
    the form says the tip was already sent."""
    from tips import replay

    data = tip_data()
    first = client.post(URL, data)
    assert first.status_code == 200
    receipt = RECEIPT.search(first.content).group()
    again = client.post(URL, data)
    assert again.status_code == 200
    assert RECEIPT.search(again.content).group() == receipt
    assert "already been received" in again.content.decode()
    assert Tip.objects.count() == 1
    # The receipt is kept sealed under the form token: not in the cache in clear.
    stash_key = replay._names(data["form_token"])[0]
    stashed = cache_backend().get(stash_key)
    assert isinstance(stashed, bytes) and receipt not in stashed
    assert receipt.replace(b"-", b"") not in stashed
    cache_backend().delete(stash_key)  # the window has passed
    response = client.post(URL, data)
    assert_refused(response, 400, "already been sent")
    assert Tip.objects.count() == 1


def cache_backend():
    from mostwanted.cache import strict_cache

    return strict_cache()


def test_non_image_renamed_jpg(client, tipline):
    response = post(client, files=[upload("scan.jpg", images.not_an_image())])
    assert_refused(response, 400, "“scan.jpg” is not a photo", "attach them again")
    assert not Tip.objects.exists()


def test_decompression_bomb(client, tipline):
    started = time.perf_counter()
    response = post(client, files=[upload("bomb.png", images.png_bomb(), "image/png")])
    assert time.perf_counter() - started < 5
    assert_refused(response, 400, "“bomb.png” has too many pixels")


def test_truncated_jpeg(client, tipline):
    response = post(client, files=[upload("half.jpg", images.truncated_jpeg())])
    assert_refused(response, 400, "“half.jpg” could not be read")


def stored_files(settings):
    """Every object of the tip storage, local folder or S3 bucket."""
    from django.core.files.storage import storages

    from mostwanted.storage import list_names

    return set(list_names(storages["tips"]))


def test_one_bad_file_refuses_the_lot_and_stores_nothing(client, tipline, settings):
    before = stored_files(settings)
    files = [
        upload("good.jpg", images.jpeg_with_metadata()),
        upload("bad.jpg", images.not_an_image()),
    ]
    assert_refused(post(client, files=files), 400, "“bad.jpg”")
    assert not Tip.objects.exists()
    assert stored_files(settings) == before


def test_oversize_file(client, tipline, settings):
    settings.TIP_MAX_FILE_BYTES = 50_000
    data = images.noisy_jpeg(80_000)
    response = post(client, files=[upload("huge.jpg", data)])
    assert_refused(response, 400, "“huge.jpg” is larger than", "attach them again")
    assert not Tip.objects.exists()


def test_too_many_files(client, tipline, settings):
    settings.TIP_MAX_FILES = 2
    small = images.jpeg_with_metadata(size=(32, 32))
    files = [upload(f"p{i}.jpg", small) for i in range(3)]
    assert_refused(post(client, files=files), 400, "“p2.jpg” was not sent", "at most 2 photos")


def test_total_too_large(client, tipline, settings):
    settings.TIP_MAX_TOTAL_BYTES = 100_000
    files = [upload(f"n{i}.jpg", images.noisy_jpeg(40_000)) for i in range(3)]
    assert_refused(post(client, files=files), 400, "all photos together")


def test_over_limit_source_gets_429_with_text(client, tipline, settings):
    settings.TIP_RATE_PER_SOURCE = "2/h"
    assert post(client).status_code == 200
    assert post(client).status_code == 200
    response = post(client)
    assert_refused(response, 429, "Too many tips")
    assert Tip.objects.count() == 2
    # Another source is not affected.
    assert post_from(client, "198.51.100.200").status_code == 200


def post_from(client, address):
    return client.post(URL, tip_data(), REMOTE_ADDR=address)


def test_global_limit_sheds_load_with_503_and_retry_after(client, tipline, settings):
    settings.TIP_RATE_GLOBAL = "2/h"  # an hour window: no boundary inside the test
    for i in range(2):
        assert post_from(client, f"198.51.100.{i}").status_code == 200
    response = post_from(client, "198.51.100.99")
    assert_refused(response, 503, "very many tips right now")
    assert 0 < int(response["Retry-After"]) <= 3600


def test_database_unavailable_gives_503_with_text(client, tipline, monkeypatch, settings):
    def broken(*args, **kwargs):
        raise OperationalError("database is down")

    monkeypatch.setattr(Tip.objects, "create", broken)
    before = stored_files(settings)
    files = [upload("photo.jpg", images.jpeg_with_metadata())]
    response = post(client, files=files)
    assert_refused(response, 503, "temporarily unavailable", "attach them again")
    assert stored_files(settings) == before  # the staged photo was cleaned up


def test_tip_line_without_keys_gives_503_with_text(client, db):
    assert_refused(post(client), 503, "temporarily unavailable")


def test_oversized_request_body(client, tipline, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = post(client, what="a" * 20_000)
    assert response.status_code == 413
    assert "too large to be received" in response.content.decode()


def test_unknown_appeal_is_404(client, tipline):
    assert client.get("/en/tip/appeal/999999/").status_code == 404
    assert client.post("/en/tip/appeal/999999/", tip_data()).status_code == 404
