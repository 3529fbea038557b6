from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"

    def ready(self) -> None:
        # payments cannot import bookings: tell it what booking statuses mean and what to
        # do when a webhook changes a booking's payment (bookings/services/payment_events.py).
        from payments import hooks

        from .services import payment_events

        hooks.register_booking_states(payment_events.BOOKING_STATES)
        hooks.register_payment_event_handler(
            payment_events.payment_event_handle, lock=payment_events.payment_event_lock
        )
