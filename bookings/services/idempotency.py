"""Client idempotency keys for booking requests, stored in PostgreSQL.

``idempotent(...)`` runs a request once per (user, scope, key):

* first time: a row is inserted and committed *before* the work starts
  (``in progress``), the work runs, and its final status and JSON body are stored;
* same key, same body, finished: the stored response is returned, nothing runs;
* same key, same body, still running (a concurrent duplicate): 409
  ``idempotency_in_progress`` — the first request is the one that books;
* same key, different body: 422 ``idempotency_key_reused``.

Transient failures ("please try again") delete the row, so retrying with the
same key runs the work again. Redis plays no part: a Redis restart loses nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import status

from airbnb.api.errors import ApiError, Conflict

from ..models import IdempotencyRecord

MAX_KEY_LENGTH = 255


class IdempotencyKeyReused(ApiError):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was already used with a different request body."


class IdempotencyInProgress(Conflict):
    default_code = "idempotency_in_progress"
    default_detail = "A request with this Idempotency-Key is still being processed; retry shortly."


class IdempotencyKeyInvalid(ApiError):
    default_code = "idempotency_key_invalid"
    default_detail = "Send an Idempotency-Key header of 1 to 255 printable characters."


def request_fingerprint(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def idempotent(
    *,
    user,
    scope: str,
    key: str,
    payload: dict,
    work: Callable[[], tuple[int, dict, int | None]],
    retryable: Callable[[Exception], bool] = lambda exc: False,
) -> tuple[int, dict, bool]:
    """Run ``work`` at most once for this key; returns ``(status, body, replayed)``.

    ``work`` returns ``(http_status, json_body, booking_id)``. ``ApiError``s it raises
    are stored like responses (a replay gets the same 409); exceptions for which
    ``retryable(exc)`` is true, and unexpected ones, delete the record and propagate.
    """
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise IdempotencyKeyInvalid()
    fingerprint = request_fingerprint(payload)
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(user=user, scope=scope, key=key, request_hash=fingerprint)
    except IntegrityError:
        existing = IdempotencyRecord.objects.get(user=user, scope=scope, key=key)
        if existing.request_hash != fingerprint:
            raise IdempotencyKeyReused() from None
        if existing.completed_at is None:
            raise IdempotencyInProgress() from None
        return existing.response_status, existing.response_body, True

    try:
        status_code, body, booking_id = work()
    except ApiError as exc:
        if retryable(exc):
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            raise
        from airbnb.api.errors import error_body

        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        body = error_body(str(getattr(exc.detail, "code", None) or exc.default_code), detail, **exc.extra)
        _finish(record, exc.status_code, body, None)
        raise
    except BaseException:
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        raise
    _finish(record, status_code, body, booking_id)
    return status_code, body, False


def _finish(record: IdempotencyRecord, status_code: int, body: dict, booking_id: int | None) -> None:
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        response_status=status_code, response_body=body, booking_id=booking_id, completed_at=timezone.now()
    )
