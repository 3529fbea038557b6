"""Client idempotency keys (``Idempotency-Key``), stored in PostgreSQL.

Used by the booking API and the checkout page; nothing here knows about bookings:
the caller's ``settle`` decides what an abandoned attempt that made something gets.

``idempotent(...)`` runs a request once per (user, scope, key):

* first time: a row is inserted and committed *before* the work starts
  (``in progress``), the work runs, and its outcome is stored: the error code
  (empty for a success; never an HTTP status, which is the API's business:
  ``airbnb.api.errors.HTTP_STATUS_BY_CODE``) and the JSON body, both as ``jsonb``
  (for reading) and as the exact bytes sent;
* same key, same body, finished: the stored outcome is returned, nothing runs:
  the same code and the same bytes, byte for byte (what Stripe promises and
  what clients that sign or cache responses rely on; ``jsonb`` alone would
  reorder the keys);
* same key, same body, still running (a concurrent duplicate): 409
  ``idempotency_in_progress`` — the first request is the one that books;
* same key, different body: 422 ``idempotency_key_reused``.

Transient failures ("please try again") delete the row, so retrying with the
same key runs the work again. Redis plays no part: a Redis restart loses nothing.

A request whose process died mid-way leaves its row "in progress". Once that is
older than ``STALE_AFTER`` (far beyond any live request) a retry settles it. The
work links what it made to the row (the booking saga: in the hold's own
transaction), so

* nothing linked: the request died before making anything; the retry runs the work;
* something linked: ``settle(linked_id)`` says what the attempt came to, the outcome
  stored for this key from then on, or None while it is still being decided
  (409 in progress). For bookings (``bookings.services.booking.booking_attempt_settle``):
  still ``pending_payment`` -> None; failed or expired -> 409 ``booking_not_completed``
  (nothing was charged; book again with a new key); any other -> that booking (201).

Completed rows are kept ``IDEMPOTENCY_KEEP_HOURS`` (72 h by default: more than the
24 h clients may retry in) and then purged by beat.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import NamedTuple

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .errors import ApplicationError, CommonErrorCode, error_body
from .models import IdempotencyRecord

MAX_KEY_LENGTH = 255
# No live request runs this long (gunicorn ends a request after 30 s; gateway calls time out in seconds).
STALE_AFTER = dt.timedelta(minutes=5)


class IdempotencyKeyReused(ApplicationError):
    code = CommonErrorCode.IDEMPOTENCY_KEY_REUSED
    message = _("This Idempotency-Key was already used with a different request body.")


class IdempotencyInProgress(ApplicationError):
    code = CommonErrorCode.IDEMPOTENCY_IN_PROGRESS
    message = _("A request with this Idempotency-Key is still being processed; retry shortly.")


class IdempotencyKeyInvalid(ApplicationError):
    code = CommonErrorCode.IDEMPOTENCY_KEY_INVALID
    message = _("Send an Idempotency-Key header of 1 to 255 printable characters.")


class IdempotentResult(NamedTuple):
    """What ``idempotent`` answers: the error code ("" for a success), the body, whether it is a replay, the bytes."""

    error_code: str
    body: dict
    replayed: bool
    content: bytes


def response_content(body: dict) -> bytes:
    """The bytes the API sends for ``body``, as DRF's JSON renderer writes them (compact, UTF-8, strict)."""
    text = json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode()


def request_fingerprint(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def idempotent(
    *,
    user,
    scope: str,
    key: str,
    payload: dict,
    work: Callable[[int], tuple[dict, int | None]],
    retryable: Callable[[Exception], bool] = lambda exc: False,
    settle: Callable[[int], tuple[str, dict] | None] | None = None,
) -> IdempotentResult:
    """Run ``work`` at most once for this key; returns ``(error_code, body, replayed, content)``.

    ``work(record_id)`` returns ``(json_body, linked_id)`` and passes ``record_id`` on
    to the service that links what it makes (``booking_create(idempotency_record_id=...)``).
    ``ApplicationError``s
    it raises are stored by their code (a replay gets the same error); exceptions
    for which ``retryable(exc)`` is true, and unexpected ones, delete the record
    and propagate. ``settle(linked_id)`` answers for an abandoned attempt that linked
    something: ``(error_code, body)`` or None while undecided (module docstring).
    """
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise IdempotencyKeyInvalid()
    fingerprint = request_fingerprint(payload)
    record_id = _claim(user.pk, scope, key, fingerprint)
    if record_id is None:
        existing = IdempotencyRecord.objects.filter(user=user, scope=scope, key=key).first()
        if existing is None:
            # The first request failed transiently and deleted its row a moment ago: this one runs.
            record_id = _claim(user.pk, scope, key, fingerprint)
            if record_id is None:
                raise IdempotencyInProgress()
        else:
            if existing.request_hash != fingerprint:
                raise IdempotencyKeyReused()
            if existing.completed_at is not None:
                return _stored(existing)
            if existing.created_at > timezone.now() - STALE_AFTER:
                raise IdempotencyInProgress()
            outcome = _settle_abandoned(existing.pk, settle)
            if outcome is None:
                raise IdempotencyInProgress()
            if outcome != "run":
                return outcome
            record_id = existing.pk

    try:
        body, linked_id = work(record_id)
    except ApplicationError as exc:
        if retryable(exc):
            IdempotencyRecord.objects.filter(pk=record_id).delete()
            raise
        _finish(record_id, str(exc.code), error_body(exc.code, exc.message, **exc.extra), None)
        raise
    except BaseException:
        IdempotencyRecord.objects.filter(pk=record_id).delete()
        raise
    content = _finish(record_id, "", body, linked_id)
    return IdempotentResult("", body, False, content)


def _stored(record: IdempotencyRecord) -> IdempotentResult:
    content = record.response_content
    content = bytes(content) if content is not None else response_content(record.response_body)
    return IdempotentResult(record.error_code, record.response_body, True, content)


def _claim(user_id: int, scope: str, key: str, fingerprint: str) -> int | None:
    """Insert the key "in progress" (committed at once); None if it exists.

    A concurrent first request that has not committed yet makes this wait for it
    (the unique index), then find its row.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bookings_idempotencyrecord (user_id, scope, key, request_hash, error_code, created_at) "
            "VALUES (%s, %s, %s, %s, '', %s) ON CONFLICT (user_id, scope, key) DO NOTHING RETURNING id",
            [user_id, scope, key, fingerprint, timezone.now()],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _settle_abandoned(record_id: int, settle) -> IdempotentResult | str | None:
    """Decide what a retry of an abandoned in-progress key gets (module docstring).

    Returns ``"run"`` (the row is claimed: run the work), the stored outcome (a replay),
    or None (still in progress). The row lock makes concurrent retries agree.
    """
    with transaction.atomic():
        record = IdempotencyRecord.objects.select_for_update().get(pk=record_id)
        if record.completed_at is not None:
            return _stored(record)
        if record.created_at > timezone.now() - STALE_AFTER:
            return None  # another retry claimed it a moment ago
        if record.booking_id is None:
            record.created_at = timezone.now()
            record.save(update_fields=["created_at"])
            return "run"
        outcome = settle(record.booking_id) if settle is not None else None
        if outcome is None:
            return None
        error_code, body = outcome
        content = _finish(record.pk, error_code, body, record.booking_id)
        return IdempotentResult(error_code, body, True, content)


def _finish(record_id: int, error_code: str, body: dict, linked_id: int | None) -> bytes:
    """Store the outcome; returns the exact bytes stored (the ones to send)."""
    content = response_content(body)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE bookings_idempotencyrecord SET error_code = %s, response_body = %s::jsonb, "
            "response_content = %s, booking_id = %s, completed_at = %s WHERE id = %s",
            [error_code, content.decode(), content, linked_id, timezone.now(), record_id],
        )
    return content


def idempotency_records_purge(*, keep: dt.timedelta | None = None) -> int:
    """Delete keys older than ``keep`` (``IDEMPOTENCY_KEEP_HOURS``, 72 h). Returns how many.

    Clients retry within 24 h; a key still "in progress" after 72 h was abandoned
    and what it made long settled (bookings: by the sweeper).
    """
    if keep is None:
        keep = dt.timedelta(hours=int(getattr(settings, "IDEMPOTENCY_KEEP_HOURS", 72)))
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - keep).delete()
    return deleted
