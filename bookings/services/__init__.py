"""Writes of the bookings app: the booking saga, idempotency, the outbox.

Import from the submodules: ``booking``, ``idempotency``, ``outbox``,
``payment_events`` (what bookings tells payments). Calendar writes are
``availability.services``; payments and payouts are the payments app's
(``payments.services``).
"""
