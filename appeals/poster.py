"""A printable PNG poster of an appeal: photo, name, offences and a QR code to the tip form.

A resolved or closed appeal (``not appeal.asks_for_help``) shows its status and date instead,
and no QR code, call for information or caution: it no longer asks the public for anything.
"""

import io
import textwrap

import qrcode
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1240, 1754  # A4 at 150 dpi
MARGIN = 80
RED = (163, 0, 0)
BLACK = (17, 17, 17)
GREY = (85, 85, 85)


def _font(size: int, bold: bool = False):
    names = ["DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf"] if bold else []
    names += ["DejaVuSans.ttf", "LiberationSans-Regular.ttf"]
    for name in names:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _qr(url: str, size: int) -> Image.Image:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(url)
    code.make(fit=True)
    img = code.make_image(fill_color="black", back_color="white").convert("RGB")
    return img.resize((size, size), Image.Resampling.NEAREST)


def _headline(appeal) -> str:
    return {
        "wanted": _("WANTED"),
        "identify": _("WHO IS THIS?"),
        "witness": _("WITNESSES SOUGHT"),
        "missing": _("MISSING"),
        "unknown": _("WHO IS THIS?"),
        "object": _("DO YOU RECOGNISE THIS?"),
    }.get(appeal.kind, _("WANTED"))


def render_poster(appeal, request) -> bytes:
    with translation.override(appeal.locale.language_code):
        return _render(appeal, request)


def _render(appeal, request) -> bytes:
    canvas = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(canvas)
    draw.rectangle((0, 0, WIDTH, 220), fill=RED)
    draw.text(
        (WIDTH // 2, 110), _headline(appeal), font=_font(120, True), fill="white", anchor="mm"
    )
    y = 260
    if not appeal.asks_for_help:
        draw.rectangle((0, y - 20, WIDTH, y + 70), fill=BLACK)
        label = appeal.get_status_display().upper()
        if appeal.status_changed_on:
            label = f"{label} · {date_format(appeal.status_changed_on, 'DATE_FORMAT')}"
        draw.text((WIDTH // 2, y + 25), label, font=_font(56, True), fill="white", anchor="mm")
        y += 100

    offences = ", ".join(o.name for o in appeal.offence_list()) if appeal.shows_offences else ""
    if appeal.asks_for_help and appeal.appeal_question:
        offences = appeal.appeal_question  # missing, unidentified, object: the question
    offence_lines = textwrap.wrap(offences, width=42)[:3]
    qr_size = 360
    qy = HEIGHT - MARGIN - qr_size
    # Photo gets what the name, offences and place leave above the QR block.
    text_height = 100 + 56 * len(offence_lines) + (60 if appeal.facts_place else 0)
    max_photo_h = max(200, qy - 50 - text_height - y - 40)
    photo = appeal.main_photo
    if photo is not None:
        with photo.image.open_file() as f:
            src = Image.open(f)
            src.load()
        src = src.convert("RGB")
        src.thumbnail((WIDTH - 2 * MARGIN, max_photo_h))
        px = (WIDTH - src.width) // 2
        canvas.paste(src, (px, y))
        draw.rectangle((px - 2, y - 2, px + src.width + 1, y + src.height + 1), outline=BLACK)
        y += src.height + 40
    else:
        y += 40

    draw.text((WIDTH // 2, y), appeal.display_name, font=_font(72, True), fill=BLACK, anchor="mt")
    y += 100
    for line in offence_lines:
        draw.text((WIDTH // 2, y), line, font=_font(44), fill=RED, anchor="mt")
        y += 56
    if appeal.facts_place:
        draw.text((WIDTH // 2, y + 10), appeal.facts_place, font=_font(36), fill=GREY, anchor="mt")

    if appeal.asks_for_help:
        _tip_block(canvas, draw, appeal, request, qy, qr_size)
    else:
        message = _("Thank you for your help. This appeal is no longer active.")
        ty = qy + 80
        for line in textwrap.wrap(message, width=44):
            draw.text((WIDTH // 2, ty), line, font=_font(44, True), fill=BLACK, anchor="mt")
            ty += 60

    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _tip_block(canvas, draw, appeal, request, qy, qr_size) -> None:
    """The QR code to the tip form, the call for information and the caution."""
    tip_url = request.build_absolute_uri(appeal.get_tip_url(appeal.locale.language_code))
    canvas.paste(_qr(tip_url, qr_size), (WIDTH - MARGIN - qr_size, qy))
    tx = MARGIN
    text_width = WIDTH - 2 * MARGIN - qr_size - 40
    draw.text((tx, qy), _("Do you have information?"), font=_font(48, True), fill=BLACK)
    lines = textwrap.wrap(_("Scan the code to send it, anonymously if you wish."), width=30)
    ty = qy + 80
    for line in lines:
        draw.text((tx, ty), line, font=_font(34), fill=BLACK)
        ty += 46
    from .lookups import emergency_numbers  # cycle: lookups -> models -> this module

    number = emergency_numbers(request)["emergency"]
    if appeal.shows_standard_caution:
        caution = _("Do not approach this person. Emergency: %(number)s") % {"number": number}
    else:
        caution = _("Emergency: %(number)s") % {"number": number}
    for line in textwrap.wrap(caution, width=30):
        draw.text((tx, ty + 20), line, font=_font(34, True), fill=RED)
        ty += 46
    draw.text((tx, qy + qr_size - 30), tip_url[: text_width // 14], font=_font(24), fill=GREY)
