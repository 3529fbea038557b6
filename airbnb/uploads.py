"""A cap on the size of one upload request, enforced before file data reaches the disk.

Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` does not count file data, so without this
a multipart body of any size is streamed into a temporary file in full before the
per-photo check (``listings.images``, 15 MB) gets to refuse it.
``RequestSizeLimitUploadHandler`` runs first in ``FILE_UPLOAD_HANDLERS`` and
refuses the request

* before anything is read, when the declared ``Content-Length`` is over
  ``UPLOAD_MAX_REQUEST_BYTES``;
* as soon as the file bytes received pass it, whatever ``Content-Length`` said
  (under ASGI the body stream is not cut at the declared length).

It raises ``UploadTooLarge`` (a ``RequestDataTooBig``): the API answers 413
``request_too_large`` (``airbnb.api.errors``), pages a 413 page saying how much one
upload may carry (``upload_too_large_page``, called by ``airbnb.views.bad_request``).
The temporary file being written is deleted before the error propagates; files
already complete are closed, and so deleted, by Django's multipart parser.

Under WSGI Django never reads past ``CONTENT_LENGTH`` and reads nothing from a body
without one (``Transfer-Encoding: chunked``): such a request simply has no files.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext

MEGABYTE = 1024 * 1024


def upload_max_request_bytes() -> int:
    """The most bytes one request may carry in files (setting ``UPLOAD_MAX_REQUEST_BYTES``)."""
    return int(settings.UPLOAD_MAX_REQUEST_BYTES)


def _megabytes(size: int) -> str:
    return f"{size / MEGABYTE:.0f} MB" if size >= MEGABYTE else f"{max(size // 1024, 1)} KB"


class UploadTooLarge(RequestDataTooBig):
    """The request carries more than ``UPLOAD_MAX_REQUEST_BYTES``."""

    def __init__(self, *, limit: int):
        self.limit = limit
        super().__init__(self.user_message)

    @property
    def user_message(self) -> str:
        return gettext(
            "This upload is larger than %(limit)s, the most one upload can carry. "
            "Send fewer or smaller files at a time."
        ) % {"limit": _megabytes(self.limit)}


class RequestSizeLimitUploadHandler(FileUploadHandler):
    """Refuse a request over ``UPLOAD_MAX_REQUEST_BYTES`` before its files are written anywhere.

    Must come first in ``FILE_UPLOAD_HANDLERS``: it sees every chunk before the
    memory and temporary-file handlers store it.
    """

    def __init__(self, request: HttpRequest | None = None):
        super().__init__(request)
        self.limit = upload_max_request_bytes()
        self.received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > self.limit:
            raise UploadTooLarge(limit=self.limit)
        return None  # let Django's parser (and the next handlers) do the work

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self._discard_partial_files()
            raise UploadTooLarge(limit=self.limit)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handlers build the file

    def _discard_partial_files(self) -> None:
        """Delete the file the other handlers are half-way through (the parser only closes finished ones)."""
        if self.request is None:
            return
        for handler in self.request.upload_handlers:
            if handler is not self:
                handler.upload_interrupted()


def upload_too_large_page(request: HttpRequest, exception: UploadTooLarge) -> HttpResponse:
    """The 413 page: what went wrong, the limit, and a way back to the form."""
    return render(
        request,
        "413.html",
        {"message": exception.user_message, "limit": _megabytes(exception.limit), "back_url": request.path},
        status=413,
    )
