"""A downloadable proof of report: that a tip was received, when, under which reference.

No content of the tip and no receipt: only what the desk can confirm (reference, received
time to the minute) and the current status. Rendered in memory, never stored.
"""

from __future__ import annotations

import io
import textwrap

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

FORMATS = {
    "txt": ("text/plain; charset=utf-8", "txt"),
    "pdf": ("application/pdf", "pdf"),
}


def proof_lines(*, site: str, reference: str, received_at, status: str) -> list[str]:
    when = formats.date_format(timezone.localtime(received_at), "DATETIME_FORMAT")
    today = formats.date_format(timezone.localtime(timezone.now()), "DATE_FORMAT")
    return [
        _("Proof of report"),
        "",
        _("A tip was received by %(site)s on %(when)s.") % {"site": site, "when": when},
        _("Reference: %(reference)s") % {"reference": reference},
        _("Status on %(today)s: %(status)s") % {"today": today, "status": status},
        "",
        _(
            "The investigators can confirm this reference. This document does not contain "
            "what you wrote, nor your receipt."
        ),
    ]


def render(fmt: str, **kwargs) -> bytes:
    lines = proof_lines(**kwargs)
    if fmt == "txt":
        wrapped = []
        for line in lines:
            wrapped.extend(textwrap.wrap(line, 76) or [""])
        return ("\r\n".join(wrapped) + "\r\n").encode("utf-8")
    width, margin = 1240, 80
    title, body = ImageFont.load_default(size=48), ImageFont.load_default(size=30)
    blocks = [(lines[0], title, 90)]
    for line in lines[1:]:
        for part in textwrap.wrap(line, 62) or [""]:
            blocks.append((part, body, 44))
    image = Image.new("RGB", (width, 1754), "white")  # A4 at 150 dpi
    draw = ImageDraw.Draw(image)
    y = margin
    for text, font, step in blocks:
        draw.text((margin, y), text, fill="black", font=font)
        y += step
    out = io.BytesIO()
    image.save(out, "PDF", resolution=150.0)
    return out.getvalue()
