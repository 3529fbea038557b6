"""Photo files: checking uploads by their content, cleaning them, drawing the variants.

Pure image work (no database, no storage), shared by the photo services and the
variant task:

* ``photo_clean`` decides whether an upload is a photo we accept — judged by its
  bytes, never by its name or declared content type — and returns it re-encoded
  with every piece of metadata (EXIF with GPS position and camera serials, XMP,
  comments, PNG text chunks) left behind. Only the colour profile is kept.
* ``photo_variants`` draws the resized WebP copies pages serve with ``srcset``.

Decompression bombs (a small file declaring a gigantic canvas) are refused from
the header, before any pixel is decoded: ``PHOTO_MAX_PIXELS`` is far below
Pillow's own ``Image.MAX_IMAGE_PIXELS`` guard, which stays in force as well.
"""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext
from PIL import Image, ImageOps, UnidentifiedImageError

try:  # HEIC/HEIF (iPhone photos) when pillow-heif is installed; everything else works without it.
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIF_SUPPORTED = True
except ImportError:  # pragma: no cover - depends on the environment
    HEIF_SUPPORTED = False

PHOTO_MAX_BYTES = 15 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000  # e.g. 8000 x 5000: more than any phone or DSLR photo
PHOTO_MIN_SIDE = 200
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"} | ({"HEIF"} if HEIF_SUPPORTED else set()))
ACCEPTED_FORMAT_NAMES = ("JPEG", "PNG", "WebP", *(("HEIC",) if HEIF_SUPPORTED else ()))


def accepted_formats_label() -> str:
    """ "JPEG, PNG, WebP or HEIC" in the active language."""
    *first, last = ACCEPTED_FORMAT_NAMES
    return gettext("%(formats)s or %(last)s") % {"formats": ", ".join(first), "last": last}


ACCEPTED_FORMATS_LABEL = lazy(accepted_formats_label, str)()
# What the file input offers; the server still decides by content.
ACCEPT_ATTRIBUTE = "image/jpeg,image/png,image/webp" + (",image/heic,image/heif,.heic,.heif" if HEIF_SUPPORTED else "")

ORIGINAL_JPEG_QUALITY = 90
VARIANT_WEBP_QUALITY = 80

# What a corrupt or hostile file can make Pillow raise while opening or decoding.
_DECODE_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error)


class PhotoInvalid(Exception):
    """An upload we refuse; ``message`` is shown to the host as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CleanPhoto:
    content: bytes
    extension: str  # ".jpg", ".png" or ".webp": what the stored original is now
    width: int
    height: int


def photo_clean(upload) -> CleanPhoto:
    """Check an uploaded file and return the photo re-encoded without metadata.

    ``upload`` is a Django ``UploadedFile`` (or any file object with ``size``).
    Raises ``PhotoInvalid`` when the file is too big, empty, not an image, not
    one of ``ACCEPTED_FORMATS``, too small, declares more than
    ``PHOTO_MAX_PIXELS`` pixels (a decompression bomb), or fails to decode.
    """
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    if size > PHOTO_MAX_BYTES:
        raise PhotoInvalid(
            gettext("This file is %(size)s MB; photos can be at most 15 MB.")
            % {"size": number_format(size / 1024 / 1024, 1)}
        )
    if size == 0:
        raise PhotoInvalid(gettext("This file is empty."))
    upload.seek(0)
    data = upload.read(PHOTO_MAX_BYTES + 1)
    if len(data) > PHOTO_MAX_BYTES:
        raise PhotoInvalid(gettext("Photos can be at most 15 MB."))

    try:
        with warnings.catch_warnings():
            # Pillow warns (rather than raises) between 1x and 2x MAX_IMAGE_PIXELS: refuse those too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                _check_header(probe)
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                source_format = image.format
                image.load()
                return _reencode(image, source_format)
    except PhotoInvalid:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoInvalid(_too_many_pixels_message()) from None
    except _DECODE_ERRORS:
        raise PhotoInvalid(
            gettext("This file is not a photo we can read. Upload a %(formats)s image.")
            % {"formats": accepted_formats_label()}
        ) from None


def _too_many_pixels_message() -> str:
    return gettext("This image is too large: photos can have at most %(count)s million pixels.") % {
        "count": PHOTO_MAX_PIXELS // 1_000_000
    }


def _check_header(image: Image.Image) -> None:
    """Format and dimensions, read from the header only (nothing decoded yet)."""
    if image.format not in ACCEPTED_FORMATS:
        formats = accepted_formats_label()
        if image.format:
            raise PhotoInvalid(
                gettext("Photos must be %(formats)s images (this is %(found)s).")
                % {"formats": formats, "found": image.format}
            )
        raise PhotoInvalid(gettext("Photos must be %(formats)s images.") % {"formats": formats})
    width, height = image.size
    if width * height > PHOTO_MAX_PIXELS:
        raise PhotoInvalid(_too_many_pixels_message())
    if min(width, height) < PHOTO_MIN_SIDE:
        raise PhotoInvalid(
            gettext(
                "This photo is %(width)s x %(height)s pixels; photos must be at least %(side)s pixels on each side."
            )
            % {"width": width, "height": height, "side": PHOTO_MIN_SIDE}
        )


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (image.mode == "P" and "transparency" in image.info)


def _reencode(image: Image.Image, source_format: str) -> CleanPhoto:
    """Re-encode from pixels: the upload's metadata is not carried over, only its colour profile.

    The EXIF orientation is applied to the pixels first (the tag itself is
    dropped with the rest), so the photo still shows the right way up. HEIC is
    stored as JPEG (or WebP with transparency), which every browser displays.
    Animated images keep their first frame.
    """
    icc_profile = image.info.get("icc_profile")
    alpha = _has_alpha(image)
    upright = ImageOps.exif_transpose(image)
    if source_format == "PNG":
        target, extension = "PNG", ".png"
        pixels = upright.convert("RGBA" if alpha else "RGB")
        options: dict = {"optimize": True}
    elif source_format == "WEBP" or alpha:
        target, extension = "WEBP", ".webp"
        pixels = upright.convert("RGBA" if alpha else "RGB")
        options = {"quality": ORIGINAL_JPEG_QUALITY, "method": 4}
    else:
        target, extension = "JPEG", ".jpg"
        pixels = upright.convert("RGB")
        options = {"quality": ORIGINAL_JPEG_QUALITY, "optimize": True, "progressive": True}
    # convert() copies ``info`` (EXIF, XMP, comments...); start from nothing so none of it is saved.
    pixels.info = {}
    if icc_profile:
        options["icc_profile"] = icc_profile
    buffer = io.BytesIO()
    pixels.save(buffer, format=target, **options)
    return CleanPhoto(content=buffer.getvalue(), extension=extension, width=pixels.width, height=pixels.height)


def photo_variants(source: Image.Image, widths: dict[str, int]) -> dict[str, tuple[bytes, int, int]]:
    """Resized WebP copies of ``source``: ``{variant: (bytes, width, height)}``.

    ``widths`` maps a variant name to its target width; a variant is never wider
    than the source (a small photo is re-encoded at its own size, not upscaled).
    The largest is drawn first and smaller ones are derived from it, which is
    faster and looks the same.
    """
    source = ImageOps.exif_transpose(source)
    mode = "RGBA" if _has_alpha(source) else "RGB"
    current = source.convert(mode)
    current.info = {}
    results: dict[str, tuple[bytes, int, int]] = {}
    for variant, target in sorted(widths.items(), key=lambda item: -item[1]):
        width = min(target, source.width)
        height = max(1, round(source.height * width / source.width))
        if (width, height) != current.size:
            current = current.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        buffer = io.BytesIO()
        current.save(buffer, format="WEBP", quality=VARIANT_WEBP_QUALITY, method=4)
        results[variant] = (buffer.getvalue(), width, height)
    return results
