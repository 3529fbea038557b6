"""A small world owned by one user, and the live server's OpenAPI schema, for the fuzzer.

The fuzzing user (``me``) hosts a listing with photos, booking requests to
accept and decline and a published review to answer, plus one listing each for
the destructive operations (delete, unlist); they have trips (one to cancel, one
completed), a conversation and wishlists (one shared, one to delete, one to
share and unshare). With their Bearer token the generated requests reach the
services instead of stopping at 401/404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
import schemathesis
from django.db import transaction
from django.utils import timezone
from knox.models import AuthToken

from bookings.models import Booking, BookingStatus
from bookings.services.booking import booking_accept
from bookings.state import booking_transition
from listings.services import wishlists as wishlist_services
from messaging.services.threads import thread_start_inquiry
from payments.gateways.base import breaker
from reviews.services.submission import review_submit
from tests.accounts.factories import UserFactory
from tests.bookings.helpers import book, days
from tests.listings.factories import ListingFactory, ListingPhotoFactory
from tests.reviews.helpers import GUEST_CATEGORIES_5, stay_categories

# One seed for every run: the generated requests are the same each time.
FUZZ_SEED = 20260408


@dataclass
class FuzzWorld:
    """Ids the fuzzer plugs into path parameters, and the tokens it sends."""

    token: str
    email: str = ""
    ids: dict[str, int] = field(default_factory=dict)
    share_token: str = ""

    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def throwaway_bearer(self) -> dict[str, str]:
        """A token of a user of its own, for the log-out operations (which revoke what they are sent)."""
        _, token = AuthToken.objects.create(UserFactory())
        return {"Authorization": f"Bearer {token}"}


def _completed(booking: Booking, *, nights: int) -> Booking:
    """Move a confirmed stay into the past and complete it, as the check-out job would."""
    Booking.objects.filter(pk=booking.pk).update(check_in=days(-1 - nights), check_out=days(-1))
    with transaction.atomic():
        locked = Booking.objects.select_for_update().get(pk=booking.pk)
        booking_transition(locked, BookingStatus.COMPLETED, reason="check-out passed")
    booking.refresh_from_db()
    return booking


def build_world() -> FuzzWorld:
    me = UserFactory(first_name="Fuzz")
    other_host = UserFactory(first_name="Olga")
    other_guest = UserFactory(first_name="Gus")

    home = ListingFactory(host=me, instant_book=False, max_guests=4, min_nights=1)
    ListingPhotoFactory(listing=home, position=0)
    photo = ListingPhotoFactory(listing=home, position=1)
    spare = ListingFactory(host=me, instant_book=True)
    to_unlist = ListingFactory(host=me, instant_book=True)
    away = ListingFactory(host=other_host, instant_book=True, max_guests=4, min_nights=1)
    ListingPhotoFactory(listing=away, position=0)

    # Trips of ``me`` on someone else's listing: one to read, one to cancel, one in the past to review.
    trip = book(guest=me, listing=away, start=30, nights=3)
    trip_to_cancel = book(guest=me, listing=away, start=40, nights=2)
    past_trip = _completed(book(guest=me, listing=away, start=50, nights=2), nights=2)
    # Requests on ``me``'s own listing (request to book): one to accept, one to decline.
    request_to_accept = book(guest=other_guest, listing=home, start=60, nights=2)
    request_to_decline = book(guest=other_guest, listing=home, start=70, nights=2)
    assert request_to_accept.status == BookingStatus.AWAITING_HOST

    # A published review about ``me`` as host (both sides wrote theirs), for responses and reports.
    hosted_stay = book(guest=other_guest, listing=home, start=80, nights=2)
    booking_accept(booking_id=hosted_stay.pk, host=me)
    hosted_stay = _completed(hosted_stay, nights=2)
    review = review_submit(
        booking_id=hosted_stay.pk,
        author=other_guest,
        overall=4,
        categories=stay_categories(),
        comment="Quiet and clean.",
    )
    review_submit(booking_id=hosted_stay.pk, author=me, overall=5, categories=GUEST_CATEGORIES_5, comment="Tidy guest.")

    thread = thread_start_inquiry(guest=me, listing_id=away.pk, body="Is the flat quiet at night?")
    wishlist = wishlist_services.wishlist_create(owner=me, name="Summer")
    wishlist_services.wishlist_add(wishlist=wishlist, actor=me, listing=away)
    wishlist = wishlist_services.wishlist_share(wishlist=wishlist, actor=me)
    spare_wishlist = wishlist_services.wishlist_create(owner=me, name="To delete")
    wishlist_to_share = wishlist_services.wishlist_create(owner=me, name="To share and unshare")

    _, token = AuthToken.objects.create(me)
    return FuzzWorld(
        token=token,
        email=me.email,
        share_token=wishlist.share_token,
        ids={
            "listing": home.pk,
            "spare_listing": spare.pk,
            "listing_to_unlist": to_unlist.pk,
            "other_listing": away.pk,
            "photo": photo.pk,
            "trip": trip.pk,
            "trip_to_cancel": trip_to_cancel.pk,
            "past_trip": past_trip.pk,
            "request_to_accept": request_to_accept.pk,
            "request_to_decline": request_to_decline.pk,
            "review": review.pk,
            "thread": thread.pk,
            "wishlist": wishlist.pk,
            "spare_wishlist": spare_wishlist.pk,
            "wishlist_to_share": wishlist_to_share.pk,
        },
    )


@pytest.fixture
def fuzz_world(transactional_db, settings) -> FuzzWorld:
    # The per-sender message limits (10 a minute) have their own tests; here they would
    # turn most generated messages into 429 before the validation they are meant to reach.
    settings.MESSAGING_RATE_PER_MINUTE = 100_000
    settings.MESSAGING_RATE_PER_HOUR = 100_000
    breaker.close()
    world = build_world()
    yield world
    breaker.close()


@pytest.fixture
def api_schema(live_server, fuzz_world):
    """The schema as the live server serves it at /api/schema/, with the fuzzing configuration."""
    config = schemathesis.Config.from_dict(
        {
            "seed": FUZZ_SEED,
            "generation": {"mode": "all", "deterministic": True, "database": "none"},
            # The coverage phase's boundary values (min/max lengths, numbers and dates at
            # the limits, every enum value) find the 500s; its negative half (every way
            # a field can be wrong) is ~800 requests for the listing form alone and is
            # left to the fuzzing phase, which mixes valid and invalid input.
            "phases": {"coverage": {"generation": {"mode": "positive"}}},
            # PUT takes the same serializer and service as POST (full) and PATCH (partial),
            # whose boundary values are covered; its own ~460 would add a fifth to the run.
            "operations": [
                {
                    "include-path": "/api/v1/listings/{id}/",
                    "include-method": "PUT",
                    "phases": {"coverage": {"enabled": False}},
                }
            ],
        }
    )
    return schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json", config=config)


def days_from_today(n: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=n)).isoformat()
