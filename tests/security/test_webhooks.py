"""Forged, stale and replayed Stripe webhooks change nothing anywhere in the database.

tests/bookings/test_webhooks.py checks the booking and payment rows; here every
attempt is compared against a fingerprint of every table, so a forged event
cannot leave a side effect anywhere (outbox, notifications, ledger, dedupe rows).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from decimal import Decimal

import pytest
from django.test import Client

from bookings.models import BookingStatus
from payments.models import Payment, PaymentStatus, ProcessedWebhookEvent
from tests.accounts.factories import UserFactory
from tests.bookings.helpers import book
from tests.listings.factories import ListingFactory
from tests.payments.test_webhooks import SECRET, URL, event, intent, sign

from .conftest import db_fingerprint, fingerprint_diff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _webhook_secret(settings):
    settings.STRIPE_WEBHOOK_SECRET = SECRET


@pytest.fixture
def awaiting(db):
    listing = ListingFactory(instant_book=False, base_price=Decimal("80"), cleaning_fee=Decimal("0"))
    booking = book(guest=UserFactory(), listing=listing, start=5, nights=2)
    assert booking.status == BookingStatus.AWAITING_HOST
    return booking


def _cancel_payload(booking, event_id: str | None = None) -> bytes:
    """An event that, if accepted, would expire the request and free its nights."""
    return event("payment_intent.canceled", intent(Payment.objects.get(booking=booking), "canceled"), event_id=event_id)


def _post(payload: bytes, signature: str | None):
    headers = {"HTTP_STRIPE_SIGNATURE": signature} if signature is not None else {}
    return Client(enforce_csrf_checks=True).post(URL, data=payload, content_type="application/json", **headers)


def _v1(payload: bytes, timestamp: int, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()


def _forgeries(payload: bytes) -> dict[str, str | None]:
    now = int(time.time())
    return {
        "missing header": None,
        "empty header": "",
        "wrong secret": sign(payload, secret="whsec_attacker"),
        "stale timestamp (301 s)": sign(payload, timestamp=now - 301),
        "day-old captured delivery": sign(payload, timestamp=now - 86_400),
        "only a v0 (test-mode scheme) signature": f"t={now},v0={_v1(payload, now)}",
        "timestamp swapped after signing": f"t={now + 5},v1={_v1(payload, now)}",
        "signature of another body": sign(payload + b" "),
        "garbage": "t=abc,v1=zzz",
        "sql in the header": "t=1' OR '1'='1,v1=1",
        "no timestamp": f"v1={_v1(payload, now)}",
    }


def test_forged_or_stale_deliveries_are_refused_and_change_nothing(awaiting):
    payload = _cancel_payload(awaiting)
    failures = []
    for name, signature in _forgeries(payload).items():
        before = db_fingerprint()
        response = _post(payload, signature)
        changed = fingerprint_diff(before, db_fingerprint())
        code = response.json().get("error", {}).get("code") if response.status_code == 400 else None
        if response.status_code != 400 or code not in ("signature_missing", "signature_invalid") or changed:
            failures.append(f"{name}: {response.status_code} {response.content[:120]!r} changed={changed}")
    assert not failures, "\n" + "\n".join(failures)
    awaiting.refresh_from_db()
    assert awaiting.status == BookingStatus.AWAITING_HOST
    assert Payment.objects.get(booking=awaiting).status == PaymentStatus.AUTHORIZED


def test_the_genuine_delivery_is_applied_then_replays_change_nothing(awaiting):
    """Positive control, then replays: the same delivery again and a re-signed retry are no-ops."""
    payload = _cancel_payload(awaiting, event_id="evt_security_replay")
    signature = sign(payload)
    first = _post(payload, signature)
    assert first.json() == {"status": "processed"}
    awaiting.refresh_from_db()
    assert awaiting.status == BookingStatus.EXPIRED
    after_first = db_fingerprint()
    for replay_signature in (signature, sign(payload, timestamp=int(time.time()) + 2)):
        replay = _post(payload, replay_signature)
        assert replay.status_code == 200
        assert replay.json() == {"status": "duplicate"}
        assert fingerprint_diff(after_first, db_fingerprint()) == []
    assert ProcessedWebhookEvent.objects.filter(event_id="evt_security_replay").count() == 1


def test_a_replayed_event_id_with_a_different_body_is_not_applied_twice(awaiting):
    """Same event id, another (validly signed) body: the id is what makes it a duplicate."""
    payment = Payment.objects.get(booking=awaiting)
    first = _cancel_payload(awaiting, event_id="evt_same_id")
    assert _post(first, sign(first)).json() == {"status": "processed"}
    after_first = db_fingerprint()
    other = event(
        "payment_intent.succeeded",
        intent(payment, "succeeded", amount_received=int(payment.amount * 100)),
        event_id="evt_same_id",
    )
    response = _post(other, sign(other))
    assert response.json() == {"status": "duplicate"}
    assert fingerprint_diff(after_first, db_fingerprint()) == []


def test_the_webhook_answers_only_post(awaiting):
    before = db_fingerprint()
    for method in ("get", "put", "patch", "delete"):
        response = getattr(Client(), method)(URL)
        assert response.status_code == 405
        assert response["Allow"] == "POST"
    assert fingerprint_diff(before, db_fingerprint()) == []
