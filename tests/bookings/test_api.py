"""Booking, quote and calendar API: contracts, idempotency, and who may see or do what."""

import uuid
from decimal import Decimal

import pytest

from airbnb.models import IdempotencyRecord
from availability.models import CalendarNight
from bookings.models import Booking
from tests.accounts.factories import UserFactory
from tests.bookings.helpers import DECLINED, PROCESSING_ERROR, VISA, book, days
from tests.conftest import bearer_client
from tests.listings.factories import ListingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing():
    return ListingFactory(instant_book=True, base_price=Decimal("100"), cleaning_fee=Decimal("20"))


def body(listing, start=10, nights=2, **extra):
    return {
        "listing": listing.pk,
        "check_in": days(start).isoformat(),
        "check_out": days(start + nights).isoformat(),
        "guests": 2,
        "payment_method": VISA,
        **extra,
    }


def post(client, data, key=None):
    return client.post("/api/v1/bookings/", data, format="json", HTTP_IDEMPOTENCY_KEY=key or str(uuid.uuid4()))


def test_create_booking_returns_frozen_breakdown(user_api, listing):
    response = post(user_api, body(listing))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "confirmed"
    assert data["total"] == "246.40"  # 200 + 20 + 12% of 220
    assert [line["code"] for line in data["price_breakdown"]["lines"]] == [
        "accommodation",
        "cleaning_fee",
        "service_fee",
    ]
    assert data["payment"]["status"] == "captured"
    assert data["address"] == listing.address  # shown once confirmed
    assert len(data["reference"]) == 8


def test_missing_idempotency_key_is_rejected(user_api, listing):
    response = user_api.post("/api/v1/bookings/", body(listing), format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "idempotency_key_invalid"
    assert not Booking.objects.exists()


def test_same_key_same_body_replays_without_side_effects(user_api, listing):
    key = str(uuid.uuid4())
    first = post(user_api, body(listing), key)
    second = post(user_api, body(listing), key)
    assert second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Booking.objects.count() == 1


def test_same_key_different_body_is_422(user_api, listing):
    key = str(uuid.uuid4())
    post(user_api, body(listing), key)
    response = post(user_api, body(listing, start=20), key)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert Booking.objects.count() == 1


def test_keys_are_per_user(listing):
    key = str(uuid.uuid4())
    a, b = bearer_client(UserFactory()), bearer_client(UserFactory())
    assert post(a, body(listing, start=10), key).status_code == 201
    assert post(b, body(listing, start=20), key).status_code == 201
    assert Booking.objects.count() == 2


def test_conflict_is_replayed_too_and_names_alternatives(user_api, other_api, listing):
    post(other_api, body(listing, start=10, nights=3))
    key = str(uuid.uuid4())
    first = post(user_api, body(listing, start=11, nights=2), key)
    assert first.status_code == 409
    error = first.json()["error"]
    assert error["code"] == "dates_unavailable"
    assert {"check_in": days(8).isoformat(), "check_out": days(10).isoformat()} in error["alternatives"]
    again = post(user_api, body(listing, start=11, nights=2), key)
    assert again.status_code == 409 and again.json() == first.json()


def test_declined_card_is_402_and_dates_stay_free(user_api, listing):
    response = post(user_api, body(listing, payment_method=DECLINED))
    assert response.status_code == 402
    assert response.json()["error"] == {"code": "card_declined", "message": "Your card was declined."}
    assert not CalendarNight.objects.exists()


def test_gateway_failure_is_503_try_again_and_key_can_be_retried(user_api, listing):
    key = str(uuid.uuid4())
    response = post(user_api, body(listing, payment_method=PROCESSING_ERROR), key)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "payments_unavailable"
    assert "try again" in response.json()["error"]["message"]
    assert not IdempotencyRecord.objects.filter(key=key).exists()
    assert not CalendarNight.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"check_in": "2027-13-01"}, "check_in"),
        ({"check_out": "yesterday"}, "check_out"),
        ({"guests": 0}, "guests"),
        ({"guests": "two"}, "guests"),
        ({"listing": "abc"}, "listing"),
        ({"payment_method": ""}, "payment_method"),
    ],
)
def test_bad_input_is_400_with_field_errors(user_api, listing, change, field):
    response = post(user_api, {**body(listing), **change})
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not Booking.objects.exists()


def test_reversed_dates_is_field_error(user_api, listing):
    response = post(user_api, body(listing) | {"check_out": days(5).isoformat()})
    assert response.status_code == 400
    assert "check_out" in response.json()["error"]["fields"]


def test_unknown_listing_is_404(user_api):
    response = post(user_api, {**body(ListingFactory.build(pk=999999)), "listing": 999999})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "listing_not_found"


def test_anonymous_cannot_book(api_client, listing):
    assert post(api_client, body(listing)).status_code == 401


# --- visibility and permissions ---------------------------------------------------------


def test_guest_lists_trips_host_lists_reservations(listing):
    guest = UserFactory()
    booking = book(guest=guest, listing=listing, start=10, nights=2)
    guest_api, host_api = bearer_client(guest), bearer_client(listing.host)
    assert [b["id"] for b in guest_api.get("/api/v1/bookings/").json()["results"]] == [booking.pk]
    assert host_api.get("/api/v1/bookings/").json()["results"] == []
    assert [b["id"] for b in host_api.get("/api/v1/bookings/?role=host").json()["results"]] == [booking.pk]
    assert guest_api.get("/api/v1/bookings/?status=cancelled_by_guest").json()["count"] == 0
    assert guest_api.get("/api/v1/bookings/?status=nope").status_code == 400
    assert guest_api.get("/api/v1/bookings/?role=admin").status_code == 400


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("get", ""), ("get", "cancellation/"), ("post", "cancel/"), ("post", "accept/"), ("post", "decline/")],
)
def test_stranger_gets_404_on_every_booking_endpoint_and_nothing_changes(listing, method, suffix):
    booking = book(guest=UserFactory(), listing=listing, start=10, nights=2)
    stranger = bearer_client(UserFactory())
    response = getattr(stranger, method)(f"/api/v1/bookings/{booking.pk}/{suffix}", {}, format="json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    booking.refresh_from_db()
    assert booking.status == "confirmed"


def test_guest_cannot_accept_or_decline(listing):
    request_listing = ListingFactory(instant_book=False)
    guest = UserFactory()
    booking = book(guest=guest, listing=request_listing, start=10, nights=2)
    client = bearer_client(guest)
    for action in ("accept", "decline"):
        response = client.post(f"/api/v1/bookings/{booking.pk}/{action}/")
        assert response.status_code == 403
    booking.refresh_from_db()
    assert booking.status == "awaiting_host"


def test_host_accepts_via_api(listing):
    request_listing = ListingFactory(instant_book=False)
    booking = book(guest=UserFactory(), listing=request_listing, start=10, nights=2)
    response = bearer_client(request_listing.host).post(f"/api/v1/bookings/{booking.pk}/accept/")
    assert response.status_code == 200
    assert response.json()["status"] == "confirmed"
    again = bearer_client(request_listing.host).post(f"/api/v1/bookings/{booking.pk}/accept/")
    assert again.status_code == 409 and again.json()["error"]["code"] == "illegal_transition"


def test_cancellation_preview_then_cancel(listing):
    guest = UserFactory()
    booking = book(guest=guest, listing=listing, start=30, nights=2)
    client = bearer_client(guest)
    preview = client.get(f"/api/v1/bookings/{booking.pk}/cancellation/").json()
    assert preview["full_refund"] is True and preview["refund"] == str(booking.total)
    response = client.post(f"/api/v1/bookings/{booking.pk}/cancel/", {"reason": "Plans changed"}, format="json")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "cancelled_by_guest"
    assert data["refund_amount"] == str(booking.total)
    assert data["payment"]["status"] == "refunded"
    assert data["address"] is None


def test_host_cancel_via_api(listing):
    booking = book(guest=UserFactory(), listing=listing, start=30, nights=2)
    response = bearer_client(listing.host).post(f"/api/v1/bookings/{booking.pk}/cancel/")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled_by_host"


# --- quote and calendar ----------------------------------------------------------------


def test_quote_shows_breakdown_and_live_availability(api_client, listing):
    url = f"/api/v1/listings/{listing.pk}/quote/"
    free = api_client.get(url, {"check_in": days(10).isoformat(), "check_out": days(13).isoformat(), "guests": 2})
    assert free.status_code == 200
    assert free.json()["available"] is True and free.json()["quote"]["total"] == "358.40"
    book(guest=UserFactory(), listing=listing, start=11, nights=1)
    taken = api_client.get(url, {"check_in": days(10).isoformat(), "check_out": days(13).isoformat()})
    assert taken.json()["available"] is False
    assert taken.json()["reason"]["code"] == "dates_unavailable"
    assert taken.json()["alternatives"]


@pytest.mark.parametrize(
    "params",
    [
        {"check_in": "x", "check_out": "y"},
        {"check_in": "2027-01-05", "check_out": "2027-01-01"},
        {},
        {"check_in": "2027-01-01", "check_out": "2031-01-01"},
    ],
)
def test_quote_bad_params_are_400(api_client, listing, params):
    response = api_client.get(f"/api/v1/listings/{listing.pk}/quote/", params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


def test_calendar_public_hides_guest_details_host_sees_them(api_client, listing):
    booking = book(guest=UserFactory(first_name="Zoe"), listing=listing, start=10, nights=2)
    params = {"start": days(9).isoformat(), "end": days(14).isoformat()}
    public = api_client.get(f"/api/v1/listings/{listing.pk}/calendar/", params).json()
    assert [n["date"] for n in public["nights"]] == [days(10).isoformat(), days(11).isoformat()]
    assert "booking" not in public["nights"][0] and "status" not in public["nights"][0]
    host = bearer_client(listing.host).get(f"/api/v1/listings/{listing.pk}/calendar/", params).json()
    assert host["nights"][0]["booking"] == {"id": booking.pk, "reference": booking.reference, "guest": "Zoe"}


def test_host_blocks_and_sets_prices_others_cannot(listing):
    host, other = bearer_client(listing.host), bearer_client(UserFactory())
    rng = {"start": days(5).isoformat(), "end": days(7).isoformat()}
    assert other.post(f"/api/v1/listings/{listing.pk}/calendar/block/", rng, format="json").status_code == 403
    assert (
        other.post(
            f"/api/v1/listings/{listing.pk}/calendar/nights/", {**rng, "price": "300"}, format="json"
        ).status_code
        == 403
    )
    assert not CalendarNight.objects.exists()
    assert host.post(f"/api/v1/listings/{listing.pk}/calendar/block/", rng, format="json").json() == {"blocked": 2}
    assert host.post(f"/api/v1/listings/{listing.pk}/calendar/unblock/", rng, format="json").json() == {"unblocked": 2}
    response = host.post(f"/api/v1/listings/{listing.pk}/calendar/nights/", {**rng, "price": "300"}, format="json")
    assert response.json() == {"updated": 2}
    assert set(CalendarNight.objects.values_list("price", flat=True)) == {Decimal("300.00")}


def test_block_over_booking_is_409_naming_dates(listing):
    book(guest=UserFactory(), listing=listing, start=10, nights=2)
    response = bearer_client(listing.host).post(
        f"/api/v1/listings/{listing.pk}/calendar/block/",
        {"start": days(9).isoformat(), "end": days(12).isoformat()},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "nights_booked"
    assert response.json()["error"]["dates"] == [days(10).isoformat(), days(11).isoformat()]


@pytest.mark.parametrize(
    "payload",
    [{"start": "2027-01-05", "end": "2027-01-01"}, {"start": "nope"}, {"start": "2020-01-01", "end": "2020-01-05"}],
)
def test_block_bad_ranges_are_400(listing, payload):
    response = bearer_client(listing.host).post(
        f"/api/v1/listings/{listing.pk}/calendar/block/", payload, format="json"
    )
    assert response.status_code == 400
    assert not CalendarNight.objects.exists()


def test_price_out_of_bounds_is_400(listing):
    response = bearer_client(listing.host).post(
        f"/api/v1/listings/{listing.pk}/calendar/nights/",
        {"start": days(5).isoformat(), "end": days(6).isoformat(), "price": "-5"},
        format="json",
    )
    assert response.status_code == 400
    assert "price" in response.json()["error"]["fields"]


def test_expected_total_mismatch_is_409_price_changed(user_api, listing):
    response = post(user_api, body(listing, expected_total="100.00"))
    assert response.status_code == 409
    error = response.json()["error"]
    assert (error["code"], error["total"]) == ("price_changed", "246.40")
    assert not Booking.objects.exists()
    assert post(user_api, body(listing, expected_total="246.40")).status_code == 201


def test_booking_lists_cost_the_same_queries_for_two_bookings_or_eight(listing):
    """No query per booking: the listing, its host, the guest and the payment come with the page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    guest = UserFactory()
    guest_api, host_api = bearer_client(guest), bearer_client(listing.host)

    def queries(client, url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured.captured_queries)

    for n in range(2):
        book(guest=guest, listing=listing, start=10 + 3 * n, nights=2)
    few = queries(guest_api, "/api/v1/bookings/"), queries(host_api, "/api/v1/bookings/?role=host")
    for n in range(2, 8):
        book(guest=guest, listing=listing, start=10 + 3 * n, nights=2)
    many = queries(guest_api, "/api/v1/bookings/"), queries(host_api, "/api/v1/bookings/?role=host")
    assert few == many
    assert len(guest_api.get("/api/v1/bookings/").json()["results"]) == 8
