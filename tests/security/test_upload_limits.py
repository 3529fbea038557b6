"""The per-request upload cap (airbnb.uploads): oversize bodies are refused before their files reach the disk.

Real multipart bodies through the Django test client, through the ASGI handler
(whose body stream is not cut at ``Content-Length``, so a lying header gets the
parser past the declared size) and as raw HTTP to a live server. After every
refusal: a 413 with a clear message, no ``ListingPhoto`` row, nothing under
``MEDIA_ROOT`` and nothing left in ``FILE_UPLOAD_TEMP_DIR``.
"""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings as django_settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.test import Client
from django.test.client import AsyncClientHandler, FakePayload
from knox.models import AuthToken

from listings.images import PHOTO_MAX_BYTES
from listings.models import ListingPhoto
from listings.services.photos import MAX_PHOTOS
from tests.accounts.factories import UserFactory
from tests.conftest import bearer_client
from tests.listings.factories import ListingFactory
from tests.listings.helpers import image_bytes

from .conftest import logged_in

CAP = 1024 * 1024  # the cap these tests run with
BOUNDARY = "airbnb-upload-limit-test-7MA4YWxkTrZu0gW"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"
PAGE_MESSAGE = "This upload is larger than 1 MB, the most one upload can carry."


class RecordingTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Django's temp-file handler, noting every temp file it opens (so tests know files really hit the disk)."""

    opened: list[str] = []

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.opened.append(self.file.temporary_file_path())


HANDLERS = [
    "airbnb.uploads.RequestSizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    f"{__name__}.RecordingTemporaryFileUploadHandler",
]


@pytest.fixture(autouse=True)
def upload_tmp(settings, tmp_path) -> Path:
    """A small cap, files streamed to a per-test temp dir (not kept in memory)."""
    directory = tmp_path / "upload-tmp"
    directory.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(directory)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    settings.UPLOAD_MAX_REQUEST_BYTES = CAP
    settings.FILE_UPLOAD_HANDLERS = HANDLERS
    RecordingTemporaryFileUploadHandler.opened = []
    return directory


@pytest.fixture
def host(db):
    return UserFactory()


@pytest.fixture
def listing(host):
    return ListingFactory(host=host)


def photo(size: int) -> bytes:
    """A real JPEG padded with trailing bytes to ``size`` (the re-encode drops the padding)."""
    data = image_bytes("JPEG", (800, 600))
    return data + b"\0" * (size - len(data))


def multipart(files: list[bytes], fields: dict[str, str] | None = None) -> bytes:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in (fields or {}).items()
    ]
    for number, data in enumerate(files, start=1):
        head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="photos"; filename="p{number}.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(parts)


def left_behind(upload_tmp: Path, media: Path) -> list[Path]:
    places = [upload_tmp, media]
    return [path for place in places if place.exists() for path in place.rglob("*") if path.is_file()]


def assert_nothing_kept(listing, upload_tmp: Path) -> None:
    assert ListingPhoto.objects.filter(listing=listing).count() == 0
    assert left_behind(upload_tmp, Path(django_settings.MEDIA_ROOT)) == []
    for path in RecordingTemporaryFileUploadHandler.opened:
        assert not Path(path).exists(), path


# --- Django test client -----------------------------------------------------------------


def test_the_default_cap_fits_the_largest_legitimate_photo_upload():
    from airbnb.settings import base  # the configured values (the autouse fixture overrides them here)

    largest = MAX_PHOTOS * PHOTO_MAX_BYTES
    assert largest < base.UPLOAD_MAX_REQUEST_BYTES <= largest + 2 * 1024 * 1024
    assert base.FILE_UPLOAD_HANDLERS[0] == "airbnb.uploads.RequestSizeLimitUploadHandler"


@pytest.mark.django_db
def test_an_upload_under_the_cap_still_works_through_temp_files(host, listing, upload_tmp):
    body = multipart([photo(300 * 1024), photo(300 * 1024)])
    response = bearer_client(host).generic("POST", f"/api/v1/listings/{listing.pk}/photos/", body, CONTENT_TYPE)
    assert response.status_code == 201, response.content
    assert ListingPhoto.objects.filter(listing=listing).count() == 2
    assert len(RecordingTemporaryFileUploadHandler.opened) == 2  # streamed to disk, not memory
    assert list(upload_tmp.iterdir()) == []  # and removed when the request ended


@pytest.mark.django_db
def test_the_api_refuses_a_declared_length_over_the_cap_with_413(host, listing, upload_tmp):
    body = multipart([photo(600 * 1024), photo(600 * 1024)])
    assert len(body) > CAP
    response = bearer_client(host).generic("POST", f"/api/v1/listings/{listing.pk}/photos/", body, CONTENT_TYPE)
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "request_too_large"
    assert error["message"]
    assert RecordingTemporaryFileUploadHandler.opened == []  # refused before a byte of file was read
    assert_nothing_kept(listing, upload_tmp)


@pytest.mark.django_db
def test_the_photos_page_shows_a_clear_413_message(host, listing, upload_tmp):
    body = multipart([photo(600 * 1024), photo(600 * 1024)])
    response = logged_in(host).generic("POST", f"/hosting/listings/{listing.pk}/photos/", body, CONTENT_TYPE)
    assert response.status_code == 413
    page = response.content.decode()
    assert PAGE_MESSAGE in page
    assert f'href="/hosting/listings/{listing.pk}/photos/"' in page  # back to the form
    assert_nothing_kept(listing, upload_tmp)


@pytest.mark.django_db
def test_the_photos_page_with_csrf_enforced_shows_the_same_413(host, listing, upload_tmp):
    """In a browser the CSRF check reads the body first: the refusal must still be the clear 413."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(host)
    form = client.get(f"/hosting/listings/{listing.pk}/photos/")
    assert form.status_code == 200
    token = client.cookies["csrftoken"].value
    body = multipart([photo(600 * 1024), photo(600 * 1024)], fields={"csrfmiddlewaretoken": token})
    response = client.generic("POST", f"/hosting/listings/{listing.pk}/photos/", body, CONTENT_TYPE)
    assert response.status_code == 413
    assert PAGE_MESSAGE in response.content.decode()
    assert_nothing_kept(listing, upload_tmp)


@pytest.mark.django_db
def test_the_avatar_form_is_capped_too(host, upload_tmp):
    body = multipart([photo(1200 * 1024)], fields={"first_name": "Hana", "last_name": "H"}).replace(
        b'name="photos"', b'name="avatar"'
    )
    response = logged_in(host).generic("POST", "/accounts/profile/", body, CONTENT_TYPE)
    assert response.status_code == 413
    assert PAGE_MESSAGE in response.content.decode()
    host.refresh_from_db()
    assert not host.avatar
    assert left_behind(upload_tmp, Path(django_settings.MEDIA_ROOT)) == []


# --- ASGI: the body is not cut at Content-Length ----------------------------------------


def asgi_post(path: str, body: bytes, *, content_length: int, headers: dict[str, str]):
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "query_string": b"",
        "server": ("127.0.0.1", 80),
        "client": ("127.0.0.1", 50000),
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", CONTENT_TYPE.encode()),
            (b"content-length", str(content_length).encode()),
            *((name.lower().encode(), value.encode()) for name, value in headers.items()),
        ],
        "_body_file": FakePayload(body),
    }
    return async_to_sync(AsyncClientHandler(enforce_csrf_checks=False))(scope)


@pytest.mark.django_db
def test_a_lying_content_length_is_stopped_once_the_received_bytes_pass_the_cap(host, listing, upload_tmp):
    _, token = AuthToken.objects.create(host)
    body = multipart([photo(600 * 1024), photo(600 * 1024), photo(600 * 1024)])
    response = asgi_post(
        f"/api/v1/listings/{listing.pk}/photos/",
        body,
        content_length=200 * 1024,  # the lie: under the cap
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 413
    assert json.loads(response.content)["error"]["code"] == "request_too_large"
    # The first file was written out in full and the second started before the cap was passed.
    assert len(RecordingTemporaryFileUploadHandler.opened) == 2
    assert_nothing_kept(listing, upload_tmp)


@pytest.mark.django_db
def test_a_lying_content_length_on_the_photos_page_gets_the_413_page(host, listing, upload_tmp):
    session = logged_in(host)
    cookie = f"{django_settings.SESSION_COOKIE_NAME}={session.cookies[django_settings.SESSION_COOKIE_NAME].value}"
    body = multipart([photo(600 * 1024), photo(600 * 1024)])
    response = asgi_post(
        f"/hosting/listings/{listing.pk}/photos/", body, content_length=100 * 1024, headers={"Cookie": cookie}
    )
    assert response.status_code == 413
    assert PAGE_MESSAGE in response.content.decode()
    assert RecordingTemporaryFileUploadHandler.opened  # files did reach the temp dir...
    assert_nothing_kept(listing, upload_tmp)  # ...and were removed


# --- Raw HTTP to a live server ----------------------------------------------------------


def raw_request(live_server, head: str, body_parts: list[bytes]) -> tuple[int, bytes]:
    """Send ``head`` then the body parts over one socket; return the status and the response body."""
    address = urlsplit(live_server.url)
    with socket.create_connection((address.hostname, address.port), timeout=20) as sock:
        sock.sendall(head.encode("latin1"))
        try:
            for part in body_parts:
                sock.sendall(part)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before taking the whole body: fine
        sock.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
            if b"\r\n\r\n" in received and _complete(received):
                break
    status = int(received.split(b" ", 2)[1])
    return status, received.split(b"\r\n\r\n", 1)[1]


def _complete(received: bytes) -> bool:
    head, _, body = received.partition(b"\r\n\r\n")
    match = re.search(rb"(?i)content-length:\s*(\d+)", head)
    return bool(match) and len(body) >= int(match.group(1))


def api_head(path: str, token: str, extra: str) -> str:
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: {CONTENT_TYPE}\r\n{extra}Connection: close\r\n\r\n"
    )


def chunked(body: bytes, size: int = 64 * 1024) -> list[bytes]:
    pieces = [body[i : i + size] for i in range(0, len(body), size)]
    return [f"{len(piece):x}\r\n".encode() + piece + b"\r\n" for piece in pieces] + [b"0\r\n\r\n"]


@pytest.mark.django_db(transaction=True)
def test_live_server_refuses_a_declared_length_over_the_cap_before_reading_it(live_server, upload_tmp):
    host = UserFactory()
    listing = ListingFactory(host=host)
    _, token = AuthToken.objects.create(host)
    # Declares 50 MB but sends only the start: the answer must come without waiting for the rest.
    body = multipart([photo(600 * 1024)])
    head = api_head(f"/api/v1/listings/{listing.pk}/photos/", token, f"Content-Length: {50 * 1024 * 1024}\r\n")
    status, content = raw_request(live_server, head, [body])
    assert status == 413
    assert b'"request_too_large"' in content
    assert RecordingTemporaryFileUploadHandler.opened == []
    assert_nothing_kept(listing, upload_tmp)


@pytest.mark.django_db(transaction=True)
def test_live_server_page_with_session_and_csrf_gets_the_413_page(live_server, upload_tmp):
    host = UserFactory()
    listing = ListingFactory(host=host)
    client = Client(enforce_csrf_checks=True)
    client.force_login(host)
    client.get(f"/hosting/listings/{listing.pk}/photos/")
    csrf = client.cookies["csrftoken"].value
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    body = multipart([photo(600 * 1024), photo(600 * 1024)], fields={"csrfmiddlewaretoken": csrf})
    head = (
        f"POST /hosting/listings/{listing.pk}/photos/ HTTP/1.1\r\nHost: {urlsplit(live_server.url).netloc}\r\n"
        f"Cookie: csrftoken={csrf}; {django_settings.SESSION_COOKIE_NAME}={session}\r\n"
        f"Origin: {live_server.url}\r\nReferer: {live_server.url}/hosting/listings/{listing.pk}/photos/\r\n"
        f"Content-Type: {CONTENT_TYPE}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    status, content = raw_request(live_server, head, [body])
    assert status == 413
    assert PAGE_MESSAGE.encode() in content
    assert_nothing_kept(listing, upload_tmp)


@pytest.mark.django_db(transaction=True)
def test_live_server_never_reads_a_chunked_body(live_server, upload_tmp):
    """WSGI gives Django no length for a chunked body, so it reads none of it: no files, a 400, nothing on disk."""
    host = UserFactory()
    listing = ListingFactory(host=host)
    _, token = AuthToken.objects.create(host)
    body = multipart([photo(600 * 1024), photo(600 * 1024), photo(600 * 1024)])
    head = api_head(f"/api/v1/listings/{listing.pk}/photos/", token, "Transfer-Encoding: chunked\r\n")
    status, content = raw_request(live_server, head, chunked(body))
    assert status == 400
    assert b'"photos"' in content
    assert RecordingTemporaryFileUploadHandler.opened == []
    assert_nothing_kept(listing, upload_tmp)


@pytest.mark.django_db(transaction=True)
def test_live_server_reads_no_further_than_a_lying_content_length(live_server, upload_tmp):
    """Declares 100 KB and sends 1.8 MB: the server reads 100 KB, the cut-off file is discarded."""
    host = UserFactory()
    listing = ListingFactory(host=host)
    _, token = AuthToken.objects.create(host)
    body = multipart([photo(600 * 1024), photo(600 * 1024), photo(600 * 1024)])
    head = api_head(f"/api/v1/listings/{listing.pk}/photos/", token, f"Content-Length: {100 * 1024}\r\n")
    status, _ = raw_request(live_server, head, [body])
    assert status == 400
    assert len(RecordingTemporaryFileUploadHandler.opened) == 1  # the first file was started...
    assert_nothing_kept(listing, upload_tmp)  # ...and deleted when the body ended mid-file
