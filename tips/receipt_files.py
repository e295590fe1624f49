"""The receipt as a file the tipster keeps: plain text, PNG or PDF, in their language.

Pure functions: no storage, no logging. The receipt only exists in the response.
"""

from __future__ import annotations

import io
import textwrap

from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

FORMATS = {
    "txt": ("text/plain; charset=utf-8", "txt"),
    "png": ("image/png", "png"),
    "pdf": ("application/pdf", "pdf"),
}


def receipt_lines(receipt: str, followup_url: str) -> list[str]:
    return [
        _("Tip receipt"),
        "",
        receipt,
        "",
        _(
            "Investigators may have questions about your information. With this code you can "
            "come back later, read their questions and answer them, still without giving your "
            "name."
        ),
        _("Follow-up page: %(url)s") % {"url": followup_url},
        _(
            "Keep this code somewhere only you can see it: anyone who has it can read the "
            "questions sent about this tip. It cannot be recovered if lost."
        ),
        _("In an emergency, call 112."),
    ]


def render_text(receipt: str, followup_url: str) -> bytes:
    lines = []
    for line in receipt_lines(receipt, followup_url):
        lines.extend(textwrap.wrap(line, 76) or [""])
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def render_image(receipt: str, followup_url: str) -> Image.Image:
    width, margin = 1240, 80  # A4 width at 150 dpi
    body = ImageFont.load_default(size=30)
    title = ImageFont.load_default(size=44)
    code = ImageFont.load_default(size=64)
    blocks: list[tuple[str, ImageFont.FreeTypeFont, int]] = []
    lines = receipt_lines(receipt, followup_url)
    blocks.append((lines[0], title, 70))
    blocks.append((receipt.replace("-", " "), code, 110))
    for line in lines[4:]:
        for part in textwrap.wrap(line, 62):
            blocks.append((part, body, 42))
        blocks.append(("", body, 20))
    height = margin * 2 + sum(step for _text, _font, step in blocks)
    image = Image.new("RGB", (width, max(height, 600)), "white")
    draw = ImageDraw.Draw(image)
    y = margin
    for text, font, step in blocks:
        draw.text((margin, y), text, fill="black", font=font)
        y += step
    draw.rectangle(
        (margin - 30, margin + 55, width - margin + 30, margin + 170), outline="black", width=4
    )
    return image


def render(receipt: str, followup_url: str, fmt: str) -> bytes:
    if fmt == "txt":
        return render_text(receipt, followup_url)
    image = render_image(receipt, followup_url)
    out = io.BytesIO()
    if fmt == "pdf":
        image.save(out, "PDF", resolution=150.0)
    else:
        image.save(out, "PNG")
    return out.getvalue()
