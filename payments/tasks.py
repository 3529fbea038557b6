"""Celery tasks of the payments app: thin wrappers around services.

The payment steps retry with backoff on gateway failures; whatever a lost message
would have done, ``payments_reconcile_task`` (beat) and the hourly payouts run
derive again from database state.
"""

from __future__ import annotations

import logging

from celery import shared_task

from .gateways.base import PaymentError
from .services import payments, payouts

logger = logging.getLogger(__name__)

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
