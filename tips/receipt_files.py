"""The receipt as a file the tipster keeps: plain text, PNG or PDF, in their language.

Pure functions: no storage, no logging. The receipt only exists in the response.

The PDF is drawn with ReportLab as real text (selectable, searchable, read aloud by screen
readers), in the Bitstream Vera fonts that ReportLab ships, embedded in the file: nothing
depends on the fonts of the server or of the reader. The PNG uses the same fonts. Both size
the code to the width of the page, so all its digits are always there.
"""

from __future__ import annotations

import io
import textwrap
from functools import cache
from pathlib import Path

import reportlab
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

FORMATS = {
    "txt": ("text/plain; charset=utf-8", "txt"),
    "png": ("image/png", "png"),
    "pdf": ("application/pdf", "pdf"),
}

FONT_DIR = Path(reportlab.__file__).parent / "fonts"
REGULAR, BOLD = FONT_DIR / "Vera.ttf", FONT_DIR / "VeraBd.ttf"


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


def spaced(receipt: str) -> str:
    """The code as shown on the receipt page: groups separated by spaces."""
    return receipt.replace("-", " ")


def render_text(receipt: str, followup_url: str) -> bytes:
    lines = []
    for line in receipt_lines(receipt, followup_url):
        lines.extend(textwrap.wrap(line, 76) or [""])
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


# --- PNG (Pillow) ---------------------------------------------------------------------------


def _wrap(text: str, fits) -> list[str]:
    """Greedy word wrap; ``fits(line)`` says whether a line fits the width."""
    lines: list[str] = []
    for word in text.split():
        if lines and fits(f"{lines[-1]} {word}"):
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)  # a single over-long word (a URL) gets a line of its own
    return lines


def _fitting_font(path: Path, text: str, width: float, largest: int) -> ImageFont.FreeTypeFont:
    size = largest
    font = ImageFont.truetype(str(path), size)
    while size > 10 and font.getlength(text) > width:
        size -= 2
        font = ImageFont.truetype(str(path), size)
    return font


def render_image(receipt: str, followup_url: str) -> Image.Image:
    width, margin, pad = 1240, 80, 30  # A4 width at 150 dpi
    inner = width - 2 * margin
    title = ImageFont.truetype(str(BOLD), 44)
    body = ImageFont.truetype(str(REGULAR), 28)
    code_text = spaced(receipt)
    code = _fitting_font(BOLD, code_text, inner - 2 * pad, 72)
    lines = receipt_lines(receipt, followup_url)
    paragraphs = [_wrap(line, lambda s: body.getlength(s) <= inner) for line in lines[4:]]
    code_height = code.size + 2 * pad
    height = margin + 70 + code_height + 50
    height += sum(len(p) * 40 + 20 for p in paragraphs) + margin
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    y = margin
    draw.text((margin, y), lines[0], fill="black", font=title)
    y += 70
    draw.rectangle((margin, y, width - margin, y + code_height), outline="black", width=4)
    draw.text((width // 2, y + code_height // 2), code_text, fill="black", font=code, anchor="mm")
    y += code_height + 50
    for paragraph in paragraphs:
        for part in paragraph:
            draw.text((margin, y), part, fill="black", font=body)
            y += 40
        y += 20
    return image


# --- PDF (ReportLab) ------------------------------------------------------------------------


@cache
def _pdf_fonts() -> tuple[str, str]:
    # ReportLab is loaded by the first receipt PDF, not by every web worker.
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("ReceiptSans", str(REGULAR)))
    pdfmetrics.registerFont(TTFont("ReceiptSans-Bold", str(BOLD)))
    return "ReceiptSans", "ReceiptSans-Bold"


def render_pdf(receipt: str, followup_url: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas

    regular, bold = _pdf_fonts()
    lines = receipt_lines(receipt, followup_url)
    out = io.BytesIO()
    # invariant: no creation date or random document id in the file.
    pdf = Canvas(out, pagesize=A4, invariant=1, pageCompression=1)
    pdf.setTitle(lines[0])
    page_width, page_height = A4
    margin, pad = 20 * mm, 5 * mm
    inner = page_width - 2 * margin
    y = page_height - margin - 20
    pdf.setFont(bold, 20)
    pdf.drawString(margin, y, lines[0])

    code_text = spaced(receipt)
    size = 28.0
    while size > 8 and stringWidth(code_text, bold, size) > inner - 2 * pad:
        size -= 1
    box = size + 2 * pad
    y -= 15 + box
    pdf.setLineWidth(1.5)
    pdf.rect(margin, y, inner, box)
    pdf.setFont(bold, size)
    pdf.drawCentredString(page_width / 2, y + pad + size * 0.22, code_text)

    y -= 12 * mm
    pdf.setFont(regular, 11)
    for line in lines[4:]:
        for part in _wrap(line, lambda s: stringWidth(s, regular, 11) <= inner):
            pdf.drawString(margin, y, part)
            y -= 15
        y -= 8
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def render(receipt: str, followup_url: str, fmt: str) -> bytes:
    if fmt == "txt":
        return render_text(receipt, followup_url)
    if fmt == "pdf":
        return render_pdf(receipt, followup_url)
    out = io.BytesIO()
    render_image(receipt, followup_url).save(out, "PNG")
    return out.getvalue()
