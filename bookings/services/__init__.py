"""Writes of the bookings app: the booking saga, idempotency, the outbox.

Import from the submodules: ``booking``, ``idempotency``, ``outbox``. Calendar
writes are ``availability.services``.
"""
