"""Host API: calendar read/write, price suggestions, pricing settings, analytics; permissions and bad input."""

import datetime as dt
from decimal import Decimal

import pytest

from availability.models import CalendarNight
from pricing.models import ListingPricing
from tests.accounts.factories import UserFactory
from tests.conftest import bearer_client

from .conftest import day, stay

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def host_api(host):
    return bearer_client(host)


@pytest.fixture
def stranger_api():
    return bearer_client(UserFactory())


def rng(start: int, end: int) -> dict:
    return {"start": day(start).isoformat(), "end": day(end).isoformat()}


def test_calendar_read_shows_bookings_blocks_prices_and_suggestions(host_api, listings):
    listing = listings[0]
    booking = stay(listing, day(2), day(4), guest=UserFactory(first_name="Zoe"))
    CalendarNight.objects.create(listing=listing, date=day(5), status="blocked")
    CalendarNight.objects.create(listing=listing, date=day(6), status="available", price=D("150"))
    response = host_api.get(f"/api/v1/host/listings/{listing.pk}/calendar/", rng(1, 8))
    assert response.status_code == 200
    nights = {night["date"]: night for night in response.json()["nights"]}
    assert len(nights) == 7
    assert nights[day(2).isoformat()]["status"] == "booked"
    assert nights[day(2).isoformat()]["booking"]["guest"] == "Zoe"
    assert nights[day(2).isoformat()]["booking"]["reference"] == booking.reference
    assert nights[day(5).isoformat()]["status"] == "blocked"
    assert nights[day(6).isoformat()]["price"] == "150.00"
    assert nights[day(6).isoformat()]["price_source"] == "host"
    assert nights[day(7).isoformat()] | {"booking": None} == {
        "date": day(7).isoformat(),
        "status": "available",
        "price": "120.00",
        "price_source": "base",
        "price_reasons": [],
        "suggestion": "120.00",
        "suggestion_reasons": [],
        "min_nights": None,
        "imported": False,
        "booking": None,
    }


def test_calendar_write_actions(host_api, listings):
    url = f"/api/v1/host/listings/{listings[0].pk}/calendar/"
    assert host_api.post(url, {**rng(10, 13), "action": "block"}).json() == {"action": "block", "nights": 3}
    assert host_api.post(url, {**rng(12, 13), "action": "unblock"}).json()["nights"] == 1
    response = host_api.post(url, {**rng(20, 22), "action": "set_price", "price": "140.00"})
    assert response.status_code == 200 and response.json()["nights"] == 2
    assert host_api.post(url, {**rng(20, 21), "action": "set_min_nights", "min_nights": 3}).status_code == 200
    rows = {row.date: row for row in CalendarNight.objects.filter(listing=listings[0])}
    assert {d for d, r in rows.items() if r.status == "blocked"} == {day(10), day(11)}
    assert rows[day(20)].price == D("140.00") and rows[day(20)].min_nights == 3
    assert host_api.post(url, {**rng(20, 22), "action": "clear_price"}).status_code == 200
    assert CalendarNight.objects.get(listing=listings[0], date=day(20)).price is None


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"start": "D5", "end": "D3", "action": "block"}, 400, "validation_error"),
        ({"start": "D1", "end": "D500", "action": "block"}, 400, "validation_error"),
        ({"start": "D-5", "end": "D2", "action": "block"}, 400, "invalid_range"),
        ({"start": "D1", "end": "D2", "action": "set_price"}, 400, "validation_error"),
        ({"start": "D1", "end": "D2", "action": "set_price", "price": "5"}, 400, "invalid_range"),
        ({"start": "D1", "end": "D2", "action": "set_price", "price": "900"}, 400, "price_out_of_range"),
        ({"start": "D1", "end": "D2", "action": "detonate"}, 400, "validation_error"),
        ({"start": "tomorrow", "end": "D2", "action": "block"}, 400, "validation_error"),
        ({"start": "D3", "end": "D5", "action": "block"}, 409, "nights_booked"),
    ],
)
def test_calendar_write_bad_input(host_api, listings, body, status, code):
    listing = listings[0]
    stay(listing, day(4), day(6))
    ListingPricing.objects.create(listing=listing, max_price=D("500"))

    def resolve(value):
        return day(int(value[1:])).isoformat() if isinstance(value, str) and value.startswith("D") else value

    before = list(CalendarNight.objects.filter(listing=listing).values_list("date", "status", "price"))
    response = host_api.post(
        f"/api/v1/host/listings/{listing.pk}/calendar/", {k: resolve(v) for k, v in body.items()}, format="json"
    )
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert list(CalendarNight.objects.filter(listing=listing).values_list("date", "status", "price")) == before


def test_suggestions_list_and_accept(host_api, listings):
    listing = listings[0]
    response = host_api.get(f"/api/v1/host/listings/{listing.pk}/price-suggestions/", rng(0, 3))
    assert response.status_code == 200
    body = response.json()
    assert body["currency"] == "EUR" and len(body["suggestions"]) == 3
    assert body["suggestions"][0] == {
        "date": day(0).isoformat(),
        "price": "120.00",
        "reasons": [],
        "automatic_price": "120.00",
        "applied_price": None,
        "accepted": False,
        "stored": False,
    }
    accepted = host_api.post(f"/api/v1/host/listings/{listing.pk}/price-suggestions/accept/", rng(1, 3))
    assert accepted.status_code == 200 and accepted.json() == {"accepted": 2}
    assert set(CalendarNight.objects.filter(listing=listing).values_list("price", flat=True)) == {D("120.00")}
    reversed_range = host_api.post(f"/api/v1/host/listings/{listing.pk}/price-suggestions/accept/", rng(3, 1))
    assert reversed_range.status_code == 400


def test_pricing_settings_read_and_patch(host_api, listings):
    url = f"/api/v1/host/listings/{listings[0].pk}/pricing/"
    assert host_api.get(url).json()["smart_pricing"] is False
    response = host_api.patch(url, {"min_price": "90.00", "max_price": "250.00", "smart_pricing": True}, format="json")
    assert response.status_code == 200
    assert response.json()["min_price"] == "90.00" and response.json()["smart_pricing"] is True
    bad = host_api.patch(url, {"min_price": "300.00"}, format="json")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "validation_error"
    assert ListingPricing.objects.get(listing=listings[0]).min_price == D("90.00")
    draft = host_api.patch(f"/api/v1/host/listings/{listings[2].pk}/pricing/", {"smart_pricing": True}, format="json")
    assert draft.status_code == 400


def test_analytics_summary(host_api, host, listings):
    stay(listings[0], dt.date(2027, 3, 2), dt.date(2027, 3, 5), accommodation="300")
    response = host_api.get("/api/v1/host/analytics/", {"start": "2027-03-01", "end": "2027-03-11"})
    assert response.status_code == 200
    body = response.json()
    assert body["currency"] == "EUR"
    assert body["overall"]["nights_booked"] == 3 and body["overall"]["revenue"] == "300.00"
    assert body["overall"]["available_nights"] == 30
    by_id = {row["id"]: row for row in body["listings"]}
    assert by_id[listings[0].pk]["adr"] == "100.00" and by_id[listings[0].pk]["occupancy"] == "0.3000"
    one = host_api.get(
        "/api/v1/host/analytics/", {"start": "2027-03-01", "end": "2027-03-11", "listing": listings[1].pk}
    )
    assert [row["id"] for row in one.json()["listings"]] == [listings[1].pk]
    assert host_api.get("/api/v1/host/analytics/", {"start": "2027-03-11", "end": "2027-03-01"}).status_code == 400
    assert host_api.get("/api/v1/host/analytics/", {"start": "2027-03-01"}).status_code == 400


def test_other_users_get_403_for_public_listings_and_404_otherwise(stranger_api, listings, api_client):
    published, draft = listings[0], listings[2]
    for method, suffix, data in [
        ("get", "calendar/", rng(1, 3)),
        ("post", "calendar/", {**rng(1, 3), "action": "block"}),
        ("get", "price-suggestions/", rng(1, 3)),
        ("post", "price-suggestions/accept/", rng(1, 3)),
        ("get", "pricing/", None),
        ("patch", "pricing/", {"smart_pricing": True}),
    ]:
        call = getattr(stranger_api, method)
        assert call(f"/api/v1/host/listings/{published.pk}/{suffix}", data).status_code == 403
        assert call(f"/api/v1/host/listings/{draft.pk}/{suffix}", data).status_code == 404
        assert call(f"/api/v1/host/listings/999999999/{suffix}", data).status_code == 404
        assert getattr(api_client, method)(f"/api/v1/host/listings/{published.pk}/{suffix}", data).status_code == 401
    assert (
        stranger_api.get(
            "/api/v1/host/analytics/", {"start": "2027-03-01", "end": "2027-03-11", "listing": published.pk}
        ).status_code
        == 403
    )
    assert not CalendarNight.objects.exists()
    assert not ListingPricing.objects.exists()
