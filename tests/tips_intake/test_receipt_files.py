"""The receipt files: every digit is there, and the PDF carries real, selectable text."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import translation
from PIL import Image, ImageChops
from pypdf import PdfReader

from tips import receipt_files

# The widest digits everywhere: if these fit, every receipt fits.
CODE = "8888-8888-8888-8888-8888-8888-8888"
URL = "http://127.0.0.1:8000/nl/opvolging-van-een-tip/"


@pytest.mark.parametrize("lang", ["fr", "nl", "de", "en"])
def test_pdf_has_the_whole_code_as_text(lang):
    with translation.override(lang):
        data = receipt_files.render(CODE, URL, "pdf")
        title = receipt_files.receipt_lines(CODE, URL)[0]
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "8888 8888 8888 8888 8888 8888 8888" in text
    assert title in text and "112" in text
    assert URL in text.replace("\n", "")
    today = datetime.date.today().strftime("%Y%m%d").encode()
    assert today not in data  # no timestamp of when the receipt was made


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_png_code_is_inside_its_box(lang):
    with translation.override(lang):
        image = Image.open(io.BytesIO(receipt_files.render(CODE, URL, "png"))).convert("L")
    width, height = image.size
    assert width == 1240 and height > 600
    # The code's box: the black frame drawn below the title. Find its inside and check that
    # the ink of the code neither touches nor crosses the frame on either side.
    frame_rows = [
        y
        for y in range(height)
        if sum(image.getpixel((x, y)) < 100 for x in range(80, 1160)) > 1000
    ]
    assert frame_rows, "no frame around the code"
    top, bottom = frame_rows[0] + 4, frame_rows[-1] - 3
    inside = image.crop((88, top + 8, width - 88, bottom - 4))
    ink = ImageChops.invert(inside).getbbox()
    assert ink is not None, "the code is missing"
    left, _t, right, _b = ink
    assert left > 10 and inside.width - right > 10, (left, right, inside.width)
    assert abs(left - (inside.width - right)) < 20  # centred: nothing cut on the right


def test_download_view_serves_each_format(client):
    for fmt, content_type in (("pdf", "application/pdf"), ("png", "image/png")):
        response = client.post(reverse("tips:receipt_download"), {"receipt": CODE, "format": fmt})
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert "no-store" in response["Cache-Control"]
