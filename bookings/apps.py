from django.apps import AppConfig

from listings.hooks import register_booking_rules
from payments import hooks


class BookingsConfig(AppConfig):
    name = "bookings"

    def ready(self) -> None:
        # payments cannot import bookings: tell it what booking statuses mean and what to
        # do when a webhook changes a booking's payment (bookings/services/payment_events.py).
        from .services import listing_rules, payment_events

        # Listings cannot import bookings either: the listing rules that depend on bookings.
        register_booking_rules(listing_rules.RULES)

        hooks.register_booking_states(payment_events.BOOKING_STATES)
        hooks.register_payment_event_handler(
            payment_events.payment_event_handle, lock=payment_events.payment_event_lock
        )
