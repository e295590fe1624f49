"""Placeholder images of the new kinds of appeal, drawn with Pillow.

No real photo of anyone or anything, and never a body: a tattoo on a drawn forearm, drawn
clothes and belongings, a drawn object, a drawn street corner, a pencil-like e-fit.
"""

import io
import random

from PIL import Image, ImageDraw, ImageFilter

from .portraits import SIZE, silhouette

LABEL_BG = (20, 20, 20)


def _jpeg(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=82)
    return out.getvalue()


def _demo_label(img: Image.Image) -> Image.Image:
    d = ImageDraw.Draw(img)
    d.rectangle((0, img.height - 40, img.width, img.height), fill=LABEL_BG)
    d.text((16, img.height - 30), "DEMO", fill=(255, 255, 255))
    return img


def tattoo(seed: int) -> bytes:
    """A forearm outline with a star-and-rose tattoo."""
    rng = random.Random(seed)  # noqa: S311 - drawing, not security
    img = Image.new("RGB", SIZE, (228, 222, 214))
    d = ImageDraw.Draw(img)
    skin = (196, 160, 130)
    d.rounded_rectangle((170, -40, 430, 860), radius=120, fill=skin)
    cx, cy = 300, 380 + rng.randint(-40, 40)
    ink = (40, 55, 80)
    for r in (70, 50, 30):
        d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=ink, width=6)
    d.line((cx, cy + 70, cx, cy + 200), fill=ink, width=8)
    d.polygon([(cx, cy + 120), (cx + 60, cy + 95), (cx + 10, cy + 140)], fill=ink)
    points = [(cx - 40 + 10 * i, cy - 150 + (25 if i % 2 else 0)) for i in range(9)]
    d.line(points, fill=ink, width=5)
    return _jpeg(_demo_label(img))


def belongings(seed: int) -> bytes:
    """A jacket, a watch and a key ring laid flat."""
    rng = random.Random(seed)  # noqa: S311
    img = Image.new("RGB", SIZE, (215, 215, 210))
    d = ImageDraw.Draw(img)
    coat = (rng.randint(30, 90), rng.randint(50, 90), rng.randint(90, 140))
    d.polygon(
        [
            (180, 120),
            (420, 120),
            (500, 260),
            (450, 300),
            (430, 560),
            (170, 560),
            (150, 300),
            (100, 260),
        ],
        fill=coat,
    )
    d.line((300, 130, 300, 560), fill=(20, 20, 20), width=4)
    d.ellipse((120, 610, 220, 710), outline=(80, 80, 80), width=10)
    d.rectangle((150, 640, 190, 680), fill=(240, 240, 240))
    d.ellipse((360, 620, 420, 680), outline=(150, 130, 40), width=8)
    d.rectangle((410, 645, 500, 660), fill=(150, 130, 40))
    return _jpeg(_demo_label(img))


def obj(seed: int) -> bytes:
    """A holdall bag on a plain background."""
    rng = random.Random(seed)  # noqa: S311
    img = Image.new("RGB", SIZE, (232, 230, 226))
    d = ImageDraw.Draw(img)
    colour = (rng.randint(110, 160), rng.randint(40, 70), rng.randint(30, 50))
    d.rounded_rectangle((90, 330, 510, 620), radius=60, fill=colour)
    d.arc((200, 200, 400, 420), 180, 360, fill=(40, 30, 20), width=18)
    d.line((110, 420, 490, 420), fill=(30, 30, 30), width=6)
    d.rectangle((270, 440, 330, 480), fill=(200, 190, 150))
    return _jpeg(_demo_label(img))


def place(seed: int) -> bytes:
    """A street corner: houses, a door, a lamp post."""
    rng = random.Random(seed)  # noqa: S311
    img = Image.new("RGB", SIZE, (180, 205, 225))
    d = ImageDraw.Draw(img)
    d.rectangle((0, 600, 600, 800), fill=(110, 110, 110))
    x = 0
    while x < 600:
        w = rng.randint(120, 200)
        top = rng.randint(200, 350)
        brick = (rng.randint(140, 180), rng.randint(70, 100), rng.randint(50, 70))
        d.rectangle((x, top, x + w, 600), fill=brick)
        d.polygon([(x, top), (x + w // 2, top - 70), (x + w, top)], fill=(70, 60, 60))
        for wy in range(top + 30, 520, 90):
            d.rectangle((x + 20, wy, x + 60, wy + 50), fill=(230, 230, 200))
        d.rectangle((x + w - 60, 520, x + w - 25, 600), fill=(60, 40, 30))
        x += w
    d.rectangle((470, 300, 480, 700), fill=(40, 40, 40))
    d.ellipse((455, 280, 495, 320), fill=(250, 240, 180))
    return _jpeg(_demo_label(img.filter(ImageFilter.SMOOTH)))


def efit(seed: int) -> bytes:
    """A grey, line-drawn looking face: an e-fit stand-in."""
    src = Image.open(io.BytesIO(silhouette(seed, "portrait"))).convert("L")
    img = src.filter(ImageFilter.FIND_EDGES).point(lambda v: 255 - min(255, v * 4)).convert("RGB")
    return _jpeg(_demo_label(img))


def reconstruction(seed: int) -> bytes:
    """A soft, sepia head-and-shoulders: a facial reconstruction stand-in (never a body)."""
    src = Image.open(io.BytesIO(silhouette(seed, "aged"))).convert("L")
    img = Image.merge(
        "RGB",
        (src.point(lambda v: min(255, v + 30)), src.point(lambda v: min(255, v + 15)), src),
    )
    return _jpeg(_demo_label(img.filter(ImageFilter.GaussianBlur(2))))


#: Demo variant → drawing function (portraits and CCTV stills come from ``portraits``).
DRAWINGS = {
    "tattoo": tattoo,
    "belongings": belongings,
    "object": obj,
    "place": place,
    "scene": place,  # the incident appeal's street
    "efit": efit,
    "reconstruction": reconstruction,
}


def draw(seed: int, variant: str) -> bytes:
    if variant in DRAWINGS:
        return DRAWINGS[variant](seed)
    return silhouette(seed, variant)
