"""Journey 4: a declined card says so clearly and leaves the dates free; a good card then books them."""

from __future__ import annotations

import re

from django.db import connection
from playwright.sync_api import expect

from availability.models import TAKEN_NIGHT_STATUSES, CalendarNight, NightStatus
from bookings.models import Booking, BookingStatus

from .world import DECLINED_CARD, GOOD_CARD, PASSWORD, day, paris_listing, person


def nights_taken(listing, check_in, check_out) -> list[str]:
    return list(
        CalendarNight.objects.filter(
            listing=listing, date__gte=check_in, date__lt=check_out, status__in=TAKEN_NIGHT_STATUSES
        ).values_list("status", flat=True)
    )


def dates_unavailable_in_search_column(listing, check_in, check_out) -> bool:
    """What date search reads: the listing's ``unavailable`` multirange overlaps the stay."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT unavailable && daterange(%s, %s) FROM listings_listing WHERE id = %s",
            [check_in, check_out, listing.pk],
        )
        return cursor.fetchone()[0]


def test_a_declined_card_shows_a_clear_message_and_leaves_the_dates_free(open_tab):
    host = person("Hugo", "hugo@example.com")
    guest = person("Gina", "gina@example.com")
    listing = paris_listing(host=host, title="Flat on the Rue Oberkampf", instant_book=True)
    check_in, check_out = day(20), day(24)

    tab = open_tab("guest")
    page = tab.page
    tab.goto("/accounts/login/")
    tab.log_in(guest.email, PASSWORD)
    tab.goto(f"{listing.get_absolute_url()}?check_in={check_in}&check_out={check_out}&guests=2")
    tab.click(page.get_by_role("link", name="Reserve"))
    total_text = page.get_by_role("button", name=re.compile(r"^Confirm and pay")).inner_text()

    page.get_by_label("Card number").fill(DECLINED_CARD)
    tab.click(page.get_by_role("button", name=re.compile(r"^Confirm and pay")))

    # A clear message, next to the card field and in the summary read out first.
    message = "Your card was declined. Your dates are still free — try another card."
    assert tab.path.startswith(f"/rooms/{listing.pk}/book/")
    expect(page.locator(".field__error")).to_have_text(message)
    expect(page.locator("[data-error-summary]")).to_contain_text(message)
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.get_by_label("Card number")).to_have_value("")  # never written back into the page
    expect(page.get_by_label("Card number")).to_have_attribute("aria-invalid", "true")

    failed = Booking.objects.get(guest=guest)
    assert failed.status == BookingStatus.PAYMENT_FAILED
    assert nights_taken(listing, check_in, check_out) == []
    assert not dates_unavailable_in_search_column(listing, check_in, check_out)

    # The same dates, with a good card: booked.
    assert page.get_by_role("button", name=re.compile(r"^Confirm and pay")).inner_text() == total_text
    page.get_by_label("Card number").fill(GOOD_CARD)
    tab.click(page.get_by_role("button", name=re.compile(r"^Confirm and pay")))
    booked = Booking.objects.exclude(pk=failed.pk).get(guest=guest)
    assert tab.path == f"/trips/{booked.pk}/"
    assert "Booking confirmed!" in tab.flash()
    assert (booked.status, booked.check_in, booked.check_out) == (BookingStatus.CONFIRMED, check_in, check_out)
    assert nights_taken(listing, check_in, check_out) == [NightStatus.BOOKED] * 4
    assert dates_unavailable_in_search_column(listing, check_in, check_out)
    failed.refresh_from_db()
    assert failed.status == BookingStatus.PAYMENT_FAILED
