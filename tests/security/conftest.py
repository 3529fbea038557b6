"""Fixtures of the security tests: a small world of private data, and a database fingerprint.

``world`` builds, through the real services where they exist, everything a
stranger must not see or change: a host's published and draft listings (with
photos, iCal feeds, pricing), a guest's confirmed booking, a request awaiting the
host, a completed stay with an unpublished review, a message thread, a
notification and a wishlist. ``intruder`` owns nothing.

``db_fingerprint()`` hashes every row of every project table, so a test can
assert that a refused request changed *nothing*, not just the rows it thought of.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client

from bookings.models import Booking, BookingStatus
from hosttools.models import CalendarImport
from hosttools.services import ical_export_get
from listings.models import Listing, ListingPhoto, Wishlist, WishlistItem
from messaging.models import Notification, Thread
from messaging.services.notifications import notify
from messaging.services.threads import thread_start_inquiry
from reviews.models import Review
from reviews.services.submission import review_submit
from tests.accounts.factories import UserFactory
from tests.bookings.helpers import book
from tests.conftest import bearer_client
from tests.listings.factories import ListingFactory, ListingPhotoFactory, WishlistFactory, draft_listing
from tests.reviews.helpers import stay, stay_categories

# Tables whose rows a refused request may legitimately touch, with the reason.
FINGERPRINT_EXCLUDED = {
    "spatial_ref_sys": "PostGIS reference data",
    "django_migrations": "schema history",
    "django_session": "every request may refresh its own session",
}
# Large reference data loaded by migrations (the gazetteer): row counts only, hashing is too slow.
FINGERPRINT_COUNT_ONLY = {"search_place", "search_placename"}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _neutral_pricing(settings):
    settings.PRICING_DAY_OF_WEEK_PREMIUM_PCT = {}
    settings.PRICING_SEASON_PCT = {"high": 0, "shoulder": 0, "low": 0}


def project_tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        return [name for (name,) in cursor.fetchall() if name not in FINGERPRINT_EXCLUDED]


def db_fingerprint() -> dict[str, str]:
    """{table: "rows:md5 of every row"} for every project table, in one round trip."""
    parts = [
        f"SELECT '{table}', count(*), "
        + ("''" if table in FINGERPRINT_COUNT_ONLY else "md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))")
        + f' FROM "{table}" t'
        for table in project_tables()
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return {table: f"{count}:{digest}" for table, count, digest in cursor.fetchall()}


def fingerprint_diff(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(table for table in before.keys() | after.keys() if before.get(table) != after.get(table))


def logged_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


@dataclass
class World:
    host: object
    guest: object
    intruder: object
    listing: Listing  # published, Instant Book
    request_listing: Listing  # published, request to book
    draft: Listing
    photo: ListingPhoto
    draft_photo: ListingPhoto
    feed: CalendarImport
    ical_token: str
    booking: Booking  # confirmed, the guest's
    request: Booking  # awaiting the host
    completed: Booking
    review: Review  # the guest's, not yet published
    thread: Thread
    notification: Notification
    wishlist: Wishlist
    share_token: str

    def ids(self) -> dict[str, int | str]:
        """Values for the URL parameters of the authorization matrix."""
        return {
            "listing": self.listing.pk,
            "request_listing": self.request_listing.pk,
            "draft": self.draft.pk,
            "photo": self.photo.pk,
            "draft_photo": self.draft_photo.pk,
            "feed": self.feed.pk,
            "booking": self.booking.pk,
            "request": self.request.pk,
            "completed": self.completed.pk,
            "review": self.review.pk,
            "thread": self.thread.pk,
            "notification": self.notification.pk,
            "wishlist": self.wishlist.pk,
            "guest": self.guest.pk,
        }


@pytest.fixture
def world(db) -> World:
    host = UserFactory(first_name="Hana", last_name="Hostmannova")
    guest = UserFactory(first_name="Gina", last_name="Guestolova")
    intruder = UserFactory(first_name="Ivan", last_name="Intruder")
    listing = ListingFactory(host=host, instant_book=True, max_guests=4)
    photo = ListingPhotoFactory(listing=listing, position=0)
    request_listing = ListingFactory(host=host, instant_book=False, max_guests=4)
    ListingPhotoFactory(listing=request_listing, position=0)
    draft = draft_listing(host=host)
    draft_photo = ListingPhotoFactory(listing=draft, position=0)
    feed = CalendarImport.objects.create(listing=listing, name="Vrbo", url="https://feeds.example.com/a.ics")
    ical_token = ical_export_get(listing=listing).token

    booking = book(guest=guest, listing=listing, start=30, nights=3)
    request = book(guest=guest, listing=request_listing, start=40, nights=2)
    assert booking.status == BookingStatus.CONFIRMED
    assert request.status == BookingStatus.AWAITING_HOST
    # Its own listing: stays are placed by a counter shared with other test modules.
    completed = stay(guest=guest, listing=ListingFactory(host=host, instant_book=True, max_guests=4))
    review = review_submit(
        booking_id=completed.pk, author=guest, overall=4, categories=stay_categories(), comment="Quiet and clean."
    )
    assert review.published_at is None

    thread = thread_start_inquiry(guest=guest, listing_id=request_listing.pk, body="Is the barge heated?")
    notification = notify(user=guest, category="booking", title="Your trip is confirmed", url="/trips/")
    wishlist = WishlistFactory(owner=guest, name="Summer")
    WishlistItem.objects.create(wishlist=wishlist, listing=listing)
    wishlist.share_token = "shared-summer-token-0123456789"
    wishlist.save(update_fields=["share_token"])
    return World(
        host=host,
        guest=guest,
        intruder=intruder,
        listing=listing,
        request_listing=request_listing,
        draft=draft,
        photo=photo,
        draft_photo=draft_photo,
        feed=feed,
        ical_token=ical_token,
        booking=booking,
        request=request,
        completed=completed,
        review=review,
        thread=thread,
        notification=notification,
        wishlist=wishlist,
        share_token=wishlist.share_token,
    )


@pytest.fixture
def intruder_client(world) -> Client:
    return logged_in(world.intruder)


@pytest.fixture
def intruder_api(world):
    return bearer_client(world.intruder)


__all__ = ["World", "db_fingerprint", "fingerprint_diff", "logged_in", "dt"]
