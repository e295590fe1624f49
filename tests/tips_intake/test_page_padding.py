"""The tip line's success page and its refusal pages have one length (issue 15: the access
log records the byte count of every response)."""

import re

from tips import padding

from .conftest import tip_data

URL = "/en/tip/"
RECEIPT = re.compile(rb"\b\d{4}(?:-\d{4}){6}\b")


def test_success_and_refusals_have_the_same_length(client, tipline, settings):
    success = client.post(URL, tip_data())
    assert RECEIPT.search(success.content)
    missing = client.post(URL, tip_data(what=""))
    bad_token = client.post(URL, tip_data(form_token="forged"))
    form = client.get(URL)
    assert missing.status_code == 400 and bad_token.status_code == 400
    sizes = {len(r.content) for r in (success, missing, bad_token, form)}
    assert sizes == {padding.PAGE_MIN_BUCKET}, sizes
    assert success.content.rstrip().endswith(b"-->")
    # Over its limit, the refusal (429 with the text kept) is padded as well.
    settings.TIP_RATE_PER_SOURCE = "1/h"
    client.post(URL, tip_data())
    refused = client.post(URL, tip_data())
    assert refused.status_code in (429, 503)
    assert len(refused.content) == padding.PAGE_MIN_BUCKET


def test_a_long_page_goes_to_the_next_bucket():
    from django.http import HttpResponse

    response = padding.pad_page(HttpResponse(b"x" * (padding.PAGE_MIN_BUCKET + 5)))
    assert len(response.content) == 2 * padding.PAGE_MIN_BUCKET


def test_error_pages_of_the_tip_line_are_padded_once(tipline):
    """Answered outside the tip-line views' own padding (handler400, the CSRF failure view),
    or through both: one bucket, one padding comment."""
    from django.test import Client

    broken = Client().post(URL, b"--x\r\n", content_type="multipart/form-data; boundary=")
    assert broken.status_code == 400
    assert len(broken.content) == padding.PAGE_MIN_BUCKET
    csrf = Client(enforce_csrf_checks=True).post(URL, {"what": "I saw him at the station"})
    assert csrf.status_code == 403 and b"I saw him at the station" in csrf.content
    assert len(csrf.content) == padding.PAGE_MIN_BUCKET
    assert csrf.content.count(b"<!--  ") == 1
    # Outside the tip line, error pages are left as they are.
    elsewhere = Client().post("/en/", b"--x\r\n", content_type="multipart/form-data; boundary=")
    assert len(elsewhere.content) != padding.PAGE_MIN_BUCKET
