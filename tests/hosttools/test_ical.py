"""iCal: the secret-token export, imports from a local HTTP server, and every way a feed can be bad."""

import datetime as dt
import time

import pytest
from icalendar import Calendar

from availability.models import CalendarNight
from availability.services import calendar_block_range
from hosttools.ical import FeedError, HttpFeedFetcher, busy_nights, feed_build, feed_url_normalise
from hosttools.models import CalendarExport, CalendarImport, ImportedNight
from hosttools.services import (
    CalendarImportInvalid,
    ical_export_get,
    ical_import_add,
    ical_import_remove,
    ical_import_sync,
    ical_imports_claim_due,
)
from hosttools.tasks import ical_import_due_task
from tests.listings.factories import ListingFactory

from .conftest import day, stay

pytestmark = pytest.mark.django_db


def ics(*ranges: tuple[dt.date, dt.date], extra: str = "") -> bytes:
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:{i}@other\r\nDTSTAMP:20270101T000000Z\r\nDTSTART;VALUE=DATE:{a:%Y%m%d}\r\n"
        f"DTEND;VALUE=DATE:{b:%Y%m%d}\r\nSUMMARY:Reserved\r\nEND:VEVENT\r\n"
        for i, (a, b) in enumerate(ranges)
    )
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//other//EN\r\n{events}{extra}END:VCALENDAR\r\n".encode()


def statuses(listing) -> dict[dt.date, str]:
    return dict(CalendarNight.objects.filter(listing=listing).values_list("date", "status"))


def taken(listing) -> set[dt.date]:
    return {d for d, s in statuses(listing).items() if s in ("held", "booked", "blocked")}


def add_feed(listing, url: str) -> CalendarImport:
    return CalendarImport.objects.create(listing=listing, name="Other platform", url=url)


# --- export ----------------------------------------------------------------------------


def test_export_feed_lists_reserved_and_blocked_nights_behind_a_secret_token(client, listings):
    listing = listings[0]
    stay(listing, day(3), day(6))
    calendar_block_range(listing=listing, start=day(10), end=day(12))
    export = ical_export_get(listing=listing)
    response = client.get(f"/hosting/ical/{export.token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    events = sorted((e.get("SUMMARY"), e.get("DTSTART").dt, e.get("DTEND").dt) for e in calendar.walk("VEVENT"))
    assert events == [("Not available", day(10), day(12)), ("Reserved", day(3), day(6))]
    assert client.get("/hosting/ical/not-the-token.ics").status_code == 404


def test_rotating_the_token_cuts_off_the_old_link(host_client, client, listings):
    old = ical_export_get(listing=listings[0]).token
    response = host_client.post(f"/hosting/manage/{listings[0].pk}/sync/rotate/")
    assert response.status_code == 302
    new = CalendarExport.objects.get(listing=listings[0]).token
    assert new != old
    assert client.get(f"/hosting/ical/{old}.ics").status_code == 404
    assert client.get(f"/hosting/ical/{new}.ics").status_code == 200


def test_round_trip_export_then_import_into_another_listing_gives_the_same_busy_nights(
    client, listings, feed_server, local_feeds
):
    source, target = listings[0], listings[1]
    stay(source, day(2), day(5))
    stay(source, day(5), day(7))  # back to back: one event
    calendar_block_range(listing=source, start=day(20), end=day(23))
    calendar_block_range(listing=source, start=day(40), end=day(41))
    document = client.get(f"/hosting/ical/{ical_export_get(listing=source).token}.ics").content
    feed_server.routes["/source.ics"] = ("body", document)
    feed = add_feed(target, feed_server.url("/source.ics"))

    result = ical_import_sync(feed_id=feed.pk)

    assert result.ok and result.blocked == 9
    assert taken(target) == taken(source)
    assert set(statuses(target).values()) == {"blocked"}
    feed.refresh_from_db()
    assert feed.status == "ok" and feed.nights_blocked == 9 and feed.last_error == ""


def test_imported_nights_are_not_exported_back(client, listings, feed_server, local_feeds):
    listing = listings[0]
    feed_server.routes["/other.ics"] = ("body", ics((day(3), day(5))))
    ical_import_sync(feed_id=add_feed(listing, feed_server.url("/other.ics")).pk)
    calendar_block_range(listing=listing, start=day(9), end=day(10))
    calendar = Calendar.from_ical(client.get(f"/hosting/ical/{ical_export_get(listing=listing).token}.ics").content)
    assert [(e.get("DTSTART").dt, e.get("DTEND").dt) for e in calendar.walk("VEVENT")] == [(day(9), day(10))]


# --- import: what is changed and what never is ------------------------------------------


def test_a_sync_replaces_only_its_own_blocks_and_never_touches_bookings_or_hand_blocks(
    listings, feed_server, local_feeds
):
    listing = listings[0]
    booking = stay(listing, day(10), day(12))
    calendar_block_range(listing=listing, start=day(30), end=day(31))  # by hand
    feed = add_feed(listing, feed_server.url("/cal.ics"))
    feed_server.routes["/cal.ics"] = ("body", ics((day(3), day(6)), (day(11), day(13)), (day(30), day(31))))

    first = ical_import_sync(feed_id=feed.pk)
    assert first.ok and first.conflicts == (day(11),)
    assert statuses(listing) == {
        day(3): "blocked",
        day(4): "blocked",
        day(5): "blocked",
        day(10): "booked",
        day(11): "booked",  # busy there too: reported, not touched
        day(12): "blocked",
        day(30): "blocked",
    }
    feed.refresh_from_db()
    assert feed.conflicts == [day(11).isoformat()]

    # The other platform frees 3-5, 12 and 30 and adds 20-21.
    feed_server.routes["/cal.ics"] = ("body", ics((day(20), day(22))))
    second = ical_import_sync(feed_id=feed.pk)
    assert second.ok and second.unblocked == 4 and second.blocked == 2
    assert statuses(listing) == {
        day(10): "booked",
        day(11): "booked",
        day(20): "blocked",
        day(21): "blocked",
        day(30): "blocked",  # the host's own block stays
    }
    assert CalendarNight.objects.filter(booking=booking).count() == 2
    assert set(ImportedNight.objects.filter(feed=feed).values_list("date", flat=True)) == {day(20), day(21)}


def test_a_night_claimed_by_two_feeds_stays_blocked_until_both_free_it(listings, feed_server, local_feeds):
    listing = listings[0]
    feed_server.routes["/a.ics"] = ("body", ics((day(5), day(7))))
    feed_server.routes["/b.ics"] = ("body", ics((day(6), day(8))))
    a, b = add_feed(listing, feed_server.url("/a.ics")), add_feed(listing, feed_server.url("/b.ics"))
    ical_import_sync(feed_id=a.pk)
    ical_import_sync(feed_id=b.pk)
    assert taken(listing) == {day(5), day(6), day(7)}
    feed_server.routes["/a.ics"] = ("body", ics())
    ical_import_sync(feed_id=a.pk)
    assert taken(listing) == {day(6), day(7)}
    assert ical_import_remove(feed=b) == 2
    assert taken(listing) == set()


def test_removing_a_feed_frees_its_nights(listings, feed_server, local_feeds):
    listing = listings[0]
    feed_server.routes["/a.ics"] = ("body", ics((day(5), day(8))))
    feed = add_feed(listing, feed_server.url("/a.ics"))
    ical_import_sync(feed_id=feed.pk)
    assert ical_import_remove(feed=feed) == 3
    assert taken(listing) == set() and not CalendarImport.objects.exists()


# --- import: bad feeds give a clear error and change nothing -----------------------------


def _failed(listing, feed_server, route, behaviour, message_part: str):
    calendar_block_range(listing=listing, start=day(1), end=day(2))
    before = statuses(listing)
    feed_server.routes[route] = behaviour
    feed = add_feed(listing, feed_server.url(route))
    started = time.monotonic()
    result = ical_import_sync(feed_id=feed.pk)
    elapsed = time.monotonic() - started
    feed.refresh_from_db()
    assert not result.ok and feed.status == "error"
    assert message_part in feed.last_error, feed.last_error
    assert statuses(listing) == before
    return feed, elapsed


def test_a_feed_that_never_answers_times_out(listings, feed_server, local_feeds):
    _, elapsed = _failed(listings[0], feed_server, "/hang.ics", ("hang",), "did not answer within 1 seconds")
    assert elapsed < 5


def test_a_feed_that_trickles_bytes_is_cut_off_at_the_deadline(listings, feed_server, local_feeds):
    _, elapsed = _failed(listings[0], feed_server, "/slow.ics", ("trickle", 0.2), "did not answer within 1 seconds")
    assert elapsed < 5


@pytest.mark.parametrize("declare_length", [True, False])
def test_a_50_mb_feed_is_refused(listings, feed_server, local_feeds, declare_length):
    _, elapsed = _failed(
        listings[0], feed_server, "/huge.ics", ("flood", 50 * 1024 * 1024, declare_length), "larger than 2 MB"
    )
    assert elapsed < 10


def test_a_malformed_feed_is_reported(listings, feed_server, local_feeds):
    _failed(listings[0], feed_server, "/bad.ics", ("body", b"<html>Sign in to see your calendar</html>"), "not a valid")


def test_an_event_with_a_broken_date_is_reported(listings, feed_server, local_feeds):
    broken = ics(extra="BEGIN:VEVENT\r\nUID:x\r\nDTSTART;VALUE=DATE:2027133\r\nEND:VEVENT\r\n")
    _failed(listings[0], feed_server, "/broken.ics", ("body", broken), "invalid start date")


def test_a_missing_feed_is_reported_with_the_http_status(listings, feed_server, local_feeds):
    _failed(listings[0], feed_server, "/gone.ics", ("status", 404), "HTTP 404")


def test_redirects_are_followed(listings, feed_server, local_feeds):
    feed_server.routes["/old.ics"] = ("redirect", "/new.ics")
    feed_server.routes["/new.ics"] = ("body", ics((day(4), day(5))))
    assert ical_import_sync(feed_id=add_feed(listings[0], feed_server.url("/old.ics")).pk).ok
    assert taken(listings[0]) == {day(4)}


def test_an_unreachable_server_is_reported(listings, local_feeds):
    feed = add_feed(listings[0], "http://127.0.0.1:9/never.ics")
    result = ical_import_sync(feed_id=feed.pk)
    assert not result.ok and "could not be reached" in result.error


def test_private_addresses_are_refused_in_production(listings, feed_server, settings):
    settings.PRICING_ICAL_ALLOW_PRIVATE_HOSTS = False
    with pytest.raises(CalendarImportInvalid) as caught:
        ical_import_add(listing=listings[0], name="Sneaky", url=feed_server.url("/x.ics"))
    assert "private network" in caught.value.message
    with pytest.raises(FeedError):
        HttpFeedFetcher(allow_private=False).fetch("http://169.254.169.254/latest/meta-data")


@pytest.mark.parametrize(
    ("url", "message"),
    [("ftp://example.com/cal.ics", "http:// or https://"), ("not a url", "http:// or https://")],
)
def test_bad_addresses_are_refused_when_added(listings, url, message):
    with pytest.raises(CalendarImportInvalid) as caught:
        ical_import_add(listing=listings[0], name="x", url=url)
    assert message in caught.value.message


def test_adding_a_feed_schedules_its_first_sync(listings, feed_server, local_feeds, django_capture_on_commit_callbacks):
    feed_server.routes["/cal.ics"] = ("body", ics((day(2), day(4))))
    with django_capture_on_commit_callbacks(execute=True):
        feed = ical_import_add(listing=listings[0], name="Vrbo", url=feed_server.url("/cal.ics"))
    assert taken(listings[0]) == {day(2), day(3)}
    with pytest.raises(CalendarImportInvalid) as caught:
        ical_import_add(listing=listings[0], name="Again", url=feed.url)
    assert caught.value.code == "feed_duplicate"


def test_webcal_addresses_mean_https():
    assert feed_url_normalise("webcal://example.com/cal.ics") == "https://example.com/cal.ics"


def test_the_periodic_task_syncs_due_feeds_once(listings, feed_server, local_feeds):
    feed_server.routes["/cal.ics"] = ("body", ics((day(2), day(3))))
    feed = add_feed(listings[0], feed_server.url("/cal.ics"))
    assert ical_import_due_task() == 1
    assert taken(listings[0]) == {day(2)}
    assert ical_imports_claim_due(minutes=30) == []  # just attempted
    feed.refresh_from_db()
    assert feed.status == "ok"


# --- reading documents -------------------------------------------------------------------


def test_busy_nights_reads_all_day_timed_cancelled_and_free_events():
    document = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
        b"BEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20270301\r\nDTEND;VALUE=DATE:20270303\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:2\r\nDTSTART:20270310T150000Z\r\nDTEND:20270312T100000Z\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:3\r\nDTSTART;VALUE=DATE:20270320\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:4\r\nDTSTART;VALUE=DATE:20270325\r\nDURATION:P3D\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:5\r\nDTSTART;VALUE=DATE:20270401\r\nDTEND;VALUE=DATE:20270405\r\nSTATUS:CANCELLED\r\n"
        b"END:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:6\r\nDTSTART;VALUE=DATE:20270410\r\nDTEND;VALUE=DATE:20270412\r\nTRANSP:TRANSPARENT\r\n"
        b"END:VEVENT\r\n"
        b"END:VCALENDAR\r\n"
    )
    nights = busy_nights(document, start=dt.date(2027, 3, 2), end=dt.date(2027, 12, 31))
    d = dt.date
    assert nights == {
        d(2027, 3, 2),  # 1 March is before the window
        d(2027, 3, 10),
        d(2027, 3, 11),
        d(2027, 3, 20),
        d(2027, 3, 25),
        d(2027, 3, 26),
        d(2027, 3, 27),
    }


def test_feed_build_is_valid_rfc5545_with_stable_uids():
    document = feed_build(
        listing_id=7, title="Flat", reserved=[dt.date(2027, 3, 1), dt.date(2027, 3, 2)], blocked=[], domain="x.test"
    )
    calendar = Calendar.from_ical(document)
    assert calendar.get("VERSION") == "2.0" and calendar.get("PRODID")
    (event,) = calendar.walk("VEVENT")
    assert str(event.get("UID")) == "7-20270301-20270303-r@x.test"
    assert event.get("DTSTAMP") is not None
    assert busy_nights(document, start=dt.date(2027, 1, 1), end=dt.date(2028, 1, 1)) == {
        dt.date(2027, 3, 1),
        dt.date(2027, 3, 2),
    }


def test_other_listings_tokens_are_independent(listings):
    other = ListingFactory()
    assert ical_export_get(listing=listings[0]).token != ical_export_get(listing=other).token
