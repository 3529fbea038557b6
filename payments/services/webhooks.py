"""Stripe webhook events: what Stripe reports about a payment, applied exactly once.

Stripe retries a delivery for up to 3 days, in no particular order, and may deliver
an event twice. The event id goes into ``ProcessedWebhookEvent`` in the same
transaction as the event's effects: a duplicate finds the row and changes nothing,
and a handler that fails rolls the row back with everything else, so Stripe's next
attempt is processed. Handlers only bring our records in line with Stripe; they
never call Stripe. What a booking makes of an event (a cancelled authorisation
expires a booking still waiting) is bookings' business: it is told through
``payments.hooks`` in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from .. import hooks
from ..errors import WebhookEventInvalid
from ..gateways.base import ConnectedAccount
from ..gateways.stripe_gateway import failure_code, major_units
from ..models import Payment, PaymentStatus, ProcessedWebhookEvent
from .payouts import payout_account_updated

P = PaymentStatus


def stripe_event_handle(*, event: dict) -> str:
    """Apply one verified Stripe event (as a dict).

    Returns ``"processed"``, ``"duplicate"`` (this event id was processed before;
    nothing changed) or ``"ignored"`` (a type we do not handle; not recorded).
    Raises ``WebhookEventInvalid`` for an event without an id, a type or an object.
    Any other error rolls back the event's effects and its dedupe row.
    """
    event_id, event_type = event.get("id"), event.get("type")
    if not isinstance(event_id, str) or not event_id or not isinstance(event_type, str):
        raise WebhookEventInvalid(message=gettext("The event has no id or type."))
    handler = HANDLERS.get(event_type)
    if handler is None:
        return "ignored"
    obj = (event.get("data") or {}).get("object")
    if not isinstance(obj, dict) or not isinstance(obj.get("id"), str):
        raise WebhookEventInvalid(message=gettext("The event carries no object."))
    with transaction.atomic():
        _, created = ProcessedWebhookEvent.objects.get_or_create(
            event_id=event_id[:255], defaults={"event_type": event_type[:100]}
        )
        if not created:
            return "duplicate"
        handler(obj)
    return "processed"


def _payment_intent_canceled(intent: dict) -> None:
    """The authorisation is gone (voided, or expired at Stripe): the payment is released, bookings is told.

    The handlers' locks come first (bookings: the listing), then payment and booking
    in one statement shaped like the payment steps' (``services.payments``), so
    neither can wait on the other. The payment is released *before* bookings hears
    of it, so the release step a booking expiry runs afterwards finds nothing to
    void and calls nobody.
    """
    booking_id = Payment.objects.filter(intent_id=intent["id"]).values_list("booking_id", flat=True).first()
    if booking_id is None:
        return
    hooks.payment_event_lock(booking_id=booking_id)
    payment = Payment.objects.select_for_update().select_related("booking").get(booking_id=booking_id)
    previous = payment.status
    if payment.status in (P.AUTHORIZED, P.CREATED):
        payment.status = P.RELEASED
        payment.save(update_fields=["status", "updated_at"])
    hooks.payment_event_dispatch(
        hooks.PaymentEvent(
            kind=hooks.PaymentEventKind.AUTHORIZATION_CANCELLED,
            booking_id=booking_id,
            previous_status=previous,
            status=payment.status,
        )
    )


def _payment_intent_succeeded(intent: dict) -> None:
    """A capture we did not hear back from went through: record it."""
    payment = Payment.objects.select_for_update().filter(intent_id=intent["id"]).first()
    if payment is None or payment.status != P.AUTHORIZED:
        return
    received = major_units(int(intent.get("amount_received") or 0), intent.get("currency") or payment.currency)
    if received >= payment.amount:
        payment.status = P.CAPTURED
    else:
        # A partial capture: what was not captured is never paid (as ``payment_settle`` records it).
        payment.status = P.PARTIALLY_REFUNDED
        payment.amount_refunded = max(payment.amount_refunded, payment.amount - received)
    payment.save(update_fields=["status", "amount_refunded", "updated_at"])


def _charge_refunded(charge: dict) -> None:
    """Money went back to the card (our refund, or one made in Stripe's dashboard).

    Stripe counts the part of a partial capture that was never captured as refunded
    too, which is what ``amount_refunded`` means here. Only ever grows: events may
    arrive out of order. Voided holds are left to ``payment_intent.canceled``.
    """
    intent_id = charge.get("payment_intent")
    if not intent_id or not charge.get("captured"):
        return
    payment = Payment.objects.select_for_update().filter(intent_id=intent_id).first()
    if payment is None or payment.status not in (P.AUTHORIZED, P.CAPTURED, P.PARTIALLY_REFUNDED):
        return
    refunded = min(
        major_units(int(charge.get("amount_refunded") or 0), charge.get("currency") or payment.currency),
        payment.amount,
    )
    if refunded <= payment.amount_refunded:
        return
    payment.amount_refunded = refunded
    payment.status = P.REFUNDED if refunded >= payment.amount else P.PARTIALLY_REFUNDED
    payment.save(update_fields=["status", "amount_refunded", "updated_at"])


def _payment_intent_payment_failed(intent: dict) -> None:
    """An authorisation attempt failed: keep Stripe's reason on the payment."""
    error = intent.get("last_payment_error") or {}
    Payment.objects.filter(intent_id=intent["id"]).update(
        failure_code=failure_code(error.get("code"), error.get("decline_code"))[:60],
        failure_message=(error.get("message") or "")[:300],
        updated_at=timezone.now(),
    )


def _account_updated(account: dict) -> None:
    """A host's connected account changed (Connect): store its flags; send payouts it was waiting for."""
    requirements = account.get("requirements")
    requirements = requirements if isinstance(requirements, dict) else {}
    due = requirements.get("currently_due")
    payout_account_updated(
        remote=ConnectedAccount(
            account_id=account["id"],
            charges_enabled=bool(account.get("charges_enabled")),
            payouts_enabled=bool(account.get("payouts_enabled")),
            details_submitted=bool(account.get("details_submitted")),
            requirements_due=tuple(str(item) for item in due) if isinstance(due, list) else (),
            disabled_reason=str(requirements.get("disabled_reason") or ""),
        )
    )


HANDLERS: dict[str, Callable[[dict], None]] = {
    "account.updated": _account_updated,
    "payment_intent.canceled": _payment_intent_canceled,
    "payment_intent.succeeded": _payment_intent_succeeded,
    "payment_intent.payment_failed": _payment_intent_payment_failed,
    "charge.refunded": _charge_refunded,
}
