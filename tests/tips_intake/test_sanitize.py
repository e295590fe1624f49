"""tips.sanitize: only pixels survive; hostile or damaged files are refused with a code."""

import io
import time

import pytest
from PIL import Image

from tips import sanitize
from tips.sanitize import ImageRejected, sanitize_image

from . import images

CANARY = "CANARY-SANITIZE-5b1e"
MAX = 50_000_000


def clean(data: bytes, max_pixels=MAX):
    return sanitize_image(io.BytesIO(data), max_pixels=max_pixels)


def assert_no_metadata(result, canary=CANARY):
    assert canary.encode() not in result.data
    assert b"Exif" not in result.data
    assert b"http://ns.adobe.com/xap" not in result.data and b"xmpmeta" not in result.data
    assert b"CanaryCam" not in result.data
    with Image.open(io.BytesIO(result.data)) as im:
        assert not im.getexif()
        assert "exif" not in im.info and "xmp" not in im.info and "icc_profile" not in im.info
        assert not getattr(im, "text", {})
        assert im.size == (result.width, result.height)


def test_jpeg_loses_exif_gps_xmp_and_comment():
    source = images.jpeg_with_metadata(CANARY)
    assert CANARY.encode() in source  # the canary really is in the input
    result = clean(source)
    assert result.content_type == "image/jpeg" and result.extension == "jpg"
    assert_no_metadata(result)
    assert b"\xff\xfe" not in result.data[:2000]  # no COM segment near the header


def test_png_text_chunks_and_exif_removed():
    source = images.png_with_text(CANARY)
    result = clean(source)
    assert result.content_type == "image/jpeg"  # no transparency: a photo
    assert_no_metadata(result)


def test_png_with_alpha_stays_png_without_chunks():
    result = clean(images.png_with_text(CANARY, alpha=True))
    assert result.content_type == "image/png" and result.extension == "png"
    assert_no_metadata(result)
    for chunk in (b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"iCCP"):
        assert chunk not in result.data


def test_webp_metadata_removed():
    result = clean(images.webp_with_metadata(CANARY))
    assert_no_metadata(result)


def test_heic_round_trip_removes_exif():
    source = images.heic_with_metadata(CANARY)
    assert sanitize.sniff_format(source[:32]) == "HEIF"
    result = clean(source)
    assert result.content_type == "image/jpeg"
    assert (result.width, result.height) == (320, 240)
    assert_no_metadata(result)


def test_orientation_is_applied_then_dropped():
    # Orientation 6 = rotate 90° clockwise to display: a 640x480 sensor image shows 480x640.
    result = clean(images.jpeg_with_metadata(CANARY, orientation=6))
    assert (result.width, result.height) == (480, 640)
    with Image.open(io.BytesIO(result.data)) as im:
        # The dark column that was on the left is now at the top.
        assert sum(im.getpixel((240, 5))) < 120
        assert sum(im.getpixel((5, 320))) > 150


def test_icc_profile_dropped():
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    images.photo().save(out, "JPEG", icc_profile=profile)
    result = clean(out.getvalue())
    assert_no_metadata(result)


def test_decompression_bomb_refused_fast():
    bomb = images.png_bomb()
    assert len(bomb) < 2_000_000
    started = time.perf_counter()
    with pytest.raises(ImageRejected) as caught:
        clean(bomb)
    assert caught.value.code == sanitize.TOO_MANY_PIXELS
    assert time.perf_counter() - started < 0.5


def test_pixel_limit_is_the_callers():
    with pytest.raises(ImageRejected) as caught:
        clean(images.jpeg_with_metadata(CANARY), max_pixels=640 * 480 - 1)
    assert caught.value.code == sanitize.TOO_MANY_PIXELS
    assert clean(images.jpeg_with_metadata(CANARY), max_pixels=640 * 480).width == 640


def test_truncated_jpeg_refused():
    with pytest.raises(ImageRejected) as caught:
        clean(images.truncated_jpeg())
    assert caught.value.code == sanitize.CORRUPT


def test_polyglot_zip_tail_dropped():
    source = images.polyglot_jpeg_zip(CANARY)
    assert b"PK\x03\x04" in source
    result = clean(source)
    assert b"PK\x03\x04" not in result.data and b"secret.txt" not in result.data
    assert_no_metadata(result)


@pytest.mark.parametrize(
    "data,code",
    [
        (b"", sanitize.EMPTY),
        (images.not_an_image(), sanitize.UNSUPPORTED_TYPE),
        (b"GIF89a" + b"\x00" * 100, sanitize.UNSUPPORTED_TYPE),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", sanitize.UNSUPPORTED_TYPE),
        (b"\xff\xd8\xff" + b"\x00" * 50, sanitize.CORRUPT),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, sanitize.CORRUPT),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 40, sanitize.CORRUPT),
        (b"\x00\x00\x00\x18ftypheic" + b"\x00" * 40, sanitize.CORRUPT),
    ],
)
def test_bad_inputs_refused_with_code(data, code):
    with pytest.raises(ImageRejected) as caught:
        clean(data)
    assert caught.value.code == code


def test_mutated_files_never_crash():
    """Flip bytes all over valid files: either a clean image or ImageRejected, nothing else."""
    import random

    rng = random.Random(1234)
    sources = [
        images.jpeg_with_metadata(CANARY),
        images.png_with_text(CANARY, alpha=True),
        images.webp_with_metadata(CANARY),
    ]
    for source in sources:
        for _ in range(60):
            mutated = bytearray(source)
            for _ in range(rng.randint(1, 12)):
                position = rng.randrange(4, len(mutated))  # keep the magic so decoders run
                mutated[position] = rng.randrange(256)
            try:
                result = clean(bytes(mutated))
            except ImageRejected as rejected:
                assert rejected.code in sanitize.CODES
            else:
                assert result.data[:3] in (b"\xff\xd8\xff", b"\x89PN")
                assert CANARY.encode() not in result.data


def test_animated_webp_first_frame_only():
    frames = [Image.new("RGB", (64, 64), c) for c in ((255, 0, 0), (0, 255, 0))]
    out = io.BytesIO()
    frames[0].save(out, "WEBP", save_all=True, append_images=frames[1:], lossless=True)
    result = clean(out.getvalue())
    with Image.open(io.BytesIO(result.data)) as im:
        assert getattr(im, "n_frames", 1) == 1
        r, g, b = im.getpixel((32, 32))
        assert r > 200 and g < 60


def test_sixteen_bit_and_cmyk_modes_converted():
    out = io.BytesIO()
    Image.new("I;16", (50, 40), 40000).save(out, "PNG")
    assert clean(out.getvalue()).content_type == "image/jpeg"
    out = io.BytesIO()
    Image.new("CMYK", (50, 40), (0, 255, 255, 0)).save(out, "JPEG")
    result = clean(out.getvalue())
    with Image.open(io.BytesIO(result.data)) as im:
        assert im.mode == "RGB"
