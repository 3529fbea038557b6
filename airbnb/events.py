"""Domain events and the handlers apps register for them: the one way an app tells others what happened.

A producer says *what happened* (``emit(Event.REVIEW_PUBLISHED, review=...)``)
and never how anyone reacts; the apps that care register handlers with
``@handles(...)`` in a module their ``AppConfig.ready()`` imports. That keeps
the import direction one-way: producers (bookings, reviews, listings) import
this module only, and ``messaging``, which writes notifications, emails and
conversation lines and owns their texts, imports the producers' models.
(Saleor's ``notify_events`` and pretix's signals are the same idea.)

How an event is delivered depends on the producer, not on this registry:

* ``BOOKING_CHANGED``: a batch of ``bookings.BookingEvent`` rows claimed from
  the outbox; handlers run in the consumer's transaction, so the batch is
  marked processed only if every handler succeeded (``bookings.services.outbox``).
* ``REVIEW_*``: emitted inside the producer's transaction, so a rolled-back
  change notifies nobody.
* ``WISHLIST_AVAILABILITY_CHANGED``: emitted by the listings app's delivery of
  its recorded alerts, in the transaction that marks them delivered.

``handlers_for`` lists what is registered; a test checks every event has a
handler once the apps are loaded, so a notification cannot silently vanish.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from enum import StrEnum


class Event(StrEnum):
    # batch: events=list[BookingEvent] (booking, guest, listing and host loaded)
    BOOKING_CHANGED = "booking.changed"
    # review=Review, booking=Booking, closes_at=datetime: the other side can now review to read it
    REVIEW_WAITING = "review.waiting"
    # review=Review, booking=Booking: both reviews (or the window's end) made it public
    REVIEW_PUBLISHED = "review.published"
    # review=Review: the person reviewed answered publicly
    REVIEW_RESPONDED = "review.responded"
    # alerts=list[WishlistAlert] (user and listing loaded): saved places whose free nights changed
    WISHLIST_AVAILABILITY_CHANGED = "wishlist.availability_changed"


Handler = Callable[..., None]
_handlers: dict[Event, list[Handler]] = defaultdict(list)


def handles(event: Event) -> Callable[[Handler], Handler]:
    """Register the decorated function as a handler of ``event`` (once, however often imported)."""

    def register(handler: Handler) -> Handler:
        if handler not in _handlers[event]:
            _handlers[event].append(handler)
        return handler

    return register


def handlers_for(event: Event) -> list[Handler]:
    return list(_handlers[event])


def emit(event: Event, **payload) -> None:
    """Call every handler of ``event`` with ``payload``, in registration order; their errors propagate."""
    for handler in _handlers[Event(event)]:
        handler(**payload)
