"""Upload checks by content, with real crafted files: what is refused, and what a kept photo loses."""

import io

import pytest
from PIL import Image

from listings import images
from listings.images import PHOTO_MAX_BYTES, PhotoInvalid, photo_clean, photo_variants
from tests.listings.helpers import GPS_IFD, gps_exif, gps_jpeg, image_bytes, png_bomb, upload


def clean(data: bytes, name: str = "photo.jpg"):
    return photo_clean(upload(name, data))


def reopened(cleaned) -> Image.Image:
    image = Image.open(io.BytesIO(cleaned.content))
    image.load()
    return image


def refused(data: bytes, name: str = "photo.jpg") -> str:
    with pytest.raises(PhotoInvalid) as caught:
        clean(data, name)
    return caught.value.message


def test_a_text_file_named_jpg_is_refused():
    message = refused(b"This is not a photo, just text that pretends.\n" * 20, "holiday.jpg")
    assert "not a photo we can read" in message


def test_a_decompression_bomb_png_is_refused_before_decoding():
    bomb = png_bomb(100_000, 100_000)
    assert len(bomb) < 200_000  # tiny on disk, 30 GB once decoded
    assert "too large" in refused(bomb, "bomb.png")


def test_an_image_over_the_pixel_limit_is_refused_even_below_pillows_own_guard():
    # 8000 x 6000 = 48 MP: under Image.MAX_IMAGE_PIXELS (89 MP), over ours (40 MP).
    assert 8000 * 6000 < Image.MAX_IMAGE_PIXELS
    assert "at most 40 million pixels" in refused(png_bomb(8000, 6000), "big.png")


def test_an_oversized_file_is_refused_by_size(monkeypatch):
    monkeypatch.setattr(images, "PHOTO_MAX_BYTES", 50_000)
    noisy = Image.effect_noise((800, 800), 100).convert("RGB")
    buffer = io.BytesIO()
    noisy.save(buffer, "JPEG", quality=100)
    assert len(buffer.getvalue()) > 50_000
    assert "at most 15 MB" in refused(buffer.getvalue())


def test_the_size_limit_is_15_mb():
    assert PHOTO_MAX_BYTES == 15 * 1024 * 1024
    fake = upload("huge.jpg", b"\xff\xd8" + b"0" * 10)
    fake.size = PHOTO_MAX_BYTES + 1
    with pytest.raises(PhotoInvalid, match="at most 15 MB"):
        photo_clean(fake)


@pytest.mark.parametrize(
    ("fmt", "name"),
    [("GIF", "anim.jpg"), ("BMP", "photo.bmp"), ("TIFF", "scan.tif")],
)
def test_other_image_formats_are_refused_by_content(fmt, name):
    assert f"this is {fmt}" in refused(image_bytes(fmt, (400, 300)), name)


def test_a_truncated_jpeg_is_refused():
    data = image_bytes("JPEG", (800, 600))
    assert "not a photo we can read" in refused(data[: len(data) // 2])


def test_a_tiny_image_is_refused():
    assert "at least 200 pixels" in refused(image_bytes("PNG", (120, 80)), "icon.png")


def test_empty_file_is_refused():
    assert "empty" in refused(b"")


def test_gps_exif_is_stripped_from_the_stored_original():
    original = Image.open(io.BytesIO(gps_jpeg()))
    assert original.getexif().get_ifd(GPS_IFD)  # the upload really carries a position
    kept = reopened(clean(gps_jpeg()))
    assert kept.format == "JPEG"
    assert not kept.getexif()
    assert not kept.getexif().get_ifd(GPS_IFD)
    assert "exif" not in kept.info and "comment" not in kept.info and "xmp" not in kept.info


def test_exif_orientation_is_applied_to_the_pixels_then_dropped():
    cleaned = clean(gps_jpeg(size=(800, 600), orientation=6))  # "rotate 90° clockwise to display"
    assert (cleaned.width, cleaned.height) == (600, 800)
    assert not reopened(cleaned).getexif()


def test_png_keeps_transparency_but_loses_text_chunks_and_exif():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Hana Host, 12 Private Street")
    data = image_bytes("PNG", (400, 300), alpha=True, pnginfo=info, exif=gps_exif().tobytes())
    cleaned = clean(data, "plan.png")
    kept = reopened(cleaned)
    assert cleaned.extension == ".png" and kept.mode == "RGBA"
    assert "Author" not in kept.info and not kept.getexif()


def test_webp_loses_exif_and_xmp():
    data = image_bytes("WEBP", (400, 300), exif=gps_exif().tobytes(), xmp=b"<x:xmpmeta>GPS 48.85,2.35</x:xmpmeta>")
    kept = reopened(clean(data, "photo.webp"))
    assert kept.format == "WEBP"
    assert not kept.getexif() and "xmp" not in kept.info


def test_heic_is_accepted_and_stored_as_jpeg_without_exif():
    data = image_bytes("HEIF", (400, 300), exif=gps_exif().tobytes())
    cleaned = clean(data, "IMG_0001.HEIC")
    kept = reopened(cleaned)
    assert cleaned.extension == ".jpg" and kept.format == "JPEG" and not kept.getexif()


def test_variants_are_webp_at_their_widths_and_never_upscaled():
    source = Image.new("RGB", (2000, 1000), (10, 120, 200))
    drawn = photo_variants(source, {"thumb": 320, "card": 720, "full": 1600})
    for variant, width in {"thumb": 320, "card": 720, "full": 1600}.items():
        content, w, h = drawn[variant]
        image = Image.open(io.BytesIO(content))
        assert image.format == "WEBP" and image.size == (width, width // 2) == (w, h)
    small = photo_variants(Image.new("RGB", (500, 400)), {"thumb": 320, "card": 720})
    assert small["card"][1:] == (500, 400) and small["thumb"][1:] == (320, 256)
