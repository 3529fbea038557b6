"""The host dashboard pages for a host with several listings; permissions; range changes and bad input."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from availability.models import CalendarNight
from bookings.models import Booking
from hosttools.models import CalendarImport
from payments.models import PayoutEntry
from pricing.models import ListingPricing, LocalEvent
from tests.accounts.factories import UserFactory
from tests.bookings.helpers import book
from tests.listings.factories import ListingFactory

from .conftest import day, stay
from .nav import host_nav_current

D = Decimal
pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def listing_pages(listing_id: int) -> list[str]:
    return [
        f"/hosting/calendar/{listing_id}/",
        f"/hosting/manage/{listing_id}/pricing/",
        f"/hosting/manage/{listing_id}/sync/",
    ]


PAGES = ["/hosting/", "/hosting/calendar/", "/hosting/manage/", "/hosting/earnings/", "/hosting/analytics/"]


@pytest.mark.parametrize("url", [*PAGES, "/hosting/analytics.csv", "/hosting/calendar/1/"])
def test_pages_need_a_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_every_page_renders_for_a_host_with_several_listings(host_client, host, listings):
    guest = UserFactory(first_name="Zoe", last_name="Guest")
    stay(listings[0], day(2), day(5), guest=guest)
    CalendarNight.objects.create(listing=listings[0], date=day(8), status="blocked")
    for url in PAGES + listing_pages(listings[0].pk) + listing_pages(listings[2].pk):
        response = host_client.get(url)
        assert response.status_code == 200, url
        assert 'href="/static/css/hosttools.css"' in response.content.decode()
    calendar = text(host_client.get("/hosting/calendar/"))
    for listing in listings:
        assert listing.title in calendar
    assert "Zoe · 3 nights" in calendar and "Blocked" in calendar
    manage = text(host_client.get("/hosting/manage/"))
    assert f'href="{listings[0].get_absolute_url()}"' in manage
    assert f'href="/hosting/calendar/{listings[2].pk}/"' in manage


def test_today_shows_arrivals_and_requests_that_can_be_accepted_from_here(host_client, host, listings):
    arriving = stay(listings[0], day(1), day(4), guest=UserFactory(first_name="Ari"))
    request = book(guest=UserFactory(first_name="Rae"), listing=listings[1], start=5, nights=2)
    assert request.status == "awaiting_host"
    CalendarImport.objects.create(
        listing=listings[0], name="Vrbo", url="https://x.test/c.ics", status="error", last_error="HTTP 404"
    )
    page = text(host_client.get("/hosting/"))
    assert "Ari" in page and arriving.listing.title in page
    assert "Rae" in page and f'action="/hosting/reservations/{request.pk}/accept/"' in page
    assert 'name="next" value="/hosting/"' in page
    assert "Vrbo" in page and "HTTP 404" in page
    response = host_client.post(f"/hosting/reservations/{request.pk}/accept/", {"next": "/hosting/"})
    assert response.status_code == 302 and response["Location"] == "/hosting/"
    assert Booking.objects.get(pk=request.pk).status == "confirmed"


def test_month_grid_shows_bookings_prices_and_suggestions(host_client, listings):
    listing = listings[0]
    month = (timezone.localdate().replace(day=1) + dt.timedelta(days=32)).replace(day=1)  # next month
    on = [month + dt.timedelta(days=i) for i in range(12)]
    stay(listing, on[3], on[5], guest=UserFactory(first_name="Mia"))
    CalendarNight.objects.create(listing=listing, date=on[6], status="available", price=D("175"))
    LocalEvent.objects.create(
        name="Fashion week", location=listing.location, radius_km=5, starts_on=on[9], ends_on=on[9], uplift_pct=40
    )
    page = text(host_client.get(f"/hosting/calendar/{listing.pk}/?month={month:%Y-%m}"))
    assert month.strftime("%B %Y") in page
    assert "Mia · 2 nights" in page
    assert '€175<span class="visually-hidden"> (your price)</span>' in page
    assert 'title="Fashion week +40%">€168</span>' in page  # 120 + 40%
    assert 'title="Fashion week +40%, Rising gradually (at most +20% a day)">Suggested €144</span>' in page
    assert "Suggested €120" in page


def test_block_a_range_from_the_form(host_client, listings):
    listing = listings[0]
    response = host_client.post(
        f"/hosting/calendar/{listing.pk}/",
        {"first_night": day(10).isoformat(), "last_night": day(12).isoformat(), "action": "block"},
    )
    assert response.status_code == 302
    assert set(CalendarNight.objects.filter(listing=listing, status="blocked").values_list("date", flat=True)) == {
        day(10),
        day(11),
        day(12),
    }
    page = text(host_client.get(response["Location"]))
    assert "Block these nights: done for 3 nights." in page


def test_blocking_booked_nights_is_refused_with_a_clear_error(host_client, listings):
    listing = listings[0]
    stay(listing, day(10), day(12))
    response = host_client.post(
        f"/hosting/calendar/{listing.pk}/",
        {"first_night": day(9).isoformat(), "last_night": day(10).isoformat(), "action": "block"},
    )
    assert response.status_code == 400
    assert "1 of these nights are booked or on hold" in text(response)
    assert not CalendarNight.objects.filter(listing=listing, status="blocked").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"first_night": "D12", "last_night": "D10", "action": "block"},
            "The last night must be on or after the first",
        ),
        ({"first_night": "D-3", "last_night": "D1", "action": "block"}, "Past nights cannot be changed."),
        ({"first_night": "D1", "last_night": "D2", "action": "set_price"}, "Enter the nightly price."),
        ({"first_night": "D1", "last_night": "D2", "action": "set_price", "price": "5"}, "greater than or equal to 10"),
        ({"first_night": "D1", "last_night": "D2", "action": "set_min_nights", "min_nights": "0"}, "greater than"),
        ({"first_night": "D1", "last_night": "D800", "action": "block"}, "Change at most 366 nights at once."),
        ({"first_night": "soon", "last_night": "D2", "action": "block"}, "Enter a valid date."),
        ({"first_night": "D1", "last_night": "D2", "action": "explode"}, "Select a valid choice."),
    ],
)
def test_bad_range_input_shows_an_error_and_changes_nothing(host_client, listings, data, message):
    def resolve(value):
        return day(int(value[1:])).isoformat() if value.startswith("D") else value

    posted = {key: resolve(value) if key.endswith("night") else value for key, value in data.items()}
    response = host_client.post(f"/hosting/calendar/{listings[0].pk}/", posted)
    assert response.status_code == 400
    assert message in text(response)
    assert not CalendarNight.objects.filter(listing=listings[0]).exists()


def test_a_price_above_the_hosts_maximum_is_refused(host_client, listings):
    listing = listings[0]
    ListingPricing.objects.create(listing=listing, max_price=D("200"))
    response = host_client.post(
        f"/hosting/calendar/{listing.pk}/",
        {"first_night": day(5).isoformat(), "last_night": day(6).isoformat(), "action": "set_price", "price": "250"},
    )
    assert response.status_code == 400
    assert "250.00 EUR is above your maximum price of 200.00 EUR." in text(response)


def test_accept_suggestions_from_the_form(host_client, listings):
    listing = listings[0]
    response = host_client.post(
        f"/hosting/calendar/{listing.pk}/",
        {"first_night": day(5).isoformat(), "last_night": day(6).isoformat(), "action": "accept_suggestions"},
    )
    assert response.status_code == 302
    prices = set(CalendarNight.objects.filter(listing=listing).values_list("price", flat=True))
    assert prices == {D("120.00")}


def test_pricing_settings_save_and_refuse_bad_bounds(host_client, listings):
    listing = listings[0]
    url = f"/hosting/manage/{listing.pk}/pricing/"
    ok = host_client.post(url, {"guests_included": "2", "extra_guest_fee": "15", "min_price": "80", "max_price": "300"})
    assert ok.status_code == 302
    row = ListingPricing.objects.get(listing=listing)
    assert (row.guests_included, row.extra_guest_fee, row.min_price, row.max_price) == (2, D("15"), D("80"), D("300"))
    bad = host_client.post(
        url, {"guests_included": "2", "extra_guest_fee": "0", "min_price": "300", "max_price": "100"}
    )
    assert bad.status_code == 400
    assert "The maximum price must be at least the minimum price." in text(bad)
    assert ListingPricing.objects.get(listing=listing).max_price == D("300")


def test_smart_pricing_toggle(host_client, listings):
    response = host_client.post(f"/hosting/manage/{listings[0].pk}/pricing/smart/", {"enabled": "1"})
    assert response.status_code == 302
    assert ListingPricing.objects.get(listing=listings[0]).smart_pricing is True
    draft = host_client.post(f"/hosting/manage/{listings[2].pk}/pricing/smart/", {"enabled": "1"}, follow=True)
    assert "Publish the listing before turning on Smart Pricing." in text(draft)
    assert not ListingPricing.objects.filter(listing=listings[2], smart_pricing=True).exists()


def test_calendar_sync_page_shows_the_export_link_and_refuses_bad_feeds(host_client, listings):
    listing = listings[0]
    page = text(host_client.get(f"/hosting/manage/{listing.pk}/sync/"))
    token = listing.ical_export.token
    assert f"/hosting/ical/{token}.ics" in page
    bad = host_client.post(f"/hosting/manage/{listing.pk}/sync/", {"name": "Vrbo", "url": "ftp://example.com/x.ics"})
    assert bad.status_code == 400 and "Use an http:// or https:// calendar address." in text(bad)
    assert not CalendarImport.objects.exists()


def test_earnings_per_month_summed(host_client, host, listings):
    for amount, status, when in [
        ("100.00", "paid", dt.datetime(2027, 1, 5, tzinfo=dt.UTC)),
        ("50.50", "paid", dt.datetime(2027, 1, 20, tzinfo=dt.UTC)),
        ("70.00", "scheduled", dt.datetime(2027, 2, 2, tzinfo=dt.UTC)),
        ("30.00", "cancelled", dt.datetime(2027, 2, 3, tzinfo=dt.UTC)),
    ]:
        booking = stay(listings[0], day(1), day(2), calendar=False)
        PayoutEntry.objects.create(
            booking=booking,
            host=host,
            amount=D(amount),
            currency="EUR",
            release_at=when,
            status=status,
            **({"transfer_id": f"tr_{amount}", "paid_at": when} if status == "paid" else {}),
        )
    page = text(host_client.get("/hosting/earnings/"))
    assert re.search(r"January 2027</th> <td>EUR</td> <td>€150.50</td> <td>€0</td> <td>€0</td> <td>2</td>", page)
    assert re.search(r"February 2027</th> <td>EUR</td> <td>€0</td> <td>€70</td> <td>€30</td> <td>1</td>", page)


def test_analytics_page_charts_and_csv(host_client, listings):
    stay(listings[0], day(-20), day(-17), accommodation="360")
    page = host_client.get("/hosting/analytics/")
    assert page.status_code == 200
    body = text(page)
    assert '<svg class="chart__svg" viewBox="0 0 130 100" preserveAspectRatio="none" role="img"' in body
    assert "Occupancy" in body
    csv_response = host_client.get("/hosting/analytics.csv")
    assert csv_response.status_code == 200 and csv_response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in csv_response["Content-Disposition"]
    assert csv_response.content.decode().splitlines()[0].startswith("listing_id,title,currency")
    bad = host_client.get("/hosting/analytics/", {"start": "2027-03-10", "end": "2027-03-01"})
    assert bad.status_code == 400 and "The end of the period must be on or after its start." in text(bad)
    assert host_client.get("/hosting/analytics.csv", {"start": "nope"}).status_code == 400


def test_another_users_listing_is_not_found(client, listings):
    client.force_login(UserFactory())
    for url in listing_pages(listings[0].pk):
        assert client.get(url).status_code == 404
    assert client.post(f"/hosting/manage/{listings[0].pk}/pricing/smart/", {"enabled": "1"}).status_code == 404
    assert (
        client.post(
            f"/hosting/calendar/{listings[0].pk}/",
            {"first_night": day(1).isoformat(), "last_night": day(1).isoformat(), "action": "block"},
        ).status_code
        == 404
    )
    assert not CalendarNight.objects.exists()
    for url in PAGES:
        page = text(client.get(url))
        assert listings[0].title not in page


def test_multi_listing_calendar_queries_do_not_grow_with_listings(host_client, host, listings):
    host_client.get("/hosting/calendar/")  # warm caches (sessions, content types)
    with CaptureQueriesContext(connection) as few:
        host_client.get("/hosting/calendar/")
    for i in range(5):
        listing = ListingFactory(host=host, title=f"Extra {i}")
        stay(listing, day(1), day(3))
    with CaptureQueriesContext(connection) as many:
        host_client.get("/hosting/calendar/")
    assert len(many) == len(few)


def test_months_navigate_and_bad_month_falls_back(host_client, listings):
    response = host_client.get(f"/hosting/calendar/{listings[0].pk}/?month=not-a-month")
    assert response.status_code == 200
    assert timezone.localdate().strftime("%B %Y") in text(response)


# --- the host layout ---------------------------------------------------------------------


def test_every_dashboard_page_is_in_the_host_layout_with_its_nav_item_current(host_client, listings):
    expected = {
        "/hosting/": "today",
        "/hosting/calendar/": "calendar",
        f"/hosting/calendar/{listings[0].pk}/": "calendar",
        "/hosting/listings/": "listings",
        "/hosting/manage/": "listings",
        f"/hosting/manage/{listings[0].pk}/pricing/": "listings",
        f"/hosting/manage/{listings[0].pk}/sync/": "listings",
        "/hosting/reservations/": "reservations",
        "/hosting/inbox/": "inbox",
        "/hosting/earnings/": "earnings",
        "/hosting/analytics/": "analytics",
    }
    for url, item in expected.items():
        response = host_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert host_nav_current(html) == [item], url
        assert '<div class="host-layout">' in html and 'class="container hosting"' not in html, url


def test_the_two_listing_pages_are_one_nav_item_with_tabs_to_each_other(host_client, listings):
    editor = text(host_client.get("/hosting/listings/"))
    performance = text(host_client.get("/hosting/manage/"))
    assert host_nav_current(editor) == host_nav_current(performance) == ["listings"]
    assert 'href="/hosting/listings/" data-host-nav="listings"' in editor
    assert '<a href="/hosting/listings/" aria-current="page">Your listings</a>' in editor
    assert '<a href="/hosting/manage/">Pricing, sync and performance</a>' in editor
    assert '<a href="/hosting/listings/">Your listings</a>' in performance
    assert '<a href="/hosting/manage/" aria-current="page">Pricing, sync and performance</a>' in performance
    assert f'href="/hosting/calendar/{listings[0].pk}/"' in editor  # each listing links to its calendar


def test_the_listing_editor_keeps_its_own_two_column_layout(host_client, listings):
    page = host_client.get(f"/hosting/listings/{listings[0].pk}/edit/basics/").content.decode()
    assert 'class="container listing-editor"' in page and 'class="listing-editor__main"' in page
    assert 'class="host-nav"' not in page
    assert "css/hosttools.css" not in page


def test_the_inbox_item_counts_unread_messages_from_guests_only(host_client, host, listings):
    from messaging.models import Thread

    Thread.objects.create(listing=listings[0], guest=UserFactory(), host=host, host_unread=2, guest_unread=4)
    elsewhere = ListingFactory(host=UserFactory())
    Thread.objects.create(listing=elsewhere, guest=host, host=elsewhere.host, guest_unread=5, host_unread=7)
    page = text(host_client.get("/hosting/"))
    assert 'data-host-nav="inbox">Inbox <span class="host-nav__badge">2<span class="visually-hidden"> unread' in page
    assert 'href="/hosting/inbox/">2 unread messages</a>' in page  # Today's message line: the host side only


def test_multi_listing_calendar_scrolls_its_days_with_controls(host_client, listings):
    start = timezone.localdate() + dt.timedelta(days=3)
    page = text(host_client.get(f"/hosting/calendar/?start={start}"))
    last = start + dt.timedelta(days=13)
    assert 'id="multi-calendar" tabindex="0" role="region"' in page
    assert 'data-scroll-controls="multi-calendar"' in page and 'aria-label="Scroll to later days"' in page
    assert f'href="?start={start - dt.timedelta(days=14)}" rel="prev" data-period="earlier"' in page
    assert f'href="?start={start + dt.timedelta(days=14)}" rel="next" data-period="later"' in page
    assert 'data-period="today"' in page  # the period does not start today: a way back
    assert f'data-date="{last}"' in page and f'data-date="{last + dt.timedelta(days=1)}"' not in page
    assert page.count('<th scope="row" class="multi-calendar__listing">') == len(listings)


def test_month_view_is_a_range_picker_whose_form_works_without_script(host_client, listings):
    listing = listings[0]
    month = (timezone.localdate().replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    url = f"/hosting/calendar/{listing.pk}/?month={month:%Y-%m}"
    page = text(host_client.get(url))
    assert "data-range-calendar" in page and 'role="status" aria-live="polite" data-range-status' in page
    assert f'action="/hosting/calendar/{listing.pk}/?month={month:%Y-%m}"' in page
    assert f'<td data-date="{month + dt.timedelta(days=11)}">' in page
    assert f"{(month + dt.timedelta(days=11)):%A} {(month + dt.timedelta(days=11)).day} {month:%B}" in page
    first_input = re.search(r'<input[^>]*name="first_night"[^>]*>', page).group(0)
    assert "value=" not in first_input  # nothing preselected: not today's date while showing another month

    # The plain form: the dates a script would have filled in, posted as such.
    first, last = month + dt.timedelta(days=11), month + dt.timedelta(days=14)
    data = {"first_night": first.isoformat(), "last_night": last.isoformat(), "action": "set_price", "price": "150"}
    response = host_client.post(url, data)
    assert response.status_code == 302 and response["Location"].endswith(f"?month={month:%Y-%m}")
    nights = CalendarNight.objects.filter(listing=listing, price=D("150")).order_by("date")
    assert [night.date for night in nights] == [first + dt.timedelta(days=i) for i in range(4)]

    # Refused: the same month comes back with the chosen dates kept for the script to paint.
    refused = host_client.post(url, {**data, "price": "5"})
    assert refused.status_code == 400
    body = text(refused)
    assert f"{month:%B %Y}</h2>" in body
    assert f'value="{first.isoformat()}"' in body and f'value="{last.isoformat()}"' in body
    assert CalendarNight.objects.filter(listing=listing, price=D("5")).count() == 0


def test_analytics_charts_have_html_labels_and_a_table_each(host_client, listings):
    stay(listings[0], day(-20), day(-17), accommodation="360")
    page = text(host_client.get("/hosting/analytics/"))
    assert page.count('<details class="chart__data" data-chart-table>') == 3
    assert page.count("<summary>Show as table") == 3
    assert "<text" not in page  # no SVG text: it would shrink with the drawing on a phone
    assert page.count('<ol class="chart__labels" role="list" aria-hidden="true" style="--bars: 13">') == 3
    occupancy = page[page.index('id="chart-occupancy-title"') : page.index('id="chart-revenue-title"')]
    assert '<th scope="col">Month</th><th scope="col">Occupancy</th>' in occupancy
    nights = page[page.index('id="chart-nights-title"') :]
    nights = nights[: nights.index("</table>")]
    cells = re.findall(r'<tr><th scope="row">[^<]+</th><td>(\d+)</td></tr>', nights)
    assert len(cells) == 13 and sum(map(int, cells)) == 3  # a row per month; the stay's three nights
    assert 'href="/hosting/analytics.csv?" download>Download CSV</a>' in page


def test_analytics_without_listings_says_why_there_are_no_charts(host_client, listings):
    html = host_client.get("/hosting/analytics/").content.decode()
    assert "No charts for this period yet." not in html  # the host's listings have nights: charts
    from tests.accounts.factories import UserFactory

    host_client.force_login(UserFactory())
    html = host_client.get("/hosting/analytics/").content.decode()
    assert "No charts for this period yet." in html and "<figure" not in html
