"""Hostile uploads through the real endpoints: refused with a clear 4xx, or neutralised; nothing stray stored.

Photos go through ``listings.images.photo_clean`` (decoded, re-encoded, metadata
dropped), so a file that *is* a valid image but carries a payload is stored
without it. Everything else (SVG, HTML, scripts named .jpg/.png, bombs, oversize
bodies) is refused before anything reaches storage or the database.
"""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from listings.models import ListingPhoto
from tests.conftest import bearer_client
from tests.listings.factories import ListingFactory
from tests.listings.helpers import image_bytes, png_bomb

from .conftest import logged_in

pytestmark = pytest.mark.django_db

SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="800" height="600">'
    b'<script>alert(document.cookie)</script><rect width="800" height="600"/></svg>'
)
HTML = b"<!doctype html><html><body><script>fetch('/api/v1/me/').then(r=>r.text()).then(alert)</script></body></html>"
PAYLOAD = b"<script>alert(1)</script>"


def _jpeg_with_comment_payload() -> bytes:
    """A valid JPEG whose COM segment and trailing bytes hold HTML (a JPEG/HTML polyglot)."""
    jpeg = image_bytes("JPEG", (800, 600))
    comment = b"\xff\xfe" + struct.pack(">H", len(PAYLOAD) + 2) + PAYLOAD
    return jpeg[:2] + comment + jpeg[2:] + b"<html>" + PAYLOAD


def _gif_js_polyglot() -> bytes:
    """GIF89a header that is also a JavaScript expression, with a script after the trailer."""
    buffer = io.BytesIO()
    Image.new("P", (800, 600), 3).save(buffer, "GIF")
    return buffer.getvalue() + b"*/=1;" + PAYLOAD


def _png_with_text_payload() -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", PAYLOAD.decode())
    return image_bytes("PNG", (800, 600), pnginfo=info) + PAYLOAD


REFUSED = {
    "svg-as-png": ("cover.png", SVG, "image/png"),
    "svg-as-svg": ("cover.svg", SVG, "image/svg+xml"),
    "html-as-jpg": ("cover.jpg", HTML, "image/jpeg"),
    "html-as-png": ("cover.png", HTML, "image/png"),
    "php-as-jpg": ("shell.php.jpg", b"\xff\xd8\xff\xe0<?php system($_GET['c']); ?>", "image/jpeg"),
    "truncated-jpeg": ("cut.jpg", image_bytes("JPEG", (800, 600))[:400], "image/jpeg"),
    "png-bomb": ("bomb.png", png_bomb(100_000, 100_000), "image/png"),
    "pixel-flood": ("flood.png", png_bomb(9000, 9000), "image/png"),
    "empty": ("empty.jpg", b"", "image/jpeg"),
}

NEUTRALISED = {
    "jpeg-html-polyglot": ("polyglot.jpg", _jpeg_with_comment_payload()),
    "gif-js-polyglot": ("polyglot.gif", _gif_js_polyglot()),
    "png-text-chunk-script": ("note.png", _png_with_text_payload()),
}


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return settings.MEDIA_ROOT


@pytest.fixture
def host(db):
    from tests.accounts.factories import UserFactory

    return UserFactory()


@pytest.fixture
def listing(host):
    return ListingFactory(host=host)


def _stored_files(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


def _upload(name, data, content_type):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.mark.parametrize("kind", REFUSED)
def test_the_photos_page_refuses_hostile_files_with_400_and_stores_nothing(kind, host, listing, media):
    name, data, content_type = REFUSED[kind]
    response = logged_in(host).post(
        f"/hosting/listings/{listing.pk}/photos/", {"photos": _upload(name, data, content_type)}
    )
    assert response.status_code == 400
    assert 'class="field__error"' in response.content.decode()
    assert ListingPhoto.objects.filter(listing=listing).count() == 0
    assert _stored_files(media) == []


@pytest.mark.parametrize("kind", REFUSED)
def test_the_photos_api_refuses_hostile_files_with_400_and_stores_nothing(kind, host, listing, media):
    name, data, content_type = REFUSED[kind]
    response = bearer_client(host).post(
        f"/api/v1/listings/{listing.pk}/photos/", {"photos": [_upload(name, data, content_type)]}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"]
    assert ListingPhoto.objects.filter(listing=listing).count() == 0
    assert _stored_files(media) == []


def test_one_bad_file_among_good_ones_fails_the_whole_api_upload(host, listing, media):
    files = [_upload(f"ok{i}.jpg", image_bytes("JPEG", (800, 600)), "image/jpeg") for i in range(2)]
    files.append(_upload("evil.png", SVG, "image/png"))
    response = bearer_client(host).post(f"/api/v1/listings/{listing.pk}/photos/", {"photos": files}, format="multipart")
    assert response.status_code == 400
    assert ListingPhoto.objects.filter(listing=listing).count() == 0
    assert _stored_files(media) == []


@pytest.mark.parametrize("kind", NEUTRALISED)
def test_image_polyglots_are_stored_re_encoded_without_their_payload(kind, host, listing, media):
    name, data = NEUTRALISED[kind]
    assert PAYLOAD in data
    response = bearer_client(host).post(
        f"/api/v1/listings/{listing.pk}/photos/", {"photos": [_upload(name, data, "image/jpeg")]}, format="multipart"
    )
    assert response.status_code in (201, 400), response.content
    stored = _stored_files(media)
    if response.status_code == 400:
        assert stored == []
        return
    assert stored, "the accepted photo was stored"
    for path in stored:
        content = path.read_bytes()
        assert b"<script" not in content and b"<html" not in content and b"<?php" not in content, path
        assert path.suffix in (".jpg", ".jpeg", ".png", ".webp"), path
        Image.open(path).verify()


def test_a_file_over_the_photo_size_limit_is_refused(host, listing, media):
    big = image_bytes("JPEG", (800, 600)) + b"\0" * (15 * 1024 * 1024)
    response = bearer_client(host).post(
        f"/api/v1/listings/{listing.pk}/photos/",
        {"photos": [_upload("big.jpg", big, "image/jpeg")]},
        format="multipart",
    )
    assert response.status_code == 400
    assert "at most 15 MB" in str(response.json())
    assert _stored_files(media) == []


def test_a_form_body_over_the_configured_limit_is_a_400(host, listing, media, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
    client = logged_in(host)
    response = client.post(
        f"/hosting/listings/{listing.pk}/edit/basics/", {"title": "Ok", "description": "x" * (300 * 1024)}
    )
    assert response.status_code == 400
    listing.refresh_from_db()
    assert listing.title != "Ok"
    api = bearer_client(host)
    response = api.patch(f"/api/v1/listings/{listing.pk}/", {"title": "Ok", "description": "x" * (300 * 1024)})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"
    listing.refresh_from_db()
    assert listing.title != "Ok"


def test_too_many_files_or_fields_in_one_body_is_a_400(host, listing, media, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 5
    files = [_upload(f"p{i}.jpg", image_bytes("JPEG", (800, 600)), "image/jpeg") for i in range(6)]
    response = logged_in(host).post(f"/hosting/listings/{listing.pk}/photos/", {"photos": files})
    assert response.status_code == 400
    response = bearer_client(host).post(f"/api/v1/listings/{listing.pk}/photos/", {"photos": files}, format="multipart")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"
    assert response.json()["error"]["code"] == "parse_error"
    assert ListingPhoto.objects.filter(listing=listing).count() == 0
    assert _stored_files(media) == []


def test_the_configured_body_limits_are_the_documented_ones():
    assert django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 30 * 1024 * 1024
    assert django_settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 5 * 1024 * 1024


@pytest.mark.parametrize("kind", ["svg-as-png", "html-as-jpg", "png-bomb"])
def test_the_avatar_refuses_hostile_files(kind, host, media):
    name, data, content_type = REFUSED[kind]
    client = logged_in(host)
    response = client.post(
        "/accounts/profile/", {"first_name": "Hana", "last_name": "H", "avatar": _upload(name, data, content_type)}
    )
    assert response.status_code in (200, 400)
    assert "avatar" in response.context["form"].errors
    host.refresh_from_db()
    assert not host.avatar
    assert _stored_files(media) == []
