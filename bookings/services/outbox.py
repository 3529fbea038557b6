"""Consuming the booking outbox: each claimed batch is emitted as ``Event.BOOKING_CHANGED``.

Events are written in the same transaction as the state change, so a rolled-back
change never notifies anyone, and a crash after commit only delays the
notifications (``outbox_dispatch`` runs on beat). Rows are claimed with
``FOR UPDATE SKIP LOCKED`` so several workers never process an event twice.
For a claimed batch, ``messaging``'s handler (``messaging.handlers``) writes the
in-app notifications, queues the emails (sent after commit by its Celery tasks,
honouring each user's opt-outs) and posts the system lines in the bookings'
threads, each kind of row in one statement for the whole batch (``docs/benchmarks.md``, "Outbox": 0.6 ms and 0.06
statements per event, where one event at a time cost 5.6 ms and 14).
If the batch fails, its events are published one by one so that an event that
fails is logged and left for the next run without holding back the others.
"""

from __future__ import annotations

import logging
import time

from django.db import transaction
from django.utils import timezone

from airbnb.events import Event, emit

from ..models import BookingEvent

logger = logging.getLogger(__name__)


def booking_events_publish(events: list[BookingEvent]) -> None:
    """Hand a batch to the apps that react to booking events (``Event.BOOKING_CHANGED``), in order."""
    emit(Event.BOOKING_CHANGED, events=events)


def _publish(events: list[BookingEvent]) -> list[int]:
    """Publish a claimed batch; returns the ids published. One bad event costs only itself."""
    try:
        with transaction.atomic():
            booking_events_publish(events)
        return [event.pk for event in events]
    except Exception:
        if len(events) == 1:
            # Logged with its traceback and retried next run.
            logger.exception("Publishing booking event %s failed", events[0].pk)
            return []
        logger.warning("Publishing a batch of %d booking events failed; publishing them one by one", len(events))
    return [pk for event in events for pk in _publish([event])]


def outbox_dispatch(*, batch: int = 200) -> int:
    """Publish unprocessed events (notifications, emails, thread lines); returns how many were processed."""
    with transaction.atomic():
        events = list(
            BookingEvent.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(processed_at__isnull=True)
            .select_related("booking", "booking__guest", "booking__listing", "booking__listing__host")
            .order_by("id")[:batch]
        )
        if not events:
            return 0
        done = _publish(events)
        BookingEvent.objects.filter(pk__in=done).update(processed_at=timezone.now())
    return len(done)


def outbox_drain(*, batch: int = 200, seconds: float = 8.0) -> int:
    """Publish batches until the outbox is empty or ``seconds`` have passed; returns how many.

    One batch per beat tick would cap the outbox at ``batch`` events per tick,
    far below what bookings produce at peak (two events each). Runs that overlap
    (a long drain and the next tick) take different rows (``SKIP LOCKED``), so
    several worker processes drain a backlog together.
    """
    deadline = time.monotonic() + seconds
    total = 0
    while True:
        done = outbox_dispatch(batch=batch)
        total += done
        if done < batch or time.monotonic() >= deadline:
            return total
