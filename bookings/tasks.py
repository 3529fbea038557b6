"""Celery tasks of the bookings app: thin wrappers around services."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from .models import Booking, BookingStatus
from .payments.gateway import PaymentError
from .services import idempotency, outbox, payments, payouts
from .services.booking import booking_expire, hold_minutes

logger = logging.getLogger(__name__)
S = BookingStatus

RETRY = {
    "autoretry_for": (PaymentError,),
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 8,
    "acks_late": True,
}


@shared_task(**RETRY)
def payment_capture_task(booking_id: int) -> bool:
    return payments.payment_capture(booking_id=booking_id)


@shared_task(**RETRY)
def payment_release_task(booking_id: int) -> bool:
    return payments.payment_release(booking_id=booking_id)


@shared_task(**RETRY)
def payment_settle_task(booking_id: int) -> bool:
    return payments.payment_settle(booking_id=booking_id)


@shared_task
def payments_reconcile_task() -> dict:
    return payments.payments_reconcile()


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
    """Confirmed stays whose check-out has passed become completed (opens reviews)."""
    from .state import booking_transition

    done = 0
    for booking_id in Booking.objects.filter(status=S.CONFIRMED, check_out__lte=timezone.localdate()).values_list(
        "pk", flat=True
    )[:2000]:
        with transaction.atomic():
            booking = Booking.objects.select_for_update().get(pk=booking_id)
            if booking.status == S.CONFIRMED:
                booking_transition(booking, S.COMPLETED, reason="check-out passed")
                done += 1
    return done


@shared_task
def payouts_release_due_task() -> int:
    """Release due payouts and transfer them, and send pending reversals (beat).

    Returns how many entries were released, paid, reversed or refused.

    Transient transfer failures are not retried by Celery: the entry stays released
    and the next run repeats the same request with the same idempotency key.
    """
    outcomes = payouts.payouts_release_due()
    # Reversals normally go out right after their cancellation; this sends what is left.
    outcomes.update({f"reversal {k}": v for k, v in payouts.payouts_reverse_due().items()})
    if outcomes:
        logger.info("payouts: %s", dict(outcomes))
    return sum(count for outcome, count in outcomes.items() if not outcome.endswith("skipped"))


@shared_task
def payout_reverse_task(payout_id: int) -> str:
    """Take back what a cancellation owes from a payout already transferred (retried hourly if it fails)."""
    return payouts.payout_reverse(payout_id=payout_id)


@shared_task
def payouts_transfer_for_host_task(host_id: int) -> int:
    """Transfer a host's waiting payouts once their payout account is enabled. Returns how many were paid."""
    return payouts.payouts_transfer_for_host(host_id=host_id)["paid"]


@shared_task(autoretry_for=(Exception,), retry_backoff=True, retry_jitter=True, max_retries=5)
def outbox_dispatch_task() -> int:
    """Publish the booking outbox until it is empty (or for at most ~8 s: beat starts another run every 2 s)."""
    return outbox.outbox_drain()


@shared_task
def idempotency_records_purge_task() -> int:
    return idempotency.idempotency_records_purge()
