"""API errors in the request's language, with machine codes never translated (docs/languages.md).

For each shipped language: a 409 for taken dates, a 400 validation error (ours and DRF's own
message), a 422 reused idempotency key, a 404 (a booking and an unknown endpoint) and a
throttled 429 come back with ``message`` in that language, checked against its catalogue,
and the same ``code`` as in English. A Bearer-token client's saved ``User.language`` wins
over its Accept-Language, as a signed-in user's does on pages; English stays the default.
"""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext
from rest_framework.throttling import UserRateThrottle

from bookings.errors import dates_unavailable_message
from tests.accounts.factories import UserFactory
from tests.bookings.helpers import VISA, book, days
from tests.conftest import bearer_client
from tests.listings.factories import ListingFactory

pytestmark = pytest.mark.django_db

SHIPPED = [code for code, _name in settings.LANGUAGES if code != "en"]
LANGUAGES = ["en", *SHIPPED]


@pytest.fixture
def listing():
    return ListingFactory(instant_book=True, base_price=Decimal("100"))


@pytest.fixture
def guest():
    return UserFactory()


def body(listing, start=10, nights=2, **extra):
    return {
        "listing": listing.pk,
        "check_in": days(start).isoformat(),
        "check_out": days(start + nights).isoformat(),
        "guests": 2,
        "payment_method": VISA,
        **extra,
    }


def post_booking(client, data, language, key=None):
    return client.post(
        "/api/v1/bookings/",
        data,
        format="json",
        HTTP_IDEMPOTENCY_KEY=key or str(uuid.uuid4()),
        HTTP_ACCEPT_LANGUAGE=language,
    )


def translated(language: str, message: str) -> str:
    with translation.override(language):
        return gettext(message)


def error(response) -> dict:
    return response.json()["error"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_taken_dates_answer_409_in_the_request_language(guest, listing, language):
    book(guest=UserFactory(), listing=listing, start=10, nights=2)
    response = post_booking(bearer_client(guest), body(listing), language)
    assert response.status_code == 409 and response["Content-Language"] == language
    answer = error(response)
    assert answer["code"] == "dates_unavailable"
    alternatives = [
        (dt.date.fromisoformat(a["check_in"]), dt.date.fromisoformat(a["check_out"])) for a in answer["alternatives"]
    ]
    assert alternatives, "the answer offers the nearest free stay"
    with translation.override(language):
        assert answer["message"] == dates_unavailable_message(alternatives)
    if language != "en":
        assert "These dates are not available" not in answer["message"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_validation_errors_answer_400_in_the_request_language(guest, listing, language):
    client = bearer_client(guest)
    reversed_dates = body(listing, start=10, nights=2)
    reversed_dates["check_in"], reversed_dates["check_out"] = reversed_dates["check_out"], reversed_dates["check_in"]
    response = post_booking(client, reversed_dates, language)
    assert response.status_code == 400 and response["Content-Language"] == language
    answer = error(response)
    assert answer["code"] == "validation_error"
    expected = translated(language, "Check-out must be after check-in.")
    assert answer["fields"] == {"check_out": [expected]}
    assert answer["message"] == f"check_out: {expected}"  # field names are machine names: never translated

    missing = post_booking(client, {k: v for k, v in body(listing).items() if k != "listing"}, language)
    assert error(missing)["code"] == "validation_error"
    assert error(missing)["fields"]["listing"] == [translated(language, "This field is required.")]  # DRF's own


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_reused_idempotency_key_answers_422_in_the_request_language(guest, listing, language):
    client = bearer_client(guest)
    key = str(uuid.uuid4())
    assert post_booking(client, body(listing, start=10), language, key=key).status_code == 201
    response = post_booking(client, body(listing, start=20), language, key=key)
    assert response.status_code == 422 and response["Content-Language"] == language
    assert error(response) == {
        "code": "idempotency_key_reused",
        "message": translated(language, "This Idempotency-Key was already used with a different request body."),
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_not_found_answers_404_in_the_request_language(guest, language):
    client = bearer_client(guest)
    response = client.get("/api/v1/bookings/999999999/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404 and response["Content-Language"] == language
    assert error(response) == {"code": "not_found", "message": translated(language, "No booking with this id.")}

    nowhere = client.get("/api/v1/no-such-endpoint/", HTTP_ACCEPT_LANGUAGE=language)
    assert nowhere.status_code == 404
    assert error(nowhere) == {
        "code": "not_found",
        "message": translated(language, "No API endpoint or object at this address."),
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_throttled_answers_429_in_the_request_language(guest, monkeypatch, language):
    cache.clear()
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {**UserRateThrottle.THROTTLE_RATES, "user": "1/min"})
    client = bearer_client(guest)
    assert client.get("/api/v1/bookings/", HTTP_ACCEPT_LANGUAGE=language).status_code == 200
    response = client.get("/api/v1/bookings/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 429 and response["Content-Language"] == language
    answer = error(response)
    assert answer["code"] == "throttled" and answer["retry_after"] > 0
    assert answer["message"].startswith(translated(language, "Request was throttled."))  # DRF's catalogue
    if language != "en":
        assert not answer["message"].startswith("Request was throttled.")


def test_a_token_clients_saved_language_wins_over_accept_language(guest):
    """A mobile app's user chose German in the app: Accept-Language (the phone's) does not override it."""
    guest.language = "de"
    guest.save(update_fields=["language"])
    client = bearer_client(guest)
    response = client.get("/api/v1/bookings/999999999/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 404
    assert response["Content-Language"] == "de"
    assert error(response) == {"code": "not_found", "message": translated("de", "No booking with this id.")}
    assert client.get("/api/v1/bookings/", HTTP_ACCEPT_LANGUAGE="es")["Content-Language"] == "de"

    guest.language = ""  # "same as my device": Accept-Language decides again
    guest.save(update_fields=["language"])
    again = client.get("/api/v1/bookings/999999999/", HTTP_ACCEPT_LANGUAGE="es")
    assert again["Content-Language"] == "es"
    assert error(again)["message"] == translated("es", "No booking with this id.")


def test_an_anonymous_api_request_without_accept_language_is_english(listing):
    from rest_framework.test import APIClient

    response = APIClient().get(f"/api/v1/listings/{listing.pk}/quote/", {"check_in": "x"})
    assert response.status_code == 400 and response["Content-Language"] == "en"
    assert error(response)["code"] == "validation_error"
    assert "Date has wrong format" in error(response)["fields"]["check_in"][0]
