"""Real image files for upload tests, crafted with Pillow (and by hand for the decompression bomb)."""

from __future__ import annotations

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (800, 600), color=(180, 90, 60), **save) -> bytes:
    buffer = io.BytesIO()
    mode = "RGBA" if fmt in ("PNG", "WEBP") and save.pop("alpha", False) else "RGB"
    Image.new(mode, size, color if mode == "RGB" else (*color, 128)).save(buffer, format=fmt, **save)
    return buffer.getvalue()


def gps_exif() -> Image.Exif:
    """EXIF with a camera make and a GPS position (48°51'24"N 2°21'3"E: central Paris)."""
    exif = Image.Exif()
    exif[MAKE] = "Pocket Camera Co"
    exif[GPS_IFD] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}
    return exif


def gps_jpeg(size: tuple[int, int] = (800, 600), orientation: int | None = None) -> bytes:
    exif = gps_exif()
    if orientation:
        exif[ORIENTATION] = orientation
    return image_bytes("JPEG", size, exif=exif.tobytes(), comment=b"taken at home")


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny, valid-looking PNG whose header declares ``width`` x ``height`` pixels.

    Only the header is honest about being huge: decoding it would need
    width x height x 3 bytes of memory (30 GB for the default).
    """

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (width * 3 + 1) * 4, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def jpeg_upload(name: str = "photo.jpg", size: tuple[int, int] = (800, 600), color=(180, 90, 60)) -> SimpleUploadedFile:
    return upload(name, image_bytes("JPEG", size, color), "image/jpeg")


def opened(storage, name: str) -> Image.Image:
    with storage.open(name, "rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return image
