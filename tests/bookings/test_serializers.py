"""BookingSerializer's hand-written output is exactly what DRF builds from its declared fields."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework import serializers

from bookings.api.serializers import BookingSerializer
from bookings.models import Booking, BookingStatus
from bookings.services.booking import booking_cancel_by_guest, booking_decline
from payments.gateways.base import breaker
from payments.models import Payment
from tests.accounts.factories import UserFactory
from tests.bookings.helpers import DECLINED, book
from tests.listings.factories import ListingFactory

pytestmark = pytest.mark.django_db


def _drf(booking: Booking) -> dict:
    """DRF's generic rendering of the same declared fields."""
    serializer = BookingSerializer(booking)
    return dict(serializers.ModelSerializer.to_representation(serializer, booking))


def _fresh(booking: Booking) -> Booking:
    return Booking.objects.select_related("listing", "listing__host", "guest", "payment").get(pk=booking.pk)


def _bookings() -> list[Booking]:
    breaker.close()
    guest = UserFactory(first_name="")  # no first name: the display name's fallback
    instant = ListingFactory(instant_book=True, base_price=Decimal("123.45"))
    request = ListingFactory(instant_book=False)
    confirmed = book(guest=guest, listing=instant, start=10, nights=3)
    awaiting = book(guest=guest, listing=request, start=10, nights=2)
    cancelled = book(guest=guest, listing=instant, start=40, nights=2)
    booking_cancel_by_guest(booking_id=cancelled.pk, guest=guest, reason="plans changed")
    declined = book(guest=guest, listing=request, start=30, nights=2)
    booking_decline(booking_id=declined.pk, host=request.host)
    try:
        book(guest=guest, listing=instant, start=60, nights=2, card=DECLINED)
    except Exception:  # noqa: BLE001 - the 402 is the point: the booking row stays as payment_failed
        pass
    failed = Booking.objects.get(guest=guest, status=BookingStatus.PAYMENT_FAILED)
    # A booking without a payment row (imported history): "payment" is null.
    bare = Booking.objects.create(
        listing=instant,
        guest=guest,
        check_in=timezone.localdate() - dt.timedelta(days=30),
        check_out=timezone.localdate() - dt.timedelta(days=28),
        guests=1,
        status=BookingStatus.COMPLETED,
        currency="EUR",
        total=Decimal("10.5"),
        refund_amount=Decimal("0"),
    )
    return [confirmed, awaiting, cancelled, declined, failed, bare]


def test_every_state_renders_like_drf():
    bookings = _bookings()
    assert not Payment.objects.filter(booking=bookings[-1]).exists()
    for booking in bookings:
        fresh = _fresh(booking)
        assert BookingSerializer(fresh).data == _drf(fresh), booking.status


def test_the_object_booking_create_returns_renders_like_a_fresh_read():
    breaker.close()
    booking = book(guest=UserFactory(), listing=ListingFactory(instant_book=True), start=10, nights=2)
    assert BookingSerializer(booking).data == _drf(_fresh(booking))


def test_the_declared_fields_and_the_fast_path_have_the_same_keys():
    booking = _fresh(_bookings()[0])
    assert list(BookingSerializer(booking).data) == list(BookingSerializer().fields)
