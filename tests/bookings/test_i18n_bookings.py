"""The booking path in the reader's language: checkout's form errors and flash messages, the quote lines.

Each shipped language is checked against its own catalogue (``gettext`` under
``translation.override``), so a missing or English entry fails here too; English stays
the default for a request that asks for nothing. A booking's frozen breakdown keeps
English labels and each reader sees them in their own language.
"""

import html
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext, ngettext

from bookings.models import Booking, BookingStatus
from bookings.views import _day, _money
from tests.accounts.factories import UserFactory
from tests.bookings.helpers import book, days
from tests.conftest import bearer_client
from tests.listings.factories import ListingFactory

pytestmark = pytest.mark.django_db

SHIPPED = [code for code, _name in settings.LANGUAGES if code != "en"]
VISA_NUMBER = "4242 4242 4242 4242"
DECLINED_NUMBER = "4000 0000 0000 0002"


@pytest.fixture
def listing():
    return ListingFactory(
        instant_book=True,
        base_price=Decimal("100"),
        cleaning_fee=Decimal("20"),
        weekly_discount_pct=10,
        city="Bergen",
    )


@pytest.fixture
def guest():
    return UserFactory(first_name="Gina")


def client_in(user, language: str | None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language) if language else Client()
    if user is not None:
        client.force_login(user)
    return client


def words(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def in_language(language: str, function, *args):
    with translation.override(language):
        return function(*args)


def stay(start: int = 10, nights: int = 7) -> dict:
    return {"check_in": days(start).isoformat(), "check_out": days(start + nights).isoformat(), "guests": 2}


def checkout(client, listing, **params):
    response = client.get(f"/rooms/{listing.pk}/book/", params or stay())
    assert response.status_code == 200
    key = re.search(r'name="idempotency_key" value="([^"]+)"', response.content.decode())[1]
    return response, {**(params or stay()), "idempotency_key": key, "message": "Hei!", "card_number": VISA_NUMBER}


def quote_labels(language: str, nights: int = 7) -> list[str]:
    with translation.override(language):
        return [
            ngettext("%(count)s night", "%(count)s nights", nights) % {"count": nights},
            gettext("Weekly stay discount (%(pct)s%%)") % {"pct": 10},
            gettext("Cleaning fee"),
            gettext("Service fee"),
        ]


@pytest.mark.parametrize("language", SHIPPED)
def test_checkout_page_shows_quote_lines_and_labels_in_the_language(guest, listing, language):
    response, _body = checkout(client_in(guest, language), listing)
    assert response["Content-Language"] == language
    page = words(response)
    for label in quote_labels(language):
        assert label in page, (language, label)
    assert in_language(language, gettext, "Card number") in page
    english = [label for label in quote_labels("en") if label in page]
    assert english == [], f"English quote lines on the {language} checkout: {english}"


def test_checkout_page_is_english_by_default(guest, listing):
    response, _body = checkout(client_in(guest, None), listing)
    assert response["Content-Language"] == "en"
    page = words(response)
    assert "7 nights" in page and "Weekly stay discount (10%)" in page and "Cleaning fee" in page
    assert "Card number" in page


@pytest.mark.parametrize("language", SHIPPED)
def test_checkout_form_errors_and_flash_messages_are_in_the_language(guest, listing, language):
    client = client_in(guest, language)
    _page, body = checkout(client, listing)

    declined = client.post(f"/rooms/{listing.pk}/book/", {**body, "card_number": DECLINED_NUMBER})
    assert declined.status_code == 200
    expected = in_language(language, gettext, "Your card was declined. Your dates are still free — try another card.")
    assert expected in words(declined)
    assert "Your card was declined" not in words(declined)

    invalid = client.post(f"/rooms/{listing.pk}/book/", {**body, "card_number": "1234 5678"})
    assert in_language(language, gettext, "Use one of the test card numbers listed below.") in words(invalid)

    empty_dates = client.get(f"/rooms/{listing.pk}/book/", {"check_in": "", "check_out": "", "guests": 1})
    assert in_language(language, gettext, "Add a check-in date.") in words(empty_dates)

    _page, body = checkout(client, listing, **stay(start=30, nights=3))
    booked = client.post(f"/rooms/{listing.pk}/book/", body, follow=True)
    booking = Booking.objects.get(guest=guest, status=BookingStatus.CONFIRMED)
    with translation.override(language):
        flash = gettext("Booking confirmed! You're going to %(place)s on %(day)s.") % {
            "place": "Bergen",
            "day": _day(booking.check_in),
        }
    assert flash in words(booked), flash

    cancelled = client.post(f"/trips/{booking.pk}/cancel/", {"reason": ""}, follow=True)
    booking.refresh_from_db()
    with translation.override(language):
        refund = _money(booking.refund_amount, booking.currency)
        flash = gettext("Your booking was cancelled. Refund: %(amount)s.") % {"amount": refund}
    assert " ".join(flash.split()) in words(cancelled), flash  # words() reads a no-break space as a space


def test_checkout_errors_and_flash_stay_english_by_default(guest, listing):
    client = client_in(guest, None)
    _page, body = checkout(client, listing)
    declined = client.post(f"/rooms/{listing.pk}/book/", {**body, "card_number": DECLINED_NUMBER})
    assert "Your card was declined. Your dates are still free — try another card." in words(declined)
    _page, body = checkout(client, listing, **stay(start=30, nights=3))
    booked = client.post(f"/rooms/{listing.pk}/book/", body, follow=True)
    assert "Booking confirmed! You're going to Bergen on" in words(booked)


@pytest.mark.parametrize("language", SHIPPED)
def test_api_quote_lines_are_in_the_request_language_and_codes_are_not(listing, language):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    response = client.get(f"/api/v1/listings/{listing.pk}/quote/", stay())
    assert response.status_code == 200 and response["Content-Language"] == language
    lines = response.json()["quote"]["lines"]
    assert [line["code"] for line in lines] == ["accommodation", "discount", "cleaning_fee", "service_fee"]
    assert [line["label"] for line in lines] == quote_labels(language)
    english = Client().get(f"/api/v1/listings/{listing.pk}/quote/", stay()).json()["quote"]["lines"]
    assert [line["label"] for line in english] == quote_labels("en")


def test_a_frozen_breakdown_is_stored_in_english_and_read_in_each_readers_language(guest, listing):
    """Booked from a Spanish page; the German host and the French API client each read their own language."""
    client = client_in(guest, "es")
    _page, body = checkout(client, listing)
    client.post(f"/rooms/{listing.pk}/book/", body)
    booking = Booking.objects.get(guest=guest)
    stored = [line["label"] for line in booking.price_breakdown["lines"]]
    assert stored == quote_labels("en")  # stored English, whatever the booker's language

    host_page = client_in(listing.host, "de").get(f"/hosting/reservations/{booking.pk}/")
    assert host_page.status_code == 200
    for label in quote_labels("de"):
        assert label in words(host_page)

    api = bearer_client(guest).get(f"/api/v1/bookings/{booking.pk}/", HTTP_ACCEPT_LANGUAGE="fr")
    labels = [line["label"] for line in api.json()["price_breakdown"]["lines"]]
    assert labels == quote_labels("fr")


def test_old_breakdowns_without_params_are_still_read_in_the_language(guest, listing):
    """Rows frozen before lines carried params (English labels only) are translated from the breakdown."""
    booking = book(guest=guest, listing=listing, start=12, nights=7)
    breakdown = dict(booking.price_breakdown)
    breakdown["lines"] = [{k: v for k, v in line.items() if k != "params"} for line in breakdown["lines"]]
    Booking.objects.filter(pk=booking.pk).update(price_breakdown=breakdown)
    page = words(client_in(guest, "nb").get(f"/trips/{booking.pk}/"))
    for label in quote_labels("nb"):
        assert label in page
