"""Celery tasks of the bookings app: thin wrappers around services.

The payment steps and payouts are the payments app's tasks (``payments.tasks``).
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from listings.localtime import local_today_sql

from .models import Booking, BookingStatus
from .services import outbox
from .services.booking import booking_expire, hold_minutes

S = BookingStatus


@shared_task
def bookings_expire_stale_task() -> int:
    """Release holds whose payment never finished and requests the host never answered."""
    now = timezone.now()
    stale_holds = Booking.objects.filter(
        status=S.PENDING_PAYMENT, created_at__lt=now - dt.timedelta(minutes=hold_minutes())
    ).values_list("pk", flat=True)
    lapsed_requests = Booking.objects.filter(status=S.AWAITING_HOST, expires_at__lt=now).values_list("pk", flat=True)
    expired = 0
    for booking_id in list(stale_holds[:1000]):
        expired += booking_expire(booking_id=booking_id, reason="payment not completed in time")
    for booking_id in list(lapsed_requests[:1000]):
        expired += booking_expire(booking_id=booking_id, reason="the host did not answer within 24 hours")
    return expired


@shared_task
def bookings_complete_finished_task() -> int:
    """Confirmed stays whose check-out day has come where the listing is become completed (opens reviews)."""
    from .state import booking_transition

    done = 0
    for booking_id in Booking.objects.filter(
        status=S.CONFIRMED, check_out__lte=local_today_sql("listing__time_zone")
    ).values_list("pk", flat=True)[:2000]:
        with transaction.atomic():
            booking = Booking.objects.select_for_update().get(pk=booking_id)
            if booking.status == S.CONFIRMED:
                booking_transition(booking, S.COMPLETED, reason="check-out passed")
                done += 1
    return done


@shared_task(autoretry_for=(Exception,), retry_backoff=True, retry_jitter=True, max_retries=5)
def outbox_dispatch_task() -> int:
    """Publish the booking outbox until it is empty (or for at most ~8 s: beat starts another run every 2 s)."""
    return outbox.outbox_drain()
