"""Stripe webhooks: signed like Stripe signs them, verified, applied once, rolled back on failure."""

import hashlib
import hmac
import json
import threading
import time
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client

from availability.models import CalendarNight
from bookings.models import Booking, BookingEvent, BookingStatus
from bookings.services import payment_events
from payments.gateways.base import breaker
from payments.models import Payment, PaymentStatus, ProcessedWebhookEvent
from payments.services import webhooks as webhook_service
from tests.accounts.factories import UserFactory
from tests.bookings.helpers import book
from tests.listings.factories import ListingFactory
from tests.payments.stripe_server import (
    API_KEY,
    stripe_server_fixture,  # noqa: F401 - provides the stripe_server fixture
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/payments/stripe/webhook/"
SECRET = "whsec_test_local"
D = Decimal
S = BookingStatus
P = PaymentStatus


@pytest.fixture(autouse=True)
def _webhook_secret(settings):
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    breaker.close()


def sign(payload: bytes, *, secret: str = SECRET, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header Stripe sends: ``t=<ts>,v1=<HMAC-SHA256 of "<ts>.<payload>">``."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    return f"t={timestamp},v1={hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()}"


def event(event_type: str, obj: dict, *, event_id: str | None = None) -> bytes:
    return json.dumps(
        {
            "id": event_id or f"evt_{uuid.uuid4().hex[:24]}",
            "object": "event",
            "api_version": "2025-01-27.acacia",
            "created": int(time.time()),
            "livemode": False,
            "pending_webhooks": 1,
            "type": event_type,
            "data": {"object": obj},
        }
    ).encode()


def post(client, payload: bytes, signature: str | None = "sign"):
    headers = {}
    if signature == "sign":
        signature = sign(payload)
    if signature is not None:
        headers["HTTP_STRIPE_SIGNATURE"] = signature
    return client.post(URL, data=payload, content_type="application/json", **headers)


def intent(payment: Payment, status: str, **fields) -> dict:
    return {
        "id": payment.intent_id,
        "object": "payment_intent",
        "amount": int(payment.amount * 100),
        "currency": payment.currency.lower(),
        "status": status,
        "capture_method": "manual",
        **fields,
    }


@pytest.fixture
def guest():
    return UserFactory()


@pytest.fixture
def awaiting(guest):
    """A request-to-book booking waiting for its host, the card authorised (local gateway)."""
    listing = ListingFactory(instant_book=False, base_price=D("80"), cleaning_fee=D("0"))
    booking = book(guest=guest, listing=listing, start=5, nights=2)
    assert booking.status == S.AWAITING_HOST
    return booking


@pytest.fixture
def confirmed(guest):
    listing = ListingFactory(instant_book=True, base_price=D("100"), cleaning_fee=D("50"))
    booking = book(guest=guest, listing=listing, start=20, nights=2)
    assert Payment.objects.get(booking=booking).status == P.CAPTURED
    return booking


def taken(booking) -> int:
    return CalendarNight.objects.filter(booking=booking, status__in=["held", "booked"]).count()


# --- verification -----------------------------------------------------------------


def test_signed_event_is_processed_and_recorded(client, awaiting):
    payment = Payment.objects.get(booking=awaiting)
    payload = event("payment_intent.succeeded", intent(payment, "succeeded", amount_received=int(payment.amount * 100)))
    response = post(client, payload)
    assert response.status_code == 200
    assert response.json() == {"status": "processed"}
    payment.refresh_from_db()
    assert payment.status == P.CAPTURED
    assert ProcessedWebhookEvent.objects.get().event_type == "payment_intent.succeeded"


def test_bad_signature_is_refused_and_changes_nothing(client, awaiting):
    payment = Payment.objects.get(booking=awaiting)
    payload = event("payment_intent.canceled", intent(payment, "canceled"))
    response = post(client, payload, signature=sign(payload, secret="whsec_someone_else"))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "signature_invalid"
    awaiting.refresh_from_db()
    assert awaiting.status == S.AWAITING_HOST
    assert Payment.objects.get(booking=awaiting).status == P.AUTHORIZED
    assert not ProcessedWebhookEvent.objects.exists()


def test_payload_changed_after_signing_is_refused(client, awaiting):
    payment = Payment.objects.get(booking=awaiting)
    payload = event("payment_intent.canceled", intent(payment, "canceled"))
    response = post(client, payload.replace(b'"livemode": false', b'"livemode": true'), signature=sign(payload))
    assert response.status_code == 400
    assert Booking.objects.get(pk=awaiting.pk).status == S.AWAITING_HOST


def test_missing_signature_header_is_refused(client):
    response = post(client, event("payment_intent.canceled", {"id": "pi_x"}), signature=None)
    assert response.status_code == 400
    assert response.json() == {
        "error": {"code": "signature_missing", "message": "The Stripe-Signature header is missing."}
    }


def test_stale_timestamp_is_refused(client):
    payload = event("payment_intent.canceled", {"id": "pi_x"})
    response = post(client, payload, signature=sign(payload, timestamp=int(time.time()) - 301))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "signature_invalid"
    # Within the 300 s tolerance it is accepted.
    assert post(client, payload, signature=sign(payload, timestamp=int(time.time()) - 200)).status_code == 200


def test_malformed_json_is_refused_even_when_signed(client):
    for payload in (b'{"id": "evt_1", "type": ', b"[1, 2]", b'"evt"', b"\xff\xfe"):
        response = post(client, payload)
        assert response.status_code == 400, payload
        assert response.json()["error"]["code"] == "payload_invalid"


def test_event_without_id_or_object_is_refused(client):
    assert post(client, json.dumps({"type": "charge.refunded"}).encode()).status_code == 400
    no_object = json.dumps({"id": "evt_1", "type": "charge.refunded", "data": {}}).encode()
    assert post(client, no_object).json()["error"]["code"] == "payload_invalid"
    assert not ProcessedWebhookEvent.objects.exists()


def test_unconfigured_secret_answers_503_so_stripe_retries(client, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    response = post(client, event("payment_intent.canceled", {"id": "pi_x"}))
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "webhooks_not_configured"


def test_only_post_is_allowed_and_no_csrf_token_is_needed(awaiting):
    client = Client(enforce_csrf_checks=True)
    assert client.get(URL).status_code == 405
    payment = Payment.objects.get(booking=awaiting)
    assert (
        post(client, event("payment_intent.payment_failed", intent(payment, "requires_payment_method"))).status_code
        == 200
    )


def test_unknown_event_type_is_ignored(client):
    response = post(client, event("customer.created", {"id": "cus_1", "object": "customer"}))
    assert response.status_code == 200
    assert response.json() == {"status": "ignored"}
    assert not ProcessedWebhookEvent.objects.exists()


# --- exactly once -------------------------------------------------------------------


def test_replayed_event_is_processed_once(client, awaiting):
    payment = Payment.objects.get(booking=awaiting)
    payload = event("payment_intent.canceled", intent(payment, "canceled"), event_id="evt_replayed")
    assert post(client, payload).json() == {"status": "processed"}
    # Stripe retries the delivery (a new signature, the same event).
    second = post(client, payload, signature=sign(payload, timestamp=int(time.time()) + 1))
    assert second.status_code == 200
    assert second.json() == {"status": "duplicate"}
    assert ProcessedWebhookEvent.objects.filter(event_id="evt_replayed").count() == 1
    assert BookingEvent.objects.filter(booking=awaiting, to_status=S.EXPIRED).count() == 1


def test_handler_failure_rolls_back_the_dedupe_row_so_the_retry_is_processed(client, awaiting, monkeypatch):
    payment = Payment.objects.get(booking=awaiting)
    payload = event("payment_intent.canceled", intent(payment, "canceled"), event_id="evt_flaky")

    def expire_fails(**kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(payment_events, "booking_expire", expire_fails)  # bookings' handler of the event
    failing = Client(raise_request_exception=False)
    response = post(failing, payload)
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"
    assert not ProcessedWebhookEvent.objects.filter(event_id="evt_flaky").exists()
    assert Payment.objects.get(pk=payment.pk).status == P.AUTHORIZED  # set before the failure, rolled back
    assert Booking.objects.get(pk=awaiting.pk).status == S.AWAITING_HOST

    monkeypatch.undo()
    assert post(client, payload).json() == {"status": "processed"}
    assert Booking.objects.get(pk=awaiting.pk).status == S.EXPIRED
    assert ProcessedWebhookEvent.objects.filter(event_id="evt_flaky").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_of_one_event_apply_it_once(monkeypatch):
    """Two deliveries at once: the second waits on the unique event id, then sees a duplicate."""
    applied = []

    def slow_handler(obj):
        applied.append(obj["id"])
        time.sleep(0.3)  # keep the first transaction open while the second delivery arrives

    monkeypatch.setitem(webhook_service.HANDLERS, "payment_intent.succeeded", slow_handler)
    stripe_event = {"id": "evt_race", "type": "payment_intent.succeeded", "data": {"object": {"id": "pi_race"}}}
    barrier = threading.Barrier(2)
    results = []

    def deliver():
        try:
            barrier.wait()
            results.append(webhook_service.stripe_event_handle(event=stripe_event))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert sorted(results) == ["duplicate", "processed"]
    assert applied == ["pi_race"]
    assert ProcessedWebhookEvent.objects.filter(event_id="evt_race").count() == 1


# --- what each event does ----------------------------------------------------------


def test_cancelled_authorisation_expires_the_request_frees_nights_and_calls_nobody(
    client, settings, guest, stripe_server
):
    """Stripe voided the hold (it lapsed): expire the request without asking Stripe to cancel again."""
    settings.PAYMENT_GATEWAY = "payments.gateways.stripe_gateway.StripeGateway"
    settings.STRIPE_SECRET_KEY = API_KEY
    settings.STRIPE_API_BASE = stripe_server.url
    listing = ListingFactory(instant_book=False, base_price=D("80"), cleaning_fee=D("0"))
    booking = book(guest=guest, listing=listing, start=5, nights=2)
    payment = Payment.objects.get(booking=booking)
    assert taken(booking) == 2
    stripe_server.stripe.intents[payment.intent_id]["status"] = "canceled"
    sent_before = len(stripe_server.stripe.requests)

    payload = event("payment_intent.canceled", intent(payment, "canceled", cancellation_reason="automatic"))
    assert post(client, payload).json() == {"status": "processed"}
    booking.refresh_from_db()
    payment.refresh_from_db()
    assert booking.status == S.EXPIRED
    assert booking.events.last().reason == "card authorisation was cancelled"
    assert payment.status == P.RELEASED
    assert taken(booking) == 0
    assert len(stripe_server.stripe.requests) == sent_before


def test_cancelled_authorisation_of_a_confirmed_booking_only_records_the_release(client, confirmed, caplog):
    payment = Payment.objects.get(booking=confirmed)
    Payment.objects.filter(pk=payment.pk).update(status=P.AUTHORIZED)  # the capture never went through
    assert post(client, event("payment_intent.canceled", intent(payment, "canceled"))).status_code == 200
    confirmed.refresh_from_db()
    assert confirmed.status == S.CONFIRMED
    assert Payment.objects.get(pk=payment.pk).status == P.RELEASED
    assert "authorisation was cancelled" in caplog.text


def test_event_for_an_intent_we_do_not_know_changes_nothing(client, awaiting):
    payload = event("payment_intent.canceled", {"id": "pi_someone_else", "object": "payment_intent"})
    assert post(client, payload).json() == {"status": "processed"}
    assert Booking.objects.get(pk=awaiting.pk).status == S.AWAITING_HOST


def test_succeeded_with_a_partial_capture_records_what_was_not_captured(client, awaiting):
    payment = Payment.objects.get(booking=awaiting)
    received = int(payment.amount * 100) - 4000
    post(client, event("payment_intent.succeeded", intent(payment, "succeeded", amount_received=received)))
    payment.refresh_from_db()
    assert (payment.status, payment.amount_refunded) == (P.PARTIALLY_REFUNDED, D("40.00"))


def test_charge_refunded_records_the_amount_in_major_units_and_never_goes_back(client, confirmed):
    payment = Payment.objects.get(booking=confirmed)

    def charge(refunded: int) -> dict:
        return {
            "id": "ch_1",
            "object": "charge",
            "amount": int(payment.amount * 100),
            "amount_captured": int(payment.amount * 100),
            "amount_refunded": refunded,
            "captured": True,
            "currency": "eur",
            "payment_intent": payment.intent_id,
        }

    post(client, event("charge.refunded", charge(5025)))
    payment.refresh_from_db()
    assert (payment.status, payment.amount_refunded) == (P.PARTIALLY_REFUNDED, D("50.25"))
    post(client, event("charge.refunded", charge(1000)))  # an older event arriving late
    payment.refresh_from_db()
    assert payment.amount_refunded == D("50.25")
    post(client, event("charge.refunded", charge(int(payment.amount * 100))))
    payment.refresh_from_db()
    assert (payment.status, payment.amount_refunded) == (P.REFUNDED, payment.amount)


def test_charge_refunded_in_a_zero_decimal_currency(client, confirmed):
    payment = Payment.objects.get(booking=confirmed)
    Payment.objects.filter(pk=payment.pk).update(currency="JPY", amount=D("30000"))
    charge = {
        "id": "ch_1",
        "object": "charge",
        "amount_refunded": 12000,
        "captured": True,
        "currency": "jpy",
        "payment_intent": payment.intent_id,
    }
    post(client, event("charge.refunded", charge))
    assert Payment.objects.get(pk=payment.pk).amount_refunded == D("12000")


def test_payment_failed_records_stripes_reason(client, awaiting):
    payment = Payment.objects.get(booking=awaiting)
    failed = intent(
        payment,
        "requires_payment_method",
        last_payment_error={
            "type": "card_error",
            "code": "card_declined",
            "decline_code": "insufficient_funds",
            "message": "Your card has insufficient funds.",
        },
    )
    post(client, event("payment_intent.payment_failed", failed))
    payment.refresh_from_db()
    assert (payment.failure_code, payment.failure_message) == (
        "insufficient_funds",
        "Your card has insufficient funds.",
    )
