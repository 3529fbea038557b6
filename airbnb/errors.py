"""One application error, independent of HTTP.

Services raise ``ApplicationError(code, message, **extra)``: ``code`` is a member
of a code enum (``CommonErrorCode`` here, each app's own in ``<app>/errors.py``),
stable for clients to switch on; ``message`` is for people; ``extra`` carries what
a client needs to act (alternatives, the new total, ...). The message is written in
the language active when the error is raised (the request's: docs/languages.md), so
a default message is a lazy translation and a service raising one of its own passes
``gettext(...)``; the code is never translated. Nothing here knows about
HTTP or forms: the API answers with ``airbnb.api.errors.HTTP_STATUS_BY_CODE`` and
pages place the message with ``airbnb.form_errors.FORM_FIELD_BY_CODE``
(docs/architecture.md, "Errors").

Named subclasses (``DatesUnavailable``, ``ReviewNotOpen``) only give a default
code and message, so a service can ``raise DatesUnavailable(...)`` and a caller
can catch it; the code, not the class, decides the answer.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class CommonErrorCode(StrEnum):
    """Codes shared by every app (the ones DRF and Django errors also answer with)."""

    BAD_REQUEST = "bad_request"
    VALIDATION_ERROR = "validation_error"
    PARSE_ERROR = "parse_error"
    NOT_AUTHENTICATED = "not_authenticated"
    AUTHENTICATION_FAILED = "authentication_failed"
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_ACCEPTABLE = "not_acceptable"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    CONFLICT = "conflict"
    INVALID_RANGE = "invalid_range"
    REQUEST_TOO_LARGE = "request_too_large"
    THROTTLED = "throttled"
    RATE_LIMITED = "rate_limited"
    IDEMPOTENCY_KEY_INVALID = "idempotency_key_invalid"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    IDEMPOTENCY_IN_PROGRESS = "idempotency_in_progress"
    SERVER_ERROR = "server_error"


class ApplicationError(Exception):
    """A domain error with a stable code; see the module docstring."""

    code: StrEnum = CommonErrorCode.BAD_REQUEST
    message: str = _("The request could not be processed.")

    def __init__(self, code: StrEnum | None = None, message: str | None = None, **extra):
        code = type(self).code if code is None else code
        if not isinstance(code, StrEnum):
            # A free string would escape the tables (tests/platform/test_errors.py).
            raise TypeError(f"ApplicationError code must be a code enum member, not {code!r}")
        self.code = code
        self.message = str(type(self).message if message is None else message)  # in the language active now
        self.extra = extra
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code.value!r}, {self.message!r})"


class NotFound(ApplicationError):
    """What a user gets for an object that does not exist *or* that they may not see."""

    code = CommonErrorCode.NOT_FOUND
    message = _("Not found.")


class PermissionDenied(ApplicationError):
    """The user may see this object but not do this with it."""

    code = CommonErrorCode.PERMISSION_DENIED
    message = _("You cannot do this.")


class Conflict(ApplicationError):
    code = CommonErrorCode.CONFLICT
    message = _("The request conflicts with the current state.")


def error_body(code: str, message: str, fields: dict | None = None, **extra) -> dict:
    """The one error body: ``{"error": {"code", "message", "fields"?, **extra}}`` (the API's, and stored replays')."""
    body = {"code": str(code), "message": message}
    if fields:
        body["fields"] = fields
    body.update(extra)
    return {"error": body}
