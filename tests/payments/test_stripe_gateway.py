"""The real ``StripeGateway`` (and the booking saga on top of it) against a local Stripe.

The SDK speaks HTTP to ``tests.payments.stripe_server``, which implements Stripe's
wire format and idempotency semantics, so these tests check what the adapter sends
(minor units, manual capture, the saga's idempotency keys, the secret key) and how
it reads Stripe's answers and failures.
"""

import datetime as dt
import time
from decimal import Decimal

import pytest
from django.utils import timezone

from availability.models import CalendarNight
from bookings.models import Booking, BookingStatus
from bookings.services import booking as svc
from payments.gateways.base import (
    AlreadyCaptured,
    CardDeclined,
    GatewayUnavailable,
    PaymentError,
    get_gateway,
)
from payments.gateways.stripe_gateway import StripeGateway
from payments.models import Payment, PaymentStatus
from tests.accounts.factories import UserFactory
from tests.bookings.helpers import DECLINED, NO_FUNDS, PROCESSING_ERROR, VISA, book
from tests.listings.factories import ListingFactory
from tests.payments.stripe_server import (
    API_KEY,
    stripe_server_fixture,  # noqa: F401 - provides the stripe_server fixture
)

pytestmark = pytest.mark.django_db
D = Decimal
S = BookingStatus
EUR_TOTAL = D("246.40")


@pytest.fixture(autouse=True)
def stripe_settings(settings, stripe_server):
    settings.PAYMENT_GATEWAY = "payments.gateways.stripe_gateway.StripeGateway"
    settings.STRIPE_SECRET_KEY = API_KEY
    settings.STRIPE_API_BASE = stripe_server.url
    settings.PAYMENTS_TIMEOUT_SECONDS = 2.0
    return settings


@pytest.fixture
def fake(stripe_server):
    return stripe_server.stripe


@pytest.fixture
def gateway():
    return get_gateway()


def authorized_intent(gateway, *, amount=EUR_TOTAL, currency="EUR", key="booking-1") -> str:
    intent_id = gateway.create_intent(
        amount=amount, currency=currency, idempotency_key=f"{key}-intent", metadata={"booking": 1}
    )
    gateway.authorize(intent_id=intent_id, payment_method=VISA, idempotency_key=f"{key}-authorize")
    return intent_id


# --- the adapter on its own --------------------------------------------------------


def test_create_authorize_capture_with_manual_capture_in_minor_units(gateway, fake):
    intent_id = gateway.create_intent(
        amount=EUR_TOTAL, currency="EUR", idempotency_key="booking-7-intent", metadata={"booking": 7, "guest": 3}
    )
    authorization = gateway.authorize(intent_id=intent_id, payment_method=VISA, idempotency_key="booking-7-authorize")
    gateway.capture(intent_id=intent_id, amount=None, currency="EUR", idempotency_key="booking-7-capture")

    create, confirm, capture = fake.requests
    assert create.path == "/v1/payment_intents"
    assert create.params == {
        "amount": "24640",
        "currency": "eur",
        "capture_method": "manual",
        "payment_method_types": ["card"],
        "metadata": {"booking": "7", "guest": "3"},
    }
    assert confirm.path == f"/v1/payment_intents/{intent_id}/confirm"
    assert confirm.params["payment_method"] == VISA
    assert capture.path == f"/v1/payment_intents/{intent_id}/capture"
    assert capture.params == {}  # capture everything that was authorised
    assert [r.idempotency_key for r in fake.requests] == [
        "booking-7-intent",
        "booking-7-authorize",
        "booking-7-capture",
    ]
    assert {r.authorization for r in fake.requests} == {f"Bearer {API_KEY}"}
    assert [r.status for r in fake.requests] == [200, 200, 200]

    intent = fake.intents[intent_id]
    assert (intent["status"], intent["amount_received"], intent["amount_capturable"]) == ("succeeded", 24640, 0)
    # capture_before comes from the expanded charge: a customer-initiated hold lasts 7 days.
    assert authorization.intent_id == intent_id
    week = timezone.now() + dt.timedelta(days=7)
    assert week - dt.timedelta(minutes=1) < authorization.capture_before <= week + dt.timedelta(minutes=1)


def test_zero_decimal_currency_is_sent_in_whole_units(gateway, fake):
    intent_id = authorized_intent(gateway, amount=D("12345"), currency="JPY")
    gateway.capture(intent_id=intent_id, amount=D("10000"), currency="JPY", idempotency_key="booking-1-capture")
    assert fake.requests[0].params["amount"] == "12345"
    assert fake.requests[0].params["currency"] == "jpy"
    assert fake.requests[-1].params == {"amount_to_capture": "10000"}
    assert fake.intents[intent_id]["amount_received"] == 10000


def test_declined_card_raises_card_declined_and_holds_nothing(gateway, fake):
    intent_id = gateway.create_intent(amount=D("50"), currency="EUR", idempotency_key="k-intent", metadata={})
    with pytest.raises(CardDeclined) as exc_info:
        gateway.authorize(intent_id=intent_id, payment_method=DECLINED, idempotency_key="k-authorize")
    assert exc_info.value.code == "card_declined"
    assert exc_info.value.message == "Your card was declined."
    assert fake.requests[-1].status == 402
    assert fake.intents[intent_id]["status"] == "requires_payment_method"
    assert fake.intents[intent_id]["amount_capturable"] == 0


def test_insufficient_funds_reports_the_decline_code(gateway, fake):
    intent_id = gateway.create_intent(amount=D("50"), currency="EUR", idempotency_key="k-intent", metadata={})
    with pytest.raises(CardDeclined) as exc_info:
        gateway.authorize(intent_id=intent_id, payment_method=NO_FUNDS, idempotency_key="k-authorize")
    assert exc_info.value.code == "insufficient_funds"
    assert exc_info.value.message == "Your card has insufficient funds."


def test_processing_error_is_transient_like_the_local_gateway(gateway):
    intent_id = gateway.create_intent(amount=D("50"), currency="EUR", idempotency_key="k-intent", metadata={})
    with pytest.raises(GatewayUnavailable) as exc_info:
        gateway.authorize(intent_id=intent_id, payment_method=PROCESSING_ERROR, idempotency_key="k-authorize")
    assert exc_info.value.code == "processing_error"


def test_unknown_payment_method_is_a_decline_not_an_outage(gateway):
    intent_id = gateway.create_intent(amount=D("50"), currency="EUR", idempotency_key="k-intent", metadata={})
    with pytest.raises(CardDeclined) as exc_info:
        gateway.authorize(intent_id=intent_id, payment_method="pm_nonsense", idempotency_key="k-authorize")
    assert exc_info.value.code == "invalid_payment_method"


def test_server_error_is_gateway_unavailable(gateway, fake):
    fake.fail_next(1)
    with pytest.raises(GatewayUnavailable) as exc_info:
        gateway.create_intent(amount=D("50"), currency="EUR", idempotency_key="k-intent", metadata={})
    assert exc_info.value.code == "gateway_error" and exc_info.value.transient
    assert len(fake.requests) == 1  # the SDK does not retry on its own: the saga does
    assert fake.intents == {}


def test_a_500_from_inside_stripe_is_replayed_to_a_retry_with_the_same_key(gateway, fake):
    """Stripe stores 500s under the key too: a retry with the same key fails the same way."""
    fake.fail_next(1, stored=True)
    for _ in range(2):
        with pytest.raises(GatewayUnavailable):
            gateway.create_intent(amount=D("50"), currency="EUR", idempotency_key="k-intent", metadata={})
    assert [(r.status, r.replayed) for r in fake.requests] == [(500, False), (500, True)]
    assert fake.intents == {}


def test_a_500_in_front_of_the_api_is_not_stored_and_the_retry_creates_one_intent(gateway, fake):
    fake.fail_next(1, stored=False)
    with pytest.raises(GatewayUnavailable):
        gateway.create_intent(amount=D("50"), currency="EUR", idempotency_key="k-intent", metadata={})
    intent_id = gateway.create_intent(amount=D("50"), currency="EUR", idempotency_key="k-intent", metadata={})
    assert list(fake.intents) == [intent_id]


def test_timeout_is_gateway_unavailable_quickly_and_the_retry_gets_the_same_intent(settings, fake):
    settings.PAYMENTS_TIMEOUT_SECONDS = 0.3
    gateway = get_gateway()
    fake.hang_next(1, seconds=5)
    started = time.monotonic()
    with pytest.raises(GatewayUnavailable) as exc_info:
        gateway.create_intent(amount=D("50"), currency="EUR", idempotency_key="k-intent", metadata={})
    assert time.monotonic() - started < 2
    assert exc_info.value.code == "gateway_unavailable"
    # Stripe created the intent; only the answer was lost. The retry must not create another.
    assert len(fake.intents) == 1
    intent_id = gateway.create_intent(amount=D("50"), currency="EUR", idempotency_key="k-intent", metadata={})
    assert list(fake.intents) == [intent_id]
    assert fake.requests[-1].replayed


def test_partial_capture_and_refunds_send_the_right_amounts(gateway, fake):
    intent_id = authorized_intent(gateway)
    gateway.capture(intent_id=intent_id, amount=D("146.40"), currency="EUR", idempotency_key="booking-1-capture")
    refund_id = gateway.refund(
        intent_id=intent_id, amount=D("30.00"), currency="EUR", idempotency_key="booking-1-refund-30.00"
    )
    assert fake.requests_to("/capture")[0].params == {"amount_to_capture": "14640"}
    assert fake.requests_to("/v1/refunds")[0].params == {"payment_intent": intent_id, "amount": "3000"}
    assert fake.refunds[refund_id]["amount"] == 3000
    charge = fake.charges[fake.intents[intent_id]["latest_charge"]]
    assert charge["amount_captured"] == 14640
    assert charge["amount_refunded"] == 10000 + 3000  # the uncaptured part counts as refunded, as at Stripe

    # Only 116.40 is left to refund; Stripe refuses more (a final error, not an outage).
    with pytest.raises(PaymentError) as exc_info:
        gateway.refund(intent_id=intent_id, amount=D("116.41"), currency="EUR", idempotency_key="booking-1-refund-x")
    assert exc_info.value.code == "amount_too_large" and not exc_info.value.transient
    assert fake.requests[-1].status == 400
    assert len(fake.refunds) == 1


def test_retrying_a_refund_with_its_key_does_not_refund_twice(gateway, fake):
    intent_id = authorized_intent(gateway)
    gateway.capture(intent_id=intent_id, amount=None, currency="EUR", idempotency_key="booking-1-capture")
    first = gateway.refund(intent_id=intent_id, amount=D("100"), currency="EUR", idempotency_key="booking-1-refund-100")
    again = gateway.refund(intent_id=intent_id, amount=D("100"), currency="EUR", idempotency_key="booking-1-refund-100")
    assert first == again
    assert len(fake.refunds) == 1
    assert fake.charges[fake.intents[intent_id]["latest_charge"]]["amount_refunded"] == 10000
    assert [r.replayed for r in fake.requests_to("/v1/refunds")] == [False, True]


def test_reusing_a_key_with_other_parameters_is_refused(gateway, fake):
    intent_id = authorized_intent(gateway)
    gateway.capture(intent_id=intent_id, amount=None, currency="EUR", idempotency_key="booking-1-capture")
    gateway.refund(intent_id=intent_id, amount=D("100"), currency="EUR", idempotency_key="booking-1-refund")
    with pytest.raises(PaymentError) as exc_info:
        gateway.refund(intent_id=intent_id, amount=D("50"), currency="EUR", idempotency_key="booking-1-refund")
    assert exc_info.value.code == "idempotency_error" and not exc_info.value.transient
    assert len(fake.refunds) == 1


def test_cancel_releases_the_hold_and_a_captured_intent_cannot_be_cancelled(gateway, fake):
    held = authorized_intent(gateway, key="booking-1")
    gateway.cancel(intent_id=held, idempotency_key="booking-1-cancel")
    assert fake.intents[held]["status"] == "canceled"
    assert fake.requests[-1].params == {}

    captured = authorized_intent(gateway, key="booking-2")
    gateway.capture(intent_id=captured, amount=None, currency="EUR", idempotency_key="booking-2-capture")
    with pytest.raises(AlreadyCaptured) as exc_info:
        gateway.cancel(intent_id=captured, idempotency_key="booking-2-cancel")
    assert exc_info.value.code == "already_captured"


def test_cancelling_an_intent_stripe_already_cancelled_succeeds(gateway, fake):
    """The hold lapsed at Stripe (or an earlier void went through unheard): nothing left to retry."""
    intent_id = authorized_intent(gateway)
    fake.intents[intent_id]["status"] = "canceled"
    gateway.cancel(intent_id=intent_id, idempotency_key="booking-1-cancel")
    assert fake.requests[-1].status == 400
    # Any other refusal still raises.
    with pytest.raises(PaymentError):
        gateway.cancel(intent_id="pi_missing", idempotency_key="booking-2-cancel")


def test_the_secret_key_is_sent_and_a_wrong_one_is_refused(settings, fake):
    settings.STRIPE_SECRET_KEY = "sk_test_wrong"
    with pytest.raises(PaymentError) as exc_info:
        StripeGateway().create_intent(amount=D("50"), currency="EUR", idempotency_key="k", metadata={})
    assert not exc_info.value.transient
    assert fake.requests[0].authorization == "Bearer sk_test_wrong"
    assert fake.requests[0].status == 401
    assert fake.intents == {}


# --- Connect: payout accounts and transfers --------------------------------------------


def test_connect_account_is_created_once_per_key_and_reports_its_onboarding(gateway, fake):
    created = gateway.create_account(
        email="host@example.com", idempotency_key="host-9-payout-account", metadata={"host_id": 9}
    )
    again = gateway.create_account(
        email="host@example.com", idempotency_key="host-9-payout-account", metadata={"host_id": 9}
    )
    assert again.account_id == created.account_id and list(fake.accounts) == [created.account_id]
    first, retry = fake.requests_to("/v1/accounts")
    assert (first.idempotency_key, retry.replayed) == ("host-9-payout-account", True)
    assert first.params == {
        "type": "express",
        "email": "host@example.com",
        "capabilities": {"transfers": {"requested": "true"}},
        "metadata": {"host_id": "9"},
    }
    assert not (created.details_submitted or created.payouts_enabled or created.charges_enabled)
    assert "external_account" in created.requirements_due
    assert created.disabled_reason == "requirements.past_due"

    link = gateway.create_account_link(
        account_id=created.account_id, refresh_url="https://example.com/r", return_url="https://example.com/b"
    )
    request = fake.requests_to("/v1/account_links")[0]
    assert request.params == {
        "account": created.account_id,
        "refresh_url": "https://example.com/r",
        "return_url": "https://example.com/b",
        "type": "account_onboarding",
    }
    assert link.url == fake.account_links[0]["url"]
    # Asking again (an expired link) gives a new link: no key of ours, the SDK's random one.
    second = gateway.create_account_link(
        account_id=created.account_id, refresh_url="https://example.com/r", return_url="https://example.com/b"
    )
    keys = [r.idempotency_key for r in fake.requests_to("/v1/account_links")]
    assert second.url != link.url and len(set(keys)) == 2 and "host-9-payout-account" not in keys
    assert timezone.now() < link.expires_at <= timezone.now() + dt.timedelta(minutes=5)

    fake.complete_onboarding(created.account_id)
    enabled = gateway.retrieve_account(account_id=created.account_id)
    assert enabled.details_submitted and enabled.payouts_enabled and enabled.requirements_due == ()
    fake.restrict_account(created.account_id, due="individual.verification.document")
    restricted = gateway.retrieve_account(account_id=created.account_id)
    assert not restricted.payouts_enabled and restricted.requirements_due == ("individual.verification.document",)


def test_unknown_connect_account_is_a_permanent_error(gateway):
    with pytest.raises(PaymentError) as exc_info:
        gateway.retrieve_account(account_id="acct_nope")
    assert exc_info.value.code == "resource_missing" and not exc_info.value.transient


def ready_account(gateway, fake) -> str:
    account = gateway.create_account(email="h@example.com", idempotency_key="host-1-payout-account", metadata={})
    fake.complete_onboarding(account.account_id)
    return account.account_id


def test_transfer_in_minor_units_with_its_key_and_a_retry_is_answered_by_the_same_transfer(gateway, fake):
    destination = ready_account(gateway, fake)
    args = {
        "amount": D("242.50"),
        "currency": "EUR",
        "destination": destination,
        "idempotency_key": "payout-12",
        "transfer_group": "AB12CD34",
        "metadata": {"payout_id": 12, "booking_id": 40},
    }
    transfer_id = gateway.transfer(**args)
    assert gateway.transfer(**args) == transfer_id
    first, retry = fake.requests_to("/v1/transfers")
    assert first.params == {
        "amount": "24250",
        "currency": "eur",
        "destination": destination,
        "transfer_group": "AB12CD34",
        "metadata": {"payout_id": "12", "booking_id": "40"},
    }
    assert first.idempotency_key == retry.idempotency_key == "payout-12"
    assert retry.replayed and list(fake.transfers) == [transfer_id]
    assert fake.transfers[transfer_id]["destination"] == destination

    yen = gateway.transfer(**{**args, "amount": D("12000"), "currency": "JPY", "idempotency_key": "payout-13"})
    assert fake.transfers[yen]["amount"] == 12000 and fake.transfers[yen]["currency"] == "jpy"


def test_lost_transfer_answer_is_transient_and_the_retry_pays_once(settings, fake):
    settings.PAYMENTS_TIMEOUT_SECONDS = 0.3
    gateway = get_gateway()
    destination = ready_account(gateway, fake)
    args = {
        "amount": D("80"),
        "currency": "EUR",
        "destination": destination,
        "idempotency_key": "payout-5",
        "transfer_group": "X",
        "metadata": {},
    }
    fake.hang_next(1, seconds=5, on="/v1/transfers")
    started = time.monotonic()
    with pytest.raises(GatewayUnavailable):
        gateway.transfer(**args)
    assert time.monotonic() - started < 2
    assert len(fake.transfers) == 1  # made, but we never heard
    assert gateway.transfer(**args) == next(iter(fake.transfers))
    assert len(fake.transfers) == 1 and fake.requests_to("/v1/transfers")[-1].replayed


def test_transfer_refusals_are_permanent_and_a_500_is_transient(gateway, fake):
    destination = ready_account(gateway, fake)
    args = {
        "amount": D("80"),
        "currency": "EUR",
        "destination": destination,
        "transfer_group": "X",
        "metadata": {},
    }
    with pytest.raises(PaymentError) as unknown:
        gateway.transfer(**{**args, "destination": "acct_missing"}, idempotency_key="payout-1")
    assert unknown.value.code == "resource_missing" and not unknown.value.transient

    fake.restrict_account(destination)
    with pytest.raises(PaymentError) as restricted:
        gateway.transfer(**args, idempotency_key="payout-2")
    assert restricted.value.code == "insufficient_capabilities_for_transfer" and not restricted.value.transient

    fake.complete_onboarding(destination)
    fake.platform_balance = {"eur": 5000}
    with pytest.raises(PaymentError) as broke:
        gateway.transfer(**args, idempotency_key="payout-3")
    assert broke.value.code == "balance_insufficient" and not broke.value.transient

    fake.platform_balance = None
    fake.fail_next(1, on="/v1/transfers")
    with pytest.raises(GatewayUnavailable):
        gateway.transfer(**args, idempotency_key="payout-4")
    assert fake.transfers == {}


def test_reusing_a_transfer_key_with_another_amount_is_refused(gateway, fake):
    destination = ready_account(gateway, fake)
    args = {"currency": "EUR", "destination": destination, "transfer_group": "X", "metadata": {}}
    gateway.transfer(amount=D("80"), idempotency_key="payout-7", **args)
    with pytest.raises(PaymentError) as exc_info:
        gateway.transfer(amount=D("81"), idempotency_key="payout-7", **args)
    assert exc_info.value.code == "idempotency_error" and len(fake.transfers) == 1


# --- the booking saga on Stripe ------------------------------------------------------


@pytest.fixture
def guest():
    return UserFactory()


@pytest.fixture
def instant():
    return ListingFactory(
        instant_book=True, base_price=D("100"), cleaning_fee=D("50"), max_guests=4, cancellation_policy="moderate"
    )


def minor(amount: Decimal) -> int:
    return int(amount * 100)


def taken(listing) -> list[dt.date]:
    return list(
        CalendarNight.objects.filter(listing=listing, status__in=["held", "booked", "blocked"]).values_list(
            "date", flat=True
        )
    )


def test_instant_book_captures_on_stripe_and_guest_cancellation_refunds(guest, instant, fake):
    booking = book(guest=guest, listing=instant, start=2, nights=3)
    booking.refresh_from_db()
    payment = Payment.objects.get(booking=booking)
    assert booking.status == S.CONFIRMED
    assert payment.gateway == "stripe" and payment.status == PaymentStatus.CAPTURED
    assert payment.capture_before is not None
    intent = fake.intents[payment.intent_id]
    assert (intent["status"], intent["amount"], intent["amount_received"]) == (
        "succeeded",
        minor(booking.total),
        minor(booking.total),
    )
    assert intent["metadata"] == {"booking": str(booking.pk), "listing": str(instant.pk), "guest": str(guest.pk)}
    assert [r.idempotency_key for r in fake.requests] == [
        f"booking-{booking.pk}-intent",
        f"booking-{booking.pk}-authorize",
        f"booking-{booking.pk}-capture",
    ]

    # Two days before check-in under "moderate": half the nights and the cleaning fee come back.
    svc.booking_cancel_by_guest(booking_id=booking.pk, guest=guest)
    booking.refresh_from_db()
    payment.refresh_from_db()
    assert D("0") < booking.refund_amount < booking.total
    (refund,) = fake.refunds.values()
    assert refund["amount"] == minor(booking.refund_amount)
    assert refund["payment_intent"] == payment.intent_id
    assert fake.requests[-1].idempotency_key == f"booking-{booking.pk}-refund-{booking.refund_amount}"
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED
    assert payment.amount_refunded == booking.refund_amount
    assert taken(instant) == []


def test_request_to_book_holds_until_the_host_declines_then_voids_on_stripe(guest, fake):
    listing = ListingFactory(instant_book=False, base_price=D("80"), cleaning_fee=D("0"))
    booking = book(guest=guest, listing=listing, start=5, nights=2)
    payment = Payment.objects.get(booking=booking)
    assert booking.status == S.AWAITING_HOST
    assert payment.status == PaymentStatus.AUTHORIZED
    assert fake.intents[payment.intent_id]["status"] == "requires_capture"
    # The request lapses at the latest 24 h from now, well before the 7-day hold does.
    assert booking.expires_at <= timezone.now() + dt.timedelta(hours=24)

    svc.booking_decline(booking_id=booking.pk, host=listing.host)
    assert fake.intents[payment.intent_id]["status"] == "canceled"
    assert fake.requests[-1].idempotency_key == f"booking-{booking.pk}-cancel"
    assert Payment.objects.get(booking=booking).status == PaymentStatus.RELEASED


def test_declined_card_leaves_the_dates_free(guest, instant, fake):
    with pytest.raises(svc.PaymentDeclined) as exc_info:
        book(guest=guest, listing=instant, start=10, nights=2, card=DECLINED)
    assert exc_info.value.code == "card_declined"
    failed = Booking.objects.get(guest=guest)
    assert failed.status == S.PAYMENT_FAILED
    assert Payment.objects.get(booking=failed).status == PaymentStatus.FAILED
    assert taken(instant) == []
    # The same dates can be booked at once with another card.
    assert book(guest=guest, listing=instant, start=10, nights=2).status == S.CONFIRMED


def test_outage_during_authorisation_frees_the_dates_and_voids_the_intent(guest, instant, fake):
    fake.fail_next(1, on="/confirm")
    with pytest.raises(svc.PaymentsUnavailable):
        book(guest=guest, listing=instant, start=10, nights=2)
    booking = Booking.objects.get(guest=guest)
    assert booking.status == S.PAYMENT_FAILED
    assert taken(instant) == []
    payment = Payment.objects.get(booking=booking)
    assert payment.status == PaymentStatus.RELEASED
    assert fake.intents[payment.intent_id]["status"] == "canceled"


def test_hold_placed_by_a_lost_answer_is_voided(settings, guest, instant, fake):
    """The card was authorised but the answer timed out: the compensation cancels the hold."""
    settings.PAYMENTS_TIMEOUT_SECONDS = 0.3
    fake.hang_next(1, seconds=5, on="/confirm")
    with pytest.raises(svc.PaymentsUnavailable):
        book(guest=guest, listing=instant, start=10, nights=2)
    payment = Payment.objects.get(booking__guest=guest)
    assert fake.requests_to("/confirm")[0].status == 200  # Stripe did authorise
    assert fake.intents[payment.intent_id]["status"] == "canceled"
    assert fake.requests[-1].idempotency_key == f"booking-{payment.booking_id}-cancel"
    assert payment.status == PaymentStatus.RELEASED
    assert taken(instant) == []


def test_lost_refund_answer_is_retried_with_the_same_key_and_refunds_once(
    settings, guest, instant, fake, django_capture_on_commit_callbacks
):
    booking = book(guest=guest, listing=instant, start=20, nights=2)
    settings.PAYMENTS_TIMEOUT_SECONDS = 0.3
    fake.hang_next(1, seconds=5, on="/v1/refunds")
    # The inline attempt times out; the background task (eager here) runs on commit.
    with django_capture_on_commit_callbacks(execute=True):
        svc.booking_cancel_by_guest(booking_id=booking.pk, guest=guest)
    booking.refresh_from_db()
    refunds = fake.requests_to("/v1/refunds")
    assert len(refunds) == 2
    assert refunds[0].idempotency_key == refunds[1].idempotency_key == f"booking-{booking.pk}-refund-{booking.total}"
    assert refunds[1].replayed
    (refund,) = fake.refunds.values()
    assert refund["amount"] == minor(booking.total)  # more than 5 days ahead: everything back
    payment = Payment.objects.get(booking=booking)
    assert (payment.status, payment.amount_refunded) == (PaymentStatus.REFUNDED, booking.total)


def test_lost_capture_answer_then_guest_cancels_refunds_instead_of_getting_stuck(settings, guest, instant, fake):
    """Stripe captured, but our answer was lost: the payment still says authorised.

    A later cancellation must notice the capture at Stripe and refund, not retry a
    partial capture or a void that Stripe refuses forever.
    """
    settings.PAYMENTS_TIMEOUT_SECONDS = 0.3
    fake.hang_next(1, seconds=5, on="/capture")
    booking = book(guest=guest, listing=instant, start=2, nights=4)  # moderate policy: partial refund
    payment = Payment.objects.get(booking=booking)
    assert payment.status == PaymentStatus.AUTHORIZED  # our side never heard the answer
    assert fake.intents[payment.intent_id]["status"] == "succeeded"  # Stripe did capture

    svc.booking_cancel_by_guest(booking_id=booking.pk, guest=guest)
    booking.refresh_from_db()
    payment.refresh_from_db()
    assert Decimal(0) < booking.refund_amount < booking.total
    assert (payment.status, payment.amount_refunded) == (PaymentStatus.PARTIALLY_REFUNDED, booking.refund_amount)
    (refund,) = fake.refunds.values()
    assert refund["amount"] == minor(booking.refund_amount)
