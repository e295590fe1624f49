"""Placeholder portraits drawn with Pillow: silhouettes, never a real person's photo."""

import io
import random

from PIL import Image, ImageDraw, ImageFilter

SIZE = (600, 800)


def silhouette(seed: int, variant: str = "portrait") -> bytes:
    """A JPEG of a head-and-shoulders silhouette. ``variant``: portrait, cctv or aged."""
    rng = random.Random(seed)  # noqa: S311 - drawing, not security
    w, h = SIZE
    if variant == "cctv":
        bg = (rng.randint(70, 110),) * 3
        fg = (rng.randint(20, 45),) * 3
    else:
        bg = (rng.randint(200, 235), rng.randint(205, 235), rng.randint(210, 240))
        tone = rng.randint(35, 80)
        fg = (tone, tone + rng.randint(0, 10), tone + rng.randint(0, 20))
    img = Image.new("RGB", SIZE, bg)
    d = ImageDraw.Draw(img)
    cx = w // 2 + rng.randint(-30, 30)
    head_w, head_h = rng.randint(190, 240), rng.randint(250, 300)
    top = rng.randint(150, 200)
    # shoulders and neck
    sh_top = top + head_h - 20
    d.ellipse((cx - 280, sh_top + 90, cx + 280, h + 380), fill=fg)
    d.rectangle((cx - 55, top + head_h - 60, cx + 55, sh_top + 140), fill=fg)
    # head and hair
    d.ellipse((cx - head_w // 2, top, cx + head_w // 2, top + head_h), fill=fg)
    if rng.random() < 0.6:
        hair_h = rng.randint(60, 120)
        d.ellipse(
            (cx - head_w // 2 - 8, top - 15, cx + head_w // 2 + 8, top + hair_h + 40), fill=fg
        )
    if rng.random() < 0.3:  # cap
        d.rectangle((cx - head_w // 2, top + 10, cx + head_w // 2 + 50, top + 45), fill=fg)
    if variant == "cctv":
        img = img.filter(ImageFilter.GaussianBlur(3))
        d = ImageDraw.Draw(img)
        for y in range(0, h, 4):
            d.line((0, y, w, y), fill=(bg[0] - 10,) * 3)
        d.rectangle((10, 10, 300, 44), fill=(0, 0, 0))
        d.text(
            (20, 18),
            f"CAM {rng.randint(1, 12):02d}  {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}",
            fill=(255, 255, 255),
        )
    elif variant == "aged":
        img = img.filter(ImageFilter.GaussianBlur(1.5))
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=82)
    return out.getvalue()
