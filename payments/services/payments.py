"""A booking's card payment: authorisation, then capture, release (void) or settling a cancellation.

The booking saga (``bookings.services.booking``) calls ``payment_authorize`` and
records the outcome with ``payment_record_failure`` / ``payment_mark_authorized``;
the steps after that are ``payment_capture``, ``payment_release`` and
``payment_settle``. Which step a booking needs follows from its status
(``payments.hooks.BookingStates``, registered by bookings).

Each step locks the payment row, checks what the booking's state requires, calls
the gateway with an idempotency key derived from the booking, and records the
result. The row lock serialises steps on one payment (a capture and a refund
never race); it is the only lock held during the network call, and booking
services never wait on it while holding the listing lock for long.

``*_now_or_later`` try once inline (the common case, so the guest sees the final
state) and otherwise hand over to Celery, which retries with exponential backoff
and jitter. If even the broker is down, ``payments_reconcile`` (beat) finds the
payment by its state and finishes the step: nothing depends on a queued message.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from ..gateways.base import (
    AlreadyCaptured,
    Authorization,
    CardDeclined,
    GatewayUnavailable,
    PaymentError,
    breaker_is_open,
    gateway_name,
    get_gateway,
)
from ..gateways.local import payment_method_from_card
from ..hooks import booking_states
from ..models import Payment, PaymentStatus

logger = logging.getLogger(__name__)
P = PaymentStatus

# What other apps use: the services, the gateway errors they pass on as raised (callers catch
# them), the authorisation they answer, and the test-card lookup of the checkout form.
__all__ = [
    "Authorization",
    "CardDeclined",
    "GatewayUnavailable",
    "PaymentError",
    "payment_authorize",
    "payment_capture",
    "payment_capture_now_or_later",
    "payment_gateway_name",
    "payment_mark_authorized",
    "payment_method_from_card",
    "payment_record_failure",
    "payment_release",
    "payment_release_now_or_later",
    "payment_settle",
    "payment_settle_now_or_later",
    "payments_needing_action",
    "payments_reconcile",
    "payments_unavailable",
]


# --- authorisation (the booking saga) ---------------------------------------------------


def payments_unavailable() -> bool:
    """Whether the gateway's circuit breaker is open: every call would fail at once, so refuse early."""
    return breaker_is_open()


def payment_gateway_name() -> str:
    """The configured gateway's name, stored on each payment row (``local``, ``stripe``)."""
    return gateway_name()


def payment_authorize(
    *, booking_id: int, amount: Decimal, currency: str, payment_method: str, metadata: dict
) -> Authorization:
    """Create the booking's PaymentIntent, store its id on the payment row, then authorise the card.

    The intent id is stored (one UPDATE, no transaction held across the network)
    before any hold exists on the card, so a process that dies after the hold
    leaves something the reconciler can void. Keys ``booking-<id>-intent`` and
    ``booking-<id>-authorize``: a retry never places a second hold.

    Raises ``CardDeclined`` (final), ``GatewayUnavailable`` (transient; the hold may
    exist) or another ``PaymentError``; the caller compensates.
    """
    gateway = get_gateway()
    intent_id = gateway.create_intent(
        amount=amount, currency=currency, idempotency_key=f"booking-{booking_id}-intent", metadata=metadata
    )
    with connection.cursor() as cursor:  # SQL, not the ORM: this runs inline on every booking
        cursor.execute(
            "UPDATE payments_payment SET intent_id = %s, payment_method = %s WHERE booking_id = %s",
            [intent_id, payment_method[:255], booking_id],
        )
    return gateway.authorize(
        intent_id=intent_id, payment_method=payment_method, idempotency_key=f"booking-{booking_id}-authorize"
    )


def payment_record_failure(*, booking_id: int, error: PaymentError) -> None:
    """Record why the authorisation failed (in the caller's transaction).

    A final refusal makes the payment ``failed``; after a transient failure it stays
    ``created``, so the release step still voids a hold the gateway may have placed.
    """
    Payment.objects.filter(booking_id=booking_id).update(
        status=P.FAILED if not error.transient else P.CREATED,
        failure_code=error.code[:60],
        failure_message=error.message[:300],
    )


def payment_mark_authorized(*, booking_id: int, capture_before) -> bool:
    """The card is authorised: ``created`` -> ``authorized``. False if the payment moved on meanwhile.

    ``created`` is the only way to ``authorized``: a payment the sweeper already
    released stays released.
    """
    return bool(
        Payment.objects.filter(booking_id=booking_id, status=P.CREATED).update(
            status=P.AUTHORIZED, capture_before=capture_before
        )
    )


# --- after authorisation ------------------------------------------------------------------


def payment_capture(*, booking_id: int, intent_id: str | None = None, currency: str | None = None) -> bool:
    """Capture the authorised amount of a confirmed booking. Returns whether it captured.

    No row lock here (this runs inline on every Instant Book): the gateway call is
    idempotent by key, and the state change is a conditional UPDATE that does
    nothing if a concurrent step (a cancellation's settle) already moved the
    payment on. If that settle voided the hold first, the capture fails at the
    gateway and the retry finds nothing left to do.

    The booking saga passes ``intent_id`` and ``currency`` it has just confirmed
    with; retries and the reconciler pass only the booking and the payment is read.
    """
    if intent_id and currency:
        payment = {"intent_id": intent_id, "currency": currency}
    else:
        payment = (
            Payment.objects.filter(
                booking_id=booking_id, status=P.AUTHORIZED, booking__status__in=booking_states().capture
            )
            .values("intent_id", "currency")
            .first()
        )
    if not payment:
        return False
    try:
        get_gateway().capture(
            intent_id=payment["intent_id"],
            amount=None,
            currency=payment["currency"],
            idempotency_key=f"booking-{booking_id}-capture",
        )
    except AlreadyCaptured:
        pass  # an earlier capture went through but its answer was lost: the goal is reached
    with connection.cursor() as cursor:  # SQL, not the ORM: this runs inline on every Instant Book
        cursor.execute(
            "UPDATE payments_payment SET status = %s, updated_at = %s WHERE booking_id = %s AND status = %s",
            [P.CAPTURED, timezone.now(), booking_id, P.AUTHORIZED],
        )
        return cursor.rowcount == 1


def payment_release(*, booking_id: int) -> bool:
    """Void the authorisation of a booking that will not happen (declined, expired, failed)."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("booking").get(booking_id=booking_id)
        if payment.booking.status not in booking_states().release or not payment.intent_id:
            return False
        if payment.status not in (P.AUTHORIZED, P.CREATED):
            return False
        gateway = get_gateway()
        try:
            gateway.cancel(intent_id=payment.intent_id, idempotency_key=f"booking-{booking_id}-cancel")
            payment.status = P.RELEASED
        except AlreadyCaptured:
            # Money was taken for a booking that will not happen: give all of it back.
            gateway.refund(
                intent_id=payment.intent_id,
                amount=payment.amount,
                currency=payment.currency,
                idempotency_key=f"booking-{booking_id}-refund-release",
            )
            payment.status = P.REFUNDED
            payment.amount_refunded = payment.amount
        payment.save(update_fields=["status", "amount_refunded", "updated_at"])
    return True


def payment_settle(*, booking_id: int) -> bool:
    """Make the money match a cancelled booking's ``refund_amount``.

    Authorised only: capture what is kept (releasing the rest) or void it all.
    Captured: refund the difference between the refund due and what was refunded.
    If the gateway reveals that a full capture already went through (its answer was
    lost), the payment is treated as captured and the difference refunded.
    """
    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("booking").get(booking_id=booking_id)
        booking = payment.booking
        if booking.status not in booking_states().cancelled or booking.refund_amount is None:
            return False
        gateway = get_gateway()
        due = min(booking.refund_amount, payment.amount)
        if payment.status == P.AUTHORIZED:
            try:
                _settle_authorized(gateway, payment, booking_id, due)
            except AlreadyCaptured:
                payment.status = P.CAPTURED
        if payment.status in (P.CAPTURED, P.PARTIALLY_REFUNDED) and payment.amount_refunded < due:
            gateway.refund(
                intent_id=payment.intent_id,
                amount=due - payment.amount_refunded,
                currency=payment.currency,
                idempotency_key=f"booking-{booking_id}-refund-{due}",
            )
            payment.amount_refunded = due
            payment.status = P.REFUNDED if due >= payment.amount else P.PARTIALLY_REFUNDED
        elif payment.status not in (P.RELEASED, P.PARTIALLY_REFUNDED, P.CAPTURED, P.REFUNDED):
            return False
        payment.save(update_fields=["status", "amount_refunded", "updated_at"])
    return True


def _settle_authorized(gateway, payment: Payment, booking_id: int, due) -> None:
    """Only a hold exists: void it all, or capture what the guest keeps paying."""
    kept = payment.amount - due
    if kept <= 0:
        gateway.cancel(intent_id=payment.intent_id, idempotency_key=f"booking-{booking_id}-cancel")
        payment.status = P.RELEASED
    else:
        # A different key from the full capture's: same key, other params is an error at Stripe.
        gateway.capture(
            intent_id=payment.intent_id,
            amount=kept,
            currency=payment.currency,
            idempotency_key=f"booking-{booking_id}-capture-{kept}",
        )
        payment.status = P.PARTIALLY_REFUNDED if due > 0 else P.CAPTURED
    payment.amount_refunded = due


def _now_or_later(step, task_name: str, booking_id: int, **known) -> bool:
    """Run ``step`` inline; on a gateway failure hand it to Celery. Returns what the step returned."""
    try:
        return bool(step(booking_id=booking_id, **known))
    except PaymentError as exc:
        logger.warning(
            "payment step %s for booking %s failed (%s); retrying in the background", task_name, booking_id, exc.code
        )
    _enqueue(task_name, booking_id)
    return False


def _enqueue(task_name: str, booking_id: int) -> None:
    from .. import tasks

    def send():
        try:
            getattr(tasks, task_name).delay(booking_id)
        except Exception:  # noqa: BLE001 - broker down: payments_reconcile finishes the step later
            logger.exception("could not enqueue %s for booking %s; the reconciler will retry", task_name, booking_id)

    transaction.on_commit(send)


def payment_capture_now_or_later(*, booking_id: int, intent_id: str | None = None, currency: str | None = None) -> bool:
    """Capture now (True when this call captured) or hand the capture to Celery."""
    return _now_or_later(payment_capture, "payment_capture_task", booking_id, intent_id=intent_id, currency=currency)


def payment_release_now_or_later(*, booking_id: int) -> bool:
    return _now_or_later(payment_release, "payment_release_task", booking_id)


def payment_settle_now_or_later(*, booking_id: int) -> bool:
    return _now_or_later(payment_settle, "payment_settle_task", booking_id)


def payments_needing_action(*, older_than: dt.timedelta = dt.timedelta(minutes=1)) -> dict[str, list[int]]:
    """Booking ids whose payment lags behind the booking state (for the reconciler)."""
    cutoff = timezone.now() - older_than
    recent = Q(updated_at__lt=cutoff)
    states = booking_states()
    capture = Payment.objects.filter(recent, status=P.AUTHORIZED, booking__status__in=states.capture)
    release = Payment.objects.filter(
        recent, status__in=[P.AUTHORIZED, P.CREATED], booking__status__in=states.release
    ).exclude(intent_id="")
    settle = Payment.objects.filter(recent, booking__status__in=states.cancelled).filter(
        Q(status=P.AUTHORIZED)
        | Q(status__in=[P.CAPTURED, P.PARTIALLY_REFUNDED], amount_refunded__lt=F("booking__refund_amount"))
    )
    return {
        "payment_capture_task": list(capture.values_list("booking_id", flat=True)[:500]),
        "payment_release_task": list(release.values_list("booking_id", flat=True)[:500]),
        "payment_settle_task": list(settle.values_list("booking_id", flat=True)[:500]),
    }


def payments_reconcile() -> dict[str, int]:
    """Run every lagging payment step once (beat). Failures stay for the next run."""
    done: dict[str, int] = {}
    steps = {
        "payment_capture_task": payment_capture,
        "payment_release_task": payment_release,
        "payment_settle_task": payment_settle,
    }
    for task_name, booking_ids in payments_needing_action().items():
        count = 0
        for booking_id in booking_ids:
            try:
                count += bool(steps[task_name](booking_id=booking_id))
            except PaymentError as exc:
                logger.warning("reconcile %s for booking %s failed: %s", task_name, booking_id, exc.code)
        done[task_name] = count
    return done
