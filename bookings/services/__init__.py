"""Writes of the bookings app: the calendar, the booking saga, idempotency, the outbox.

Import from the submodules: ``calendar``, ``booking``, ``idempotency``, ``outbox``,
``payment_events`` (what bookings tells payments). Payments and payouts are the
payments app's (``payments.services``).
"""
