"""Writes of the bookings app: the calendar, the booking saga, idempotency, the outbox.

Import from the submodules: ``calendar``, ``booking``, ``idempotency``, ``outbox``.
"""
