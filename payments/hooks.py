"""What payments needs from bookings, without importing it.

payments sits below bookings (docs/architecture.md, "Layers") and never imports
it, yet a payment step depends on its booking's state, and Stripe can report
something that changes a booking. bookings fills the gap at start-up
(``BookingsConfig.ready``, ``bookings/services/payment_events.py``):

* ``register_booking_states`` — which booking statuses call for which payment
  step, and whose host is paid. payments compares them with the booking's
  ``status``, read through its foreign key in the same SQL as its own rows.
* ``register_payment_event_handler`` — what to do when a webhook reports
  something about a booking's payment (``PaymentEvent``). Its ``lock`` runs
  first, so the handler's app takes its locks in its own order (bookings: the
  listing row) before payments locks the payment and booking rows; the handler
  runs after payments recorded the change, in the same transaction, so a
  handler that fails rolls the whole event back and Stripe's retry applies it.

What payments reads of a booking through ``payment.booking`` / ``entry.booking``:
``status``, ``refund_amount`` (what a cancellation gives back), ``reference``
(a transfer's group and metadata) and, for the payout list, ``code``,
``check_in``, ``check_out`` and the listing's title. Everything else it is
told through arguments (amounts, hosts, release times).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class BookingStates:
    """Booking statuses by what they mean for the booking's money."""

    capture: tuple[str, ...]  # the stay goes ahead: capture the authorisation
    release: tuple[str, ...]  # the stay will never happen and nothing was kept: void the authorisation
    cancelled: tuple[str, ...]  # cancelled after booking: refund or capture per ``booking.refund_amount``
    payable: tuple[str, ...]  # the host is paid their payout entry when it is due


class PaymentEventKind(enum.StrEnum):
    # Stripe cancelled the authorisation (voided by us, or lapsed): the payment is ``released``.
    AUTHORIZATION_CANCELLED = "authorization_cancelled"


@dataclass(frozen=True)
class PaymentEvent:
    """Something that happened to a booking's payment, as payments has just recorded it."""

    kind: PaymentEventKind
    booking_id: int
    previous_status: str  # the payment's status before the event (a ``PaymentStatus`` value)
    status: str  # and after it


PaymentEventHandler = Callable[[PaymentEvent], None]
BookingLock = Callable[[int], None]

_booking_states: BookingStates | None = None
_handlers: list[tuple[PaymentEventHandler, BookingLock | None]] = []


def register_booking_states(states: BookingStates) -> None:
    """Tell payments what the booking statuses mean (bookings, once, at start-up; a second call replaces)."""
    global _booking_states
    _booking_states = states


def booking_states() -> BookingStates:
    """The registered ``BookingStates``; ``ImproperlyConfigured`` if bookings never registered them."""
    if _booking_states is None:
        raise ImproperlyConfigured("No booking states registered: bookings registers them in its AppConfig.ready().")
    return _booking_states


def register_payment_event_handler(handler: PaymentEventHandler, *, lock: BookingLock | None = None) -> None:
    """Call ``handler`` with every ``PaymentEvent``, inside the transaction that recorded it.

    ``lock(booking_id)``, if given, runs before payments locks the payment and booking
    rows of an event's booking. Registering the same handler twice has no effect.
    """
    if all(registered is not handler for registered, _ in _handlers):
        _handlers.append((handler, lock))


def payment_event_lock(*, booking_id: int) -> None:
    """Take the handlers' locks for ``booking_id`` (payments calls this before locking the payment row)."""
    for _, lock in _handlers:
        if lock is not None:
            lock(booking_id)


def payment_event_dispatch(event: PaymentEvent) -> None:
    """Hand ``event`` to every registered handler, in registration order; their errors propagate."""
    for handler, _ in _handlers:
        handler(event)
