"""Booking pages: the listing's booking box, checkout, trips and host reservations.

Real database and the local payment gateway; every page is also run through the
accessibility audit of the platform page tests (alt text, labels, unique ids).
"""

import datetime as dt
import html
import re
import time
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from airbnb.idempotency import IdempotencyInProgress, idempotent
from availability.models import CalendarNight
from availability.selectors import calendar_nearest_available
from bookings import views as booking_views
from bookings.models import Booking, BookingStatus, HostCancellation
from bookings.services.booking import PaymentDeclined
from listings.models import ListingPhoto
from payments.gateways.base import breaker
from payments.gateways.local import LocalGateway
from pricing.selectors import price_quote
from tests.accounts.factories import UserFactory
from tests.bookings.helpers import DECLINED, book, days
from tests.bookings.test_concurrency import run_concurrently
from tests.hosttools.nav import host_nav_current
from tests.listings.factories import ListingFactory
from tests.platform.test_pages import audit, png_file

pytestmark = pytest.mark.django_db

VISA_NUMBER = "4242 4242 4242 4242"
DECLINED_NUMBER = "4000 0000 0000 0002"
NO_FUNDS_NUMBER = "4000 0000 0000 9995"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def listing():
    listing = ListingFactory(
        instant_book=True,
        base_price=Decimal("100"),
        cleaning_fee=Decimal("20"),
        cancellation_policy="flexible",
        address="12 Canal Street",
    )
    ListingPhoto.objects.create(listing=listing, image=png_file(), position=0, caption="Living room")
    return listing


@pytest.fixture
def request_listing():
    return ListingFactory(instant_book=False, base_price=Decimal("100"), cleaning_fee=Decimal("0"))


@pytest.fixture
def guest():
    return UserFactory(first_name="Gina")


@pytest.fixture
def guest_client(guest):
    client = Client()
    client.force_login(guest)
    return client


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return html.unescape(response.content.decode())


def words(response) -> str:
    """The page's text without tags, whitespace collapsed: what a reader sees."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def stay(start: int = 10, nights: int = 3, guests: int = 2) -> dict:
    return {"check_in": days(start).isoformat(), "check_out": days(start + nights).isoformat(), "guests": guests}


def checkout_url(listing) -> str:
    return f"/rooms/{listing.pk}/book/"


def checkout_form(client, listing, **params) -> dict:
    """GET the checkout page and return the POST body its form would send, with a card."""
    response = client.get(checkout_url(listing), params or stay())
    assert response.status_code == 200
    key = hidden_key(response)
    return {**(params or stay()), "idempotency_key": key, "message": "Hi!", "card_number": VISA_NUMBER}


def hidden_key(response) -> str:
    match = re.search(r'name="idempotency_key" value="([^"]+)"', response.content.decode())
    assert match, "no idempotency key in the form"
    return match.group(1)


def section(page: str, section_id: str) -> str:
    """The HTML of one <section> on a page, found by its heading id."""
    start = page.index(f'id="{section_id}"')
    end = page.find("</section>", start)
    return page[start:end]


def money(amount: Decimal) -> str:
    return f"€{amount:,.2f}".replace(".00", "")


# --- listing page booking box ---------------------------------------------------------------------


def test_booking_box_shows_breakdown_total_and_availability(client, listing):
    response = client.get(listing.get_absolute_url(), stay(10, 3))
    assert response.status_code == 200
    page = text(response)
    quote = price_quote(listing=listing, check_in=days(10), check_out=days(13), guests=2)
    assert quote.total == Decimal("358.40")  # 300 + 20 cleaning + 12% service fee
    box = page[page.index('id="booking"') : page.index('id="availability-title"')]
    assert "Available for 3 nights" in box
    assert "€100 × 3 nights" in box and "Cleaning fee" in box and "Service fee" in box
    assert money(quote.total) in box
    assert f'href="/rooms/{listing.pk}/book/?check_in={days(10)}&amp;check_out={days(13)}&amp;guests=2"' in (
        response.content.decode()
    )
    assert ">Reserve</a>" in box
    assert '<script src="/static/js/booking.js" defer></script>' in page
    audit(response)


def test_booking_box_shows_weekly_discount_line(client):
    listing = ListingFactory(base_price=Decimal("100"), cleaning_fee=Decimal("0"), weekly_discount_pct=10)
    response = client.get(listing.get_absolute_url(), stay(10, 7))
    assert "Weekly stay discount (10%) − minus €70" in words(response)
    page = text(response)
    quote = price_quote(listing=listing, check_in=days(10), check_out=days(17), guests=2)
    assert money(quote.total) in page


def test_booking_box_without_dates_has_no_reserve_button(client, listing):
    response = client.get(listing.get_absolute_url())
    page = text(response)
    assert "Add your dates to see the total price." in page
    assert "Reserve" not in page
    assert 'name="check_in"' in page and 'name="check_out"' in page and 'name="guests"' in page
    audit(response)


def test_taken_dates_show_alternatives_that_refill_the_form(client, listing, guest):
    book(guest=guest, listing=listing, start=10, nights=3)
    response = client.get(listing.get_absolute_url(), stay(11, 2))
    assert response.status_code == 200
    page = text(response)
    assert "These dates are not available." in page
    assert "Reserve" not in page
    alternatives = calendar_nearest_available(listing=listing, check_in=days(11), nights=2, today=days(0))
    assert alternatives
    for check_in, check_out in alternatives:
        assert f'href="?check_in={check_in}&check_out={check_out}&guests=2#booking"' in page
    audit(response)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"check_in": "soon", "check_out": "later"}, "Enter a date like"),
        ({"check_in": str(days(5)), "check_out": str(days(3))}, "Check-out must be after check-in."),
        ({"check_in": str(days(5))}, "Add a check-out date."),
        ({"check_in": str(days(5)), "check_out": str(days(7)), "guests": "0"}, "At least 1 guest."),
        ({"check_in": str(days(5)), "check_out": str(days(7)), "guests": "many"}, "whole number"),
        ({"check_in": str(days(5)), "check_out": str(days(7)), "guests": "9"}, "sleeps at most 4 guests"),
        ({"check_in": str(days(-3)), "check_out": str(days(2))}, "Check-in cannot be in the past."),
        ({"check_in": str(days(5)), "check_out": str(days(3000))}, "at most 1125 nights"),
    ],
)
def test_bad_booking_box_params_show_inline_errors(client, listing, params, message):
    response = client.get(listing.get_absolute_url(), params)
    assert response.status_code == 200
    page = text(response)
    assert message in page
    assert 'class="field__error"' in page and 'aria-invalid="true"' in page
    assert "Reserve" not in page
    audit(response)


def test_host_sees_own_listing_note_instead_of_reserve(listing):
    page = text(logged_in(listing.host).get(listing.get_absolute_url(), stay()))
    assert "This is your listing, so you can't book it." in page
    assert "Reserve" not in page
    assert "Total" in page  # the host still sees what guests pay


def test_availability_calendar_marks_taken_nights(client, listing, guest):
    book(guest=guest, listing=listing, start=3, nights=2)
    response = client.get(listing.get_absolute_url())
    page = response.content.decode()
    today = timezone.localdate()
    assert f"<caption>{today:%B %Y}</caption>" in page
    assert page.count('<table class="cal"') == 3
    assert page.count('<th scope="col"><abbr title="Monday">Mo</abbr></th>') == 3
    taken = [days(3), days(4)]
    cells = re.findall(
        r'<td class="cal__day cal__day--taken" data-date="[\d-]+"><span class="cal__num">(\d+)</span>', page
    )
    assert [str(d.day) for d in taken] == cells
    first, last = taken
    if first.month == last.month:
        assert f"Booked or blocked in {first:%B}: {first.day}–{last.day}." in words(response)
    audit(response)


# --- checkout ----------------------------------------------------------------------------


def test_checkout_requires_login(client, listing):
    response = client.get(checkout_url(listing), stay())
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert "book/%3Fcheck_in%3D" in response["Location"]


def test_checkout_page_shows_stay_policy_and_test_cards(guest_client, listing):
    response = guest_client.get(checkout_url(listing), stay())
    assert response.status_code == 200
    page = text(response)
    assert "Confirm and pay" in page and "Instant Book" in page
    assert listing.title in page
    assert "Full refund until 24 hours before check-in." in page
    assert money(Decimal("358.40")) in page
    for number in ("4242 4242 4242 4242", "4000 0000 0000 0002", "4000 0000 0000 9995"):
        assert number in page
    assert 'name="csrfmiddlewaretoken"' in page
    uuid.UUID(hidden_key(response))
    assert 'id="pay_message"' in page and 'id="pay_card_number"' in page
    audit(response)


def test_request_to_book_checkout_says_no_charge_until_accepted(guest_client, request_listing):
    response = guest_client.get(checkout_url(request_listing), stay())
    page = text(response)
    assert "Request to book" in page
    assert "You won't be charged until the host accepts." in page
    audit(response)


def test_checkout_without_dates_or_with_bad_ones_shows_inline_errors(guest_client, listing):
    empty = guest_client.get(checkout_url(listing))
    assert empty.status_code == 200
    assert "Choose your dates to see the price." in text(empty)
    audit(empty)
    bad = guest_client.get(checkout_url(listing), {"check_in": str(days(5)), "check_out": str(days(4))})
    assert bad.status_code == 200
    assert "Check-out must be after check-in." in text(bad)
    assert 'name="card_number"' not in text(bad)
    audit(bad)


def test_checkout_for_own_listing_offers_no_payment(listing):
    page = text(logged_in(listing.host).get(checkout_url(listing), stay()))
    assert "This is your listing, so you can't book it." in page
    assert 'name="card_number"' not in page


def test_post_with_good_card_confirms_and_redirects_to_trip(guest_client, guest, listing):
    body = checkout_form(guest_client, listing)
    response = guest_client.post(checkout_url(listing), body)
    booking = Booking.objects.get(guest=guest)
    assert response.status_code == 302
    assert response["Location"] == f"/trips/{booking.pk}/"
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.total == Decimal("358.40")
    assert booking.message_to_host == "Hi!"
    assert booking.payment.payment_method == "pm_card_visa"  # never the card number
    trip = guest_client.get(response["Location"])
    assert "Booking confirmed" in text(trip)


def test_request_to_book_post_sends_a_request(guest_client, guest, request_listing):
    body = checkout_form(guest_client, request_listing)
    response = guest_client.post(checkout_url(request_listing), body, follow=True)
    booking = Booking.objects.get(guest=guest)
    assert booking.status == BookingStatus.AWAITING_HOST
    page = text(response)
    assert "Request sent" in page and "You won't be charged until the host accepts." in page


def test_pm_ids_are_accepted_as_card(guest_client, guest, listing):
    body = {**checkout_form(guest_client, listing), "card_number": "pm_card_visa"}
    assert guest_client.post(checkout_url(listing), body).status_code == 302
    assert Booking.objects.get(guest=guest).status == BookingStatus.CONFIRMED


def test_unknown_card_number_is_an_inline_error(guest_client, listing):
    body = {**checkout_form(guest_client, listing), "card_number": "1234 5678"}
    response = guest_client.post(checkout_url(listing), body)
    assert response.status_code == 200
    page = text(response)
    assert "Use one of the test card numbers listed below." in page
    assert 'id="pay_card_number_error"' in page
    assert "1234 5678" not in page  # a card number is never echoed back
    assert hidden_key(response) == body["idempotency_key"]  # nothing ran: same attempt
    assert not Booking.objects.exists()
    audit(response)


@pytest.mark.parametrize(
    "number, message",
    [
        (DECLINED_NUMBER, "Your card was declined. Your dates are still free — try another card."),
        (NO_FUNDS_NUMBER, "Your card was declined for insufficient funds. Your dates are still free"),
    ],
)
def test_declined_card_shows_error_and_leaves_the_dates_free(guest_client, guest, listing, number, message):
    body = {**checkout_form(guest_client, listing), "card_number": number}
    response = guest_client.post(checkout_url(listing), body)
    assert response.status_code == 200
    page = text(response)
    assert message in page
    assert 'id="pay_card_number_error"' in page
    assert not CalendarNight.objects.filter(listing=listing).exists()
    assert Booking.objects.get(guest=guest).status == BookingStatus.PAYMENT_FAILED
    new_key = hidden_key(response)
    assert new_key != body["idempotency_key"]  # the next try is a new attempt
    audit(response)

    retry = guest_client.post(checkout_url(listing), {**body, "idempotency_key": new_key, "card_number": VISA_NUMBER})
    assert retry.status_code == 302
    assert Booking.objects.filter(guest=guest, status=BookingStatus.CONFIRMED).count() == 1


def test_same_form_submitted_twice_books_once(guest_client, guest, listing):
    body = checkout_form(guest_client, listing)
    first = guest_client.post(checkout_url(listing), body)
    second = guest_client.post(checkout_url(listing), body)
    assert Booking.objects.filter(guest=guest).count() == 1
    booking = Booking.objects.get(guest=guest)
    assert first["Location"] == second["Location"] == f"/trips/{booking.pk}/"


@pytest.mark.django_db(transaction=True)
def test_double_click_while_the_first_submission_runs_books_once(guest, listing, monkeypatch):
    authorize = LocalGateway.authorize

    def slow_authorize(self, **kwargs):
        time.sleep(0.5)  # the second click arrives while the card is being authorised
        return authorize(self, **kwargs)

    monkeypatch.setattr(LocalGateway, "authorize", slow_authorize)
    outcomes = []

    def spy_idempotent(**kwargs):
        try:
            result = idempotent(**kwargs)
        except IdempotencyInProgress:
            outcomes.append("in progress")
            raise
        outcomes.append("replayed" if result[2] else "ran")
        return result

    monkeypatch.setattr(booking_views, "idempotent", spy_idempotent)
    body = checkout_form(logged_in(guest), listing)
    responses = run_concurrently([lambda: logged_in(guest).post(checkout_url(listing), body) for _ in range(2)])
    booking = Booking.objects.get(guest=guest)
    assert booking.status == BookingStatus.CONFIRMED
    assert "in progress" in outcomes and sorted(set(outcomes)) == ["in progress", "ran", "replayed"]
    assert [r.status_code for r in responses] == [302, 302]
    assert {r["Location"] for r in responses} == {f"/trips/{booking.pk}/"}


def test_declined_form_resubmitted_with_old_key_and_another_card_is_a_new_attempt(guest_client, guest, listing):
    body = {**checkout_form(guest_client, listing), "card_number": DECLINED_NUMBER}
    guest_client.post(checkout_url(listing), body)
    # The traveller goes back to the earlier page (old key) and types another card.
    response = guest_client.post(checkout_url(listing), {**body, "card_number": VISA_NUMBER})
    assert response.status_code == 302
    statuses = sorted(Booking.objects.filter(guest=guest).values_list("status", flat=True))
    assert statuses == [BookingStatus.CONFIRMED, BookingStatus.PAYMENT_FAILED]


def test_declined_form_replayed_unchanged_shows_the_same_error(guest_client, guest, listing):
    body = {**checkout_form(guest_client, listing), "card_number": DECLINED_NUMBER}
    guest_client.post(checkout_url(listing), body)
    again = guest_client.post(checkout_url(listing), body)
    assert "Your card was declined." in text(again)
    assert Booking.objects.filter(guest=guest).count() == 1  # replayed, not charged again


def test_payment_service_down_says_nothing_was_charged(guest_client, guest, listing, settings):
    settings.PAYMENTS_LOCAL_FAULT = "error"
    body = checkout_form(guest_client, listing)
    response = guest_client.post(checkout_url(listing), body)
    assert response.status_code == 200
    assert "We couldn't reach the payment service. Nothing was charged; please try again." in text(response)
    assert hidden_key(response) == body["idempotency_key"]  # retrying is the same attempt
    assert not Booking.objects.filter(guest=guest, status__in=["confirmed", "pending_payment"]).exists()
    assert not CalendarNight.objects.filter(listing=listing).exists()
    audit(response)

    settings.PAYMENTS_LOCAL_FAULT = ""
    breaker.close()
    retry = guest_client.post(checkout_url(listing), body)
    assert retry.status_code == 302
    assert Booking.objects.filter(guest=guest, status=BookingStatus.CONFIRMED).count() == 1


def test_dates_taken_meanwhile_show_alternatives_as_checkout_links(guest_client, guest, listing):
    body = checkout_form(guest_client, listing)
    book(guest=UserFactory(), listing=listing, start=10, nights=3)
    response = guest_client.post(checkout_url(listing), body)
    assert response.status_code == 200
    page = text(response)
    assert "These dates are not available." in page
    alternatives = calendar_nearest_available(listing=listing, check_in=days(10), nights=3, today=days(0))
    assert alternatives
    for check_in, check_out in alternatives:
        assert f'href="/rooms/{listing.pk}/book/?check_in={check_in}&check_out={check_out}&guests=2"' in page
    assert 'name="card_number"' not in page
    assert not Booking.objects.filter(guest=guest).exists()
    audit(response)


def test_too_many_guests_on_post_is_inline_error(guest_client, guest, listing):
    body = {**checkout_form(guest_client, listing), "guests": 9}
    response = guest_client.post(checkout_url(listing), body)
    assert response.status_code == 200
    page = text(response)
    assert "This place sleeps at most 4 guests." in page
    assert 'id="stay_guests_error"' in page
    assert not Booking.objects.exists()


def test_checkout_post_without_csrf_token_is_rejected(guest, listing):
    client = Client(enforce_csrf_checks=True)
    client.force_login(guest)
    body = checkout_form(client, listing)
    response = client.post(checkout_url(listing), body)
    assert response.status_code == 403
    assert not Booking.objects.exists()


def test_unpublished_listing_checkout_is_404(guest_client):
    listing = ListingFactory(status="draft")
    assert guest_client.get(checkout_url(listing), stay()).status_code == 404


# --- trips -------------------------------------------------------------------------------


def test_trips_page_lists_each_trip_in_its_section(guest_client, guest, listing):
    upcoming = book(guest=guest, listing=listing, start=10, nights=2)
    past = book(guest=guest, listing=ListingFactory(title="Old cabin"), start=20, nights=2)
    Booking.objects.filter(pk=past.pk).update(check_in=days(-10), check_out=days(-8), status=BookingStatus.COMPLETED)
    failed_listing = ListingFactory(title="Card trouble loft")
    with pytest.raises(PaymentDeclined):
        book(guest=guest, listing=failed_listing, start=30, nights=2, card=DECLINED)
    response = guest_client.get("/trips/")
    assert response.status_code == 200
    page = text(response)
    assert upcoming.listing.title in section(page, "trips-upcoming")
    assert f'href="/trips/{upcoming.pk}/"' in section(page, "trips-upcoming")
    assert "Confirmed" in section(page, "trips-upcoming")
    assert "Old cabin" in section(page, "trips-past") and "Completed" in section(page, "trips-past")
    assert "Card trouble loft" in section(page, "trips-cancelled")
    assert "Payment failed" in section(page, "trips-cancelled")
    assert "Old cabin" not in section(page, "trips-upcoming")
    page_audit = audit(response)
    assert any(img["alt"] == "Living room" for img in page_audit.images)


def test_trips_page_when_empty(guest_client):
    response = guest_client.get("/trips/")
    assert "No trips booked… yet!" in text(response)
    audit(response)


def test_trip_detail_shows_receipt_and_address_once_confirmed(guest_client, guest, listing, request_listing):
    booking = book(guest=guest, listing=listing, start=10, nights=3)
    response = guest_client.get(f"/trips/{booking.pk}/")
    assert response.status_code == 200
    page = text(response)
    assert booking.reference in page
    assert "12 Canal Street" in page and "after 15:00" in page
    assert listing.host.display_name in page
    assert "€100 × 3 nights" in page and money(booking.total) in page
    assert "Captured" in page  # payment status
    assert f'href="/trips/{booking.pk}/cancel/"' in page
    audit(response)

    request = book(guest=guest, listing=request_listing, start=10, nights=3)
    pending = text(guest_client.get(f"/trips/{request.pk}/"))
    assert request_listing.address not in pending
    assert "after 15:00" not in pending
    assert "You won't be charged until the host accepts." in pending


def test_cancel_page_previews_refund_and_post_cancels(guest_client, guest, listing):
    booking = book(guest=guest, listing=listing, start=10, nights=3)
    response = guest_client.get(f"/trips/{booking.pk}/cancel/")
    assert response.status_code == 200
    page = text(response)
    assert f"If you cancel now, you get back {money(booking.total)}" in page
    assert "You are within the free cancellation period." in page
    audit(response)
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED  # GET changes nothing

    done = guest_client.post(f"/trips/{booking.pk}/cancel/", {"reason": "Plans changed"}, follow=True)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED_BY_GUEST
    assert booking.refund_amount == booking.total
    page = text(done)
    assert f"Your booking was cancelled. Refund: {money(booking.total)}." in page
    assert "Refund" in page and "Cancel booking" not in page
    assert not CalendarNight.objects.filter(listing=listing, status__in=["held", "booked"]).exists()


def test_cancel_page_for_a_finished_booking_offers_nothing(guest_client, guest, listing):
    booking = book(guest=guest, listing=listing, start=10, nights=3)
    Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.COMPLETED)
    response = guest_client.get(f"/trips/{booking.pk}/cancel/")
    assert "This booking can't be cancelled." in text(response)
    assert 'method="post"' not in text(response).split("<main", 1)[1]


def test_other_users_get_404_on_trips_and_cannot_change_them(guest, listing):
    booking = book(guest=guest, listing=listing, start=10, nights=3)
    stranger = logged_in(UserFactory())
    host = logged_in(listing.host)
    for client in (stranger, host):  # the host has the reservation pages, not the trip
        assert client.get(f"/trips/{booking.pk}/").status_code == 404
        assert client.get(f"/trips/{booking.pk}/cancel/").status_code == 404
        assert client.post(f"/trips/{booking.pk}/cancel/").status_code == 404
    assert stranger.get("/trips/").content.decode().count(f"/trips/{booking.pk}/") == 0
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_staff_can_see_any_trip(guest, listing):
    booking = book(guest=guest, listing=listing, start=10, nights=3)
    assert logged_in(UserFactory(is_staff=True)).get(f"/trips/{booking.pk}/").status_code == 200


# --- host reservations ------------------------------------------------------------------


@pytest.fixture
def host_client(request_listing):
    return logged_in(request_listing.host)


def test_reservations_page_lists_requests_with_time_left_and_actions(host_client, guest, request_listing):
    request = book(guest=guest, listing=request_listing, start=10, nights=3)
    response = host_client.get("/hosting/reservations/")
    assert response.status_code == 200
    page = text(response)
    requests = section(page, "reservations-requests")
    assert "Gina" in requests and request_listing.title in requests
    assert "Respond within" in requests
    assert f'action="/hosting/reservations/{request.pk}/accept/"' in requests
    assert f'action="/hosting/reservations/{request.pk}/decline/"' in requests
    audit(response)


def test_host_accepts_from_the_reservations_page(host_client, guest, request_listing):
    request = book(guest=guest, listing=request_listing, start=10, nights=3)
    response = host_client.post(
        f"/hosting/reservations/{request.pk}/accept/", {"next": "/hosting/reservations/"}, follow=True
    )
    request.refresh_from_db()
    assert request.status == BookingStatus.CONFIRMED
    assert response.redirect_chain[-1][0] == "/hosting/reservations/"
    page = text(response)
    assert "Reservation confirmed: Gina arrives" in page
    assert request_listing.title in section(page, "reservations-upcoming")


def test_host_declines_from_the_reservations_page(host_client, guest, request_listing):
    request = book(guest=guest, listing=request_listing, start=10, nights=3)
    response = host_client.post(
        f"/hosting/reservations/{request.pk}/decline/", {"next": "/hosting/reservations/"}, follow=True
    )
    request.refresh_from_db()
    assert request.status == BookingStatus.DECLINED
    assert "Request declined." in text(response)
    assert request_listing.title in section(text(response), "reservations-cancelled")
    assert not CalendarNight.objects.filter(listing=request_listing, status="held").exists()


def test_host_action_ignores_offsite_next(host_client, guest, request_listing):
    request = book(guest=guest, listing=request_listing, start=10, nights=3)
    response = host_client.post(f"/hosting/reservations/{request.pk}/accept/", {"next": "https://evil.example/"})
    assert response["Location"] == f"/hosting/reservations/{request.pk}/"


def test_reservation_detail_shows_guest_message_and_payout(guest, request_listing, host_client):
    request = Booking.objects.get(pk=book(guest=guest, listing=request_listing, start=10, nights=3).pk)
    Booking.objects.filter(pk=request.pk).update(message_to_host="We love canals.")
    response = host_client.get(f"/hosting/reservations/{request.pk}/")
    assert response.status_code == 200
    page = text(response)
    assert "Guest: Gina" in page and "We love canals." in page
    assert money(Decimal(request.price_breakdown["host_payout"])) in page
    assert "Accept request" in page and "Decline request" in page
    audit(response)


def test_accepting_an_expired_request_explains(host_client, guest, request_listing):
    request = book(guest=guest, listing=request_listing, start=10, nights=3)
    Booking.objects.filter(pk=request.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    page = text(host_client.get(f"/hosting/reservations/{request.pk}/"))
    assert "This request has expired" in page and "Accept request" not in page
    response = host_client.post(f"/hosting/reservations/{request.pk}/accept/", follow=True)
    assert "This request has expired." in text(response)
    request.refresh_from_db()
    assert request.status == BookingStatus.AWAITING_HOST


def test_host_cancel_confirmation_then_cancel(guest, listing):
    booking = book(guest=guest, listing=listing, start=10, nights=3)
    host = logged_in(listing.host)
    detail = text(host.get(f"/hosting/reservations/{booking.pk}/"))
    assert f'href="/hosting/reservations/{booking.pk}/cancel/"' in detail
    response = host.get(f"/hosting/reservations/{booking.pk}/cancel/")
    assert response.status_code == 200
    page = words(response)
    assert "full refund" in page and "stay blocked" in page and "counts against you" in page
    audit(response)
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED

    done = host.post(f"/hosting/reservations/{booking.pk}/cancel/", {"reason": "Burst pipe"}, follow=True)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED_BY_HOST
    assert booking.refund_amount == booking.total
    assert HostCancellation.objects.filter(booking=booking).exists()
    assert CalendarNight.objects.filter(listing=listing, status="blocked").count() == 3
    assert f"Gina gets a full refund of {money(booking.total)}" in text(done)


def test_strangers_and_guests_get_404_on_host_pages_and_change_nothing(guest, listing, request_listing):
    confirmed = book(guest=guest, listing=listing, start=10, nights=3)
    request = book(guest=guest, listing=request_listing, start=10, nights=3)
    for client in (logged_in(UserFactory()), logged_in(guest)):
        for booking in (confirmed, request):
            assert client.get(f"/hosting/reservations/{booking.pk}/").status_code == 404
            assert client.get(f"/hosting/reservations/{booking.pk}/cancel/").status_code == 404
        assert client.post(f"/hosting/reservations/{request.pk}/accept/").status_code == 404
        assert client.post(f"/hosting/reservations/{request.pk}/decline/").status_code == 404
        assert client.post(f"/hosting/reservations/{confirmed.pk}/cancel/").status_code == 404
        assert request_listing.title not in text(client.get("/hosting/reservations/"))
    assert Booking.objects.get(pk=confirmed.pk).status == BookingStatus.CONFIRMED
    assert Booking.objects.get(pk=request.pk).status == BookingStatus.AWAITING_HOST


def test_reservation_pages_are_in_the_host_layout_under_reservations(guest, listing, request_listing):
    confirmed = book(guest=guest, listing=listing, start=10, nights=3)
    for host, url in (
        (request_listing.host, "/hosting/reservations/"),
        (listing.host, f"/hosting/reservations/{confirmed.pk}/"),
        (listing.host, f"/hosting/reservations/{confirmed.pk}/cancel/"),
    ):
        response = logged_in(host).get(url)
        assert response.status_code == 200, url
        assert host_nav_current(response.content.decode()) == ["reservations"], url
    # A guest's own trip pages stay out of hosting mode.
    assert 'class="host-nav"' not in logged_in(guest).get(f"/trips/{confirmed.pk}/").content.decode()


def test_host_actions_need_post_and_login(client, guest, request_listing, host_client):
    request = book(guest=guest, listing=request_listing, start=10, nights=3)
    assert host_client.get(f"/hosting/reservations/{request.pk}/accept/").status_code == 405
    anonymous = client.post(f"/hosting/reservations/{request.pk}/accept/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert client.get("/trips/").status_code == 302
    assert Booking.objects.get(pk=request.pk).status == BookingStatus.AWAITING_HOST


def test_header_links_to_trips_and_reservations(guest_client, client):
    page = guest_client.get("/").content.decode()
    assert 'href="/trips/"' in page and 'href="/hosting/reservations/"' in page
    anonymous = client.get("/").content.decode()
    assert 'href="/trips/"' not in anonymous


def test_list_pages_query_count_does_not_grow_with_bookings(guest, guest_client, request_listing, host_client):
    def count(client, url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    book(guest=guest, listing=request_listing, start=10, nights=2)
    one = count(guest_client, "/trips/"), count(host_client, "/hosting/reservations/")
    for start in (20, 30, 40):
        book(guest=guest, listing=request_listing, start=start, nights=2)
        book(guest=guest, listing=ListingFactory(host=request_listing.host), start=start, nights=2)
    assert (count(guest_client, "/trips/"), count(host_client, "/hosting/reservations/")) == one


def test_checkout_refuses_a_changed_price_and_shows_the_new_one(client):
    from availability.services import calendar_set_nights
    from tests.accounts.factories import UserFactory
    from tests.listings.factories import ListingFactory

    listing = ListingFactory(instant_book=True, base_price=Decimal("100"), cleaning_fee=Decimal("0"))
    guest = UserFactory()
    client.force_login(guest)
    url = f"/rooms/{listing.pk}/book/"
    stay = {"check_in": days(10).isoformat(), "check_out": days(12).isoformat(), "guests": 1}
    page = client.get(url, stay).content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    shown = re.search(r'name="expected_total" value="([^"]+)"', page).group(1)
    assert shown == "224.00"
    calendar_set_nights(listing=listing, start=days(10), end=days(12), price=Decimal("150"))
    response = client.post(
        url, {**stay, "idempotency_key": key, "expected_total": shown, "card_number": "4242424242424242", "message": ""}
    )
    assert response.status_code == 200
    assert "The price of this stay is now 336.00" in response.content.decode()
    assert not Booking.objects.exists()
    new_total = re.search(r'name="expected_total" value="([^"]+)"', response.content.decode()).group(1)
    new_key = re.search(r'name="idempotency_key" value="([^"]+)"', response.content.decode()).group(1)
    assert new_total == "336.00" and new_key != key
    done = client.post(
        url,
        {
            **stay,
            "idempotency_key": new_key,
            "expected_total": new_total,
            "card_number": "4242424242424242",
            "message": "",
        },
    )
    assert done.status_code == 302
    assert Booking.objects.get().total == Decimal("336.00")


def test_trips_sections_page_twenty_at_a_time_and_keep_each_others_page(guest_client, guest, listing):
    stays = [book(guest=guest, listing=listing, start=10 + 3 * n, nights=2) for n in range(23)]
    # All in the past now, the latest first; one more upcoming trip on another listing.
    for n, booking in enumerate(stays):
        Booking.objects.filter(pk=booking.pk).update(
            check_in=days(-100 + 3 * n), check_out=days(-98 + 3 * n), status=BookingStatus.COMPLETED
        )
    upcoming = book(guest=guest, listing=ListingFactory(title="Next summer"), start=40, nights=2)
    page = text(guest_client.get("/trips/"))
    past = section(page, "trips-past")
    assert "(23)" in past and past.count('href="/trips/') == 20
    assert f'href="/trips/{stays[-1].pk}/"' in past and f'href="/trips/{stays[2].pk}/"' not in past
    assert "Page 1 of 2" in past and 'href="?past=2#trips-past"' in past and 'rel="prev"' not in past
    assert "Next summer" in section(page, "trips-upcoming") and "Page 1 of" not in section(page, "trips-upcoming")

    second = text(guest_client.get("/trips/?past=2&upcoming=1"))
    past = section(second, "trips-past")
    assert past.count('href="/trips/') == 3 and f'href="/trips/{stays[0].pk}/"' in past
    assert 'href="?past=1&upcoming=1#trips-past"' in past  # the other section's page is kept
    assert f'href="/trips/{upcoming.pk}/"' in section(second, "trips-upcoming")
    for odd in ("?past=99", "?past=abc", "?past=-1"):
        assert guest_client.get(f"/trips/{odd}").status_code == 200  # the nearest page, never an error


def test_host_reservations_page_by_section(client, guest, listing):
    stays = [book(guest=guest, listing=listing, start=10 + 3 * n, nights=2) for n in range(21)]
    client.force_login(listing.host)
    page = text(client.get("/hosting/reservations/"))
    upcoming = section(page, "reservations-upcoming")
    assert "(21)" in upcoming and upcoming.count('href="/hosting/reservations/') == 20
    assert f'href="/hosting/reservations/{stays[0].pk}/"' in upcoming  # soonest first
    last = section(text(client.get("/hosting/reservations/?upcoming=2")), "reservations-upcoming")
    assert last.count('href="/hosting/reservations/') == 1 and f"/hosting/reservations/{stays[-1].pk}/" in last
