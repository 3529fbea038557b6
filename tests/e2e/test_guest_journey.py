"""Journey 1: a guest finds a room in Paris, books it with a test card, and writes to the host."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from playwright.sync_api import expect

from bookings.models import Booking, BookingStatus
from messaging.models import Message, Thread
from payments.models import PaymentStatus
from pricing.selectors import price_quote

from .browser import Tab
from .world import GOOD_CARD, PASSWORD, day, money_value, paris_world, person


def summary_count(tab: Tab) -> int:
    text = tab.page.locator("[data-summary]").inner_text()
    match = re.match(r"(\d+) stays? in Paris", text)
    assert match, f"unexpected search summary: {text!r}"
    return int(match.group(1))


def shown_listing_ids(tab: Tab) -> set[int]:
    ids = tab.page.locator(".search-cards > li").evaluate_all("items => items.map(item => item.dataset.listingId)")
    return {int(value) for value in ids}


def breakdown_on_page(tab: Tab, scope: str) -> tuple[list[tuple[str, object]], object]:
    """(label, amount) of each line of the price breakdown in ``scope``, and its total."""
    box = tab.page.locator(f"{scope} .breakdown")
    lines = []
    for row in box.locator(".breakdown__line").all():
        lines.append((row.locator("dt").inner_text().strip(), money_value(row.locator("dd").inner_text())))
    return lines, money_value(box.locator(".breakdown__total dd").inner_text())


def test_guest_searches_books_with_a_card_and_messages_the_host(open_tab):
    host = person("Hugo", "hugo@example.com")
    guest = person("Gina", "gina@example.com")
    listings = paris_world(host)
    room = listings["room"]
    check_in, check_out = day(30), day(33)
    quote = price_quote(listing=room, check_in=check_in, check_out=check_out, guests=2)

    tab = open_tab("guest")
    page = tab.page
    tab.goto("/")
    # Static files are served: the stylesheet styles the page and the scripts ran.
    assert page.evaluate("() => [...document.styleSheets].some(s => s.href && s.href.endsWith('/static/css/app.css'))")
    assert page.locator(".site-header").evaluate("el => getComputedStyle(el).position") != "static"

    # Home -> search "Paris" for two guests with dates.
    hero = page.locator(".hero")
    hero.get_by_label("Where").fill("Paris")
    hero.get_by_label("Check-in").fill(check_in.isoformat())
    hero.get_by_label("Check-out").fill(check_out.isoformat())
    hero.get_by_label("Guests").fill("2")
    tab.click(hero.get_by_role("button", name="Search"))
    assert tab.path.startswith("/search/?")
    assert summary_count(tab) == 5
    assert shown_listing_ids(tab) == {listing.pk for listing in listings.values()}
    expect(page.locator("[data-summary]")).to_contain_text("2 guests")
    # Cards lead to the listing with the searched stay and party.
    stay_query = f"?check_in={check_in}&check_out={check_out}&guests=2"
    room_link = page.locator(f'.search-cards > li[data-listing-id="{room.pk}"] a.card__link')
    expect(room_link).to_have_attribute("href", room.get_absolute_url() + stay_query)

    # A filter applied in place (search.js asks the API): the count and the cards change, the URL follows.
    # Filters live behind the "Filters" button; the sheet's "Show N stays" button closes it.
    page.locator("[data-filters] > summary").click()
    page.get_by_label("Private room").check()
    expect(page.locator("[data-summary]")).to_have_text(re.compile(r"^2 stays in Paris"))
    page.get_by_role("button", name="Show 2 stays").click()
    expect(page.locator(".search-cards > li")).to_have_count(2)
    assert shown_listing_ids(tab) == {listings["room"].pk, listings["quiet_room"].pk}
    assert "room_type=private" in page.url
    expect(room_link).to_have_attribute("href", room.get_absolute_url() + stay_query)  # redrawn by search.js
    tab.audit()

    # Open the room: the listing page quotes the searched stay, for the searched guests.
    card = page.locator(f'.search-cards > li[data-listing-id="{room.pk}"]')
    # The card shows whole units (rounded half up); the listing page and checkout show the exact total.
    assert money_value(card.locator(".card__total").inner_text()) == quote.total.quantize(Decimal(1), ROUND_HALF_UP)
    tab.click(card.get_by_role("link", name=room.title))
    assert tab.path.startswith(room.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(room.title)
    expect(page.locator("#stay_guests")).to_have_value("2")
    expect(page.locator("[data-booking-result]")).to_contain_text("Available for 3 nights")
    lines, total = breakdown_on_page(tab, "[data-booking-result]")
    assert [amount for _, amount in lines] == [line.amount for line in quote.lines]
    assert lines[0][0].endswith("3 nights") and total == quote.total

    # Reserve: log in on the way, then checkout shows the same stay and price.
    tab.click(page.get_by_role("link", name="Reserve"))
    assert tab.path.startswith("/accounts/login/")
    tab.log_in(guest.email, PASSWORD)
    assert tab.path.startswith(f"/rooms/{room.pk}/book/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm and pay")
    assert breakdown_on_page(tab, ".checkout__summary")[1] == quote.total
    page.get_by_label("Message the host").fill("Hello Hugo! Two of us, arriving by train around 16:00.")
    page.get_by_label("Card number").fill(GOOD_CARD)
    tab.click(page.get_by_role("button", name=re.compile(r"^Confirm and pay")))

    booking = Booking.objects.select_related("payment").get(guest=guest)
    assert tab.path == f"/trips/{booking.pk}/"
    assert "Booking confirmed! You're going to Paris" in tab.flash()
    assert booking.listing_id == room.pk
    assert (booking.check_in, booking.check_out, booking.guests) == (check_in, check_out, 2)
    assert booking.status == BookingStatus.CONFIRMED and booking.total == quote.total
    assert booking.payment.status == PaymentStatus.CAPTURED

    # The trip is in "Trips".
    tab.open_account_menu_item("Trips")
    upcoming = page.locator("section", has=page.get_by_role("heading", name=re.compile("^Upcoming")))
    expect(upcoming.get_by_role("link", name=room.title)).to_be_visible()
    tab.click(upcoming.get_by_role("link", name=room.title))
    assert tab.path == f"/trips/{booking.pk}/"
    expect(page.locator(".booking-detail__header")).to_contain_text("Confirmed")

    # Message the host from the trip.
    tab.click(page.get_by_role("link", name="Message Hugo"))
    page.get_by_role("textbox", name="Message", exact=True).fill("Is there a lift in the building?")
    tab.click(page.get_by_role("button", name="Send message"))
    thread = Thread.objects.get(guest=guest, listing=room)
    assert tab.path == f"/inbox/{thread.pk}/"
    expect(page.locator(".chat-message--mine").last).to_contain_text("Is there a lift in the building?")
    assert thread.host_id == host.pk
    assert Message.objects.filter(thread=thread, sender=guest, body="Is there a lift in the building?").exists()
    assert thread.host_unread >= 1
