"""Journey 2: a host lists a place with photos, publishes it, blocks nights, accepts a request and replies."""

from __future__ import annotations

import calendar
import re
from decimal import Decimal

from playwright.sync_api import expect

from availability.models import CalendarNight, NightStatus
from bookings.models import Booking, BookingStatus
from bookings.services.outbox import outbox_dispatch
from listings.models import Listing, ListingStatus
from messaging.models import Message, Thread
from payments.models import PaymentStatus
from pricing.services.demand import demand_signals_flush

from .browser import Tab
from .world import GOOD_CARD, PASSWORD, day, jpeg_bytes, money_value, person


def save_and_continue(tab: Tab) -> None:
    tab.click(tab.page.locator("form.hosting-form").get_by_role("button", name="Save and continue"))


def analytics_figures(tab: Tab, start, end) -> dict[str, str]:
    """Show the host's analytics for ``start``-``end`` (both included) and read the figures."""
    form = tab.page.locator("form.period-form")
    form.get_by_label("From").fill(start.isoformat())
    form.get_by_label("To").fill(end.isoformat())
    tab.click(form.get_by_role("button", name="Show"))
    figures = {}
    for stat in tab.page.locator(".stat-grid .stat").all():
        figures[stat.locator(".stat__label").inner_text()] = stat.locator(".stat__value").inner_text()
    return figures


def test_host_lists_a_place_blocks_nights_and_accepts_a_request(open_tab):
    host = person("Hugo", "hugo@example.com")
    guest = person("Gina", "gina@example.com")
    stay_month = day(45).replace(day=1)
    month_end = stay_month.replace(day=calendar.monthrange(stay_month.year, stay_month.month)[1])
    blocked_first, blocked_last = stay_month.replace(day=10), stay_month.replace(day=12)
    check_in, check_out = stay_month.replace(day=20), stay_month.replace(day=23)

    tab = open_tab("host")
    page = tab.page
    tab.goto("/accounts/login/")
    tab.log_in(host.email, PASSWORD)

    # "List your place", step by step.
    tab.open_account_menu_item("List your place")
    form = page.locator("form.hosting-form")
    form.get_by_label("Title").fill("Attic with a view of Notre-Dame")
    form.get_by_label("Property type").select_option("apartment")
    form.get_by_label("Entire place").check()
    form.get_by_label("Description").fill("A bright attic under the roofs, two minutes from the river.")
    save_and_continue(tab)
    assert "Your draft is saved" in tab.flash()
    listing = Listing.objects.get(host=host)
    assert tab.path == f"/hosting/listings/{listing.pk}/edit/location/"

    form.get_by_label("Street address").fill("12 Quai de Bourbon")
    form.get_by_label("Neighbourhood").fill("Île Saint-Louis")
    form.get_by_label("City or town").fill("Paris")
    form.get_by_label("Country").select_option("FR")
    form.get_by_label("Latitude").fill("48.852300")
    form.get_by_label("Longitude").fill("2.355000")
    save_and_continue(tab)

    form.get_by_label("Guests", exact=True).fill("3")
    form.get_by_label("Bedrooms").fill("1")
    form.get_by_label("Beds").fill("2")
    form.get_by_label("Bathrooms").fill("1")
    save_and_continue(tab)

    form.get_by_label("Wifi").check()
    form.get_by_label("Kitchen").check()
    form.get_by_label("Smoke alarm").check()
    save_and_continue(tab)

    form.get_by_label("Price per night", exact=True).fill("110")
    form.get_by_label("Cleaning fee", exact=True).fill("30")
    form.get_by_label("Minimum nights", exact=True).fill("2")
    form.get_by_label("Maximum nights", exact=True).fill("30")
    form.get_by_label(re.compile("^Instant Book")).uncheck()
    form.get_by_role("radio", name=re.compile("^Flexible")).check()
    save_and_continue(tab)
    assert tab.path == f"/hosting/listings/{listing.pk}/photos/"

    # Photos: two real JPEGs, uploaded through the file input.
    page.get_by_label("Add photos").set_input_files(
        [
            {"name": "living-room.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()},
            {"name": "view.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(colour=(200, 90, 60))},
        ]
    )
    expect(page.locator("[data-dropzone-chosen]")).to_have_text("2 photos chosen.")
    tab.click(page.get_by_role("button", name="Upload photos"))
    assert "Added 2 photos." in tab.flash()
    expect(page.locator(".photo-item img")).to_have_count(2)
    # Wait for the thumbnails to load (a broken image completes with naturalWidth 0 and times this out).
    page.wait_for_function(
        "() => [...document.querySelectorAll('.photo-item img')].every(i => i.complete && i.naturalWidth > 0)",
        timeout=15_000,
    )
    photos = list(listing.photos.order_by("position"))
    assert [(p.width, p.height) for p in photos] == [(800, 600), (800, 600)]
    assert all(p.image_thumb for p in photos), "the variants task ran after the upload"

    # Review and publish.
    tab.click(page.get_by_role("link", name="Continue to review"))
    expect(page.locator(".readiness--ok")).to_contain_text("Everything guests need is here")
    tab.click(page.get_by_role("button", name=re.compile("^Publish")))
    assert "is published. Guests can find and book it now." in tab.flash()
    listing.refresh_from_db()
    assert listing.status == ListingStatus.PUBLISHED and not listing.instant_book
    assert (listing.base_price, listing.min_nights, listing.city) == (Decimal("110.00"), 2, "Paris")
    assert set(listing.amenities) == {"wifi", "kitchen", "smoke-alarm"}

    # Block three nights in the host calendar, choosing them by clicking the month grid.
    tab.open_account_menu_item("Hosting dashboard")
    tab.click(page.locator(".host-nav").get_by_role("link", name="Calendar"))
    tab.click(page.get_by_role("link", name=listing.title))
    for _ in range(3):  # the stay's month is one to three months ahead
        if page.locator(".month-nav__title").inner_text() == f"{stay_month:%B %Y}":
            break
        tab.click(page.locator(".month-nav").get_by_role("link", name=re.compile("›$")))
    expect(page.locator(".month-nav__title")).to_have_text(f"{stay_month:%B %Y}")
    grid = page.locator("[data-range-calendar]")
    grid.locator(f'.day[data-date="{blocked_first}"]').click()
    grid.locator(f'.day[data-date="{blocked_last}"]').click()
    range_form = page.locator("[data-range-form]")
    expect(range_form.get_by_label("First night")).to_have_value(blocked_first.isoformat())
    expect(range_form.get_by_label("Last night")).to_have_value(blocked_last.isoformat())
    range_form.get_by_label("Block these nights", exact=True).check()
    tab.click(range_form.get_by_role("button", name="Apply"))
    assert "Block these nights: done for 3 nights." in tab.flash()
    for night in (blocked_first, day_after(blocked_first), blocked_last):
        expect(page.locator(f'.day[data-date="{night}"] .day__status')).to_have_text("Blocked")
    assert sorted(
        CalendarNight.objects.filter(listing=listing, status=NightStatus.BLOCKED).values_list("date", flat=True)
    ) == [blocked_first, day_after(blocked_first), blocked_last]

    # A guest, in their own browser: the blocked nights are refused, others can be requested.
    guest_tab = open_tab("guest")
    guest_page = guest_tab.page
    guest_tab.goto("/accounts/login/")
    guest_tab.log_in(guest.email, PASSWORD)
    guest_tab.goto(f"{listing.get_absolute_url()}?check_in={blocked_first}&check_out={check_in}&guests=2")
    expect(guest_page.locator("[data-booking-result] .availability-note--no")).to_be_visible()
    expect(guest_page.locator("[data-booking-result]").get_by_role("link", name="Reserve")).to_have_count(0)
    guest_tab.goto(f"{listing.get_absolute_url()}?check_in={check_in}&check_out={check_out}&guests=2")
    expect(guest_page.locator("[data-booking-result]")).to_contain_text("You won't be charged until the host accepts")
    guest_tab.click(guest_page.get_by_role("link", name="Reserve"))
    expect(guest_page.get_by_role("heading", level=1)).to_have_text("Request to book")
    guest_page.get_by_label("Message the host").fill("Hi Hugo, we're visiting for a conference. Is late check-in ok?")
    guest_page.get_by_label("Card number").fill(GOOD_CARD)
    guest_tab.click(guest_page.get_by_role("button", name="Request to book"))
    assert "Request sent." in guest_tab.flash()
    request = Booking.objects.get(guest=guest)
    assert request.status == BookingStatus.AWAITING_HOST
    assert request.payment.status == PaymentStatus.AUTHORIZED  # a hold on the card, not a charge

    # Beat jobs, as a minute passes: the booking outbox (notifications, conversation) and view counts.
    assert outbox_dispatch() >= 1
    demand_signals_flush()

    # The host sees the request; analytics before accepting it.
    tab.click(page.locator(".host-nav").get_by_role("link", name="Analytics"))
    before = analytics_figures(tab, day(0), month_end)
    assert before["Nights booked"].split()[0] == "0"
    assert money_value(before["Revenue"]) == 0
    assert int(before["Listing views"]) >= 2  # the guest's two looks at the listing page

    tab.click(page.locator(".host-nav").get_by_role("link", name="Reservations"))
    requests = page.locator("section", has=page.get_by_role("heading", name=re.compile(r"^Requests \(1\)")))
    expect(requests.locator(".booking-row")).to_contain_text("Gina")
    tab.click(requests.get_by_role("button", name=re.compile("^Accept")))
    assert f"Reservation confirmed: {guest.display_name} arrives on" in tab.flash()
    request.refresh_from_db()
    assert request.status == BookingStatus.CONFIRMED
    assert request.payment.status == PaymentStatus.CAPTURED
    upcoming = page.locator("section", has=page.get_by_role("heading", name=re.compile(r"^Upcoming \(1\)")))
    expect(upcoming.get_by_role("link", name=listing.title)).to_be_visible()
    outbox_dispatch()

    # Reply to the guest in the conversation the request started.
    tab.open_account_menu_item("Inbox")
    tab.click(page.get_by_role("link", name=guest.display_name))
    thread = Thread.objects.get(guest=guest, listing=listing)
    assert tab.path == f"/inbox/{thread.pk}/"
    expect(page.locator(".chat")).to_contain_text("Is late check-in ok?")
    page.get_by_role("textbox", name="Message", exact=True).fill(
        "Welcome Gina! Late check-in is fine: the key box code comes the day before."
    )
    tab.click(page.get_by_role("button", name="Send"))
    expect(page.locator(".chat-message--mine").last).to_contain_text("Late check-in is fine")
    assert Message.objects.filter(thread=thread, sender=host, body__startswith="Welcome Gina!").exists()

    # Analytics moved: three nights booked, their room revenue, from the booking's frozen quote.
    tab.open_account_menu_item("Hosting dashboard")
    tab.click(page.locator(".host-nav").get_by_role("link", name="Analytics"))
    after = analytics_figures(tab, day(0), month_end)
    room_revenue = sum(
        Decimal(line["amount"])
        for line in request.price_breakdown["lines"]
        if line["code"] in ("accommodation", "discount")
    )
    assert after["Nights booked"].split()[0] == "3"
    assert money_value(after["Revenue"]) == room_revenue > 0
    assert after["Occupancy"] != before["Occupancy"]


def day_after(date):
    return date.fromordinal(date.toordinal() + 1)
