"""The access functions themselves: for each, the owner gets the object and anyone else the same error.

Pages, the API and the services call these (``<app>/access.py``); the URL matrix
in ``test_authorization.py`` checks the answers over HTTP, this checks the
decisions directly: owner, a second user, staff and an anonymous visitor.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from airbnb.api.errors import HTTP_STATUS_BY_CODE
from airbnb.errors import ApplicationError
from bookings.access import access_booking, access_booking_for_update
from hosttools.access import access_calendar_import, access_host_listing, access_ical_feed
from listings.access import access_listing, access_public_listing, access_wishlist
from messaging.access import access_thread
from reviews.access import access_review, access_stay_to_review
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def denied(call) -> int:
    """The HTTP status the error ``call`` raises maps to (it must raise an application error)."""
    with pytest.raises(ApplicationError) as caught:
        call()
    return HTTP_STATUS_BY_CODE[caught.value.code]


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


def test_public_listing(world):
    assert access_public_listing(world.listing.pk) == world.listing
    assert access_public_listing(str(world.listing.pk)) == world.listing
    assert denied(lambda: access_public_listing(world.draft.pk)) == 404
    assert denied(lambda: access_public_listing("abc")) == 404
    assert denied(lambda: access_public_listing(None)) == 404


def test_listing_to_see_and_to_edit(world, staff):
    host, intruder, anonymous = world.host, world.intruder, AnonymousUser()
    assert access_listing(host, world.draft.pk) == world.draft
    assert access_listing(host, world.draft.pk, for_edit=True) == world.draft
    assert access_listing(intruder, world.listing.pk) == world.listing  # published: anyone may look
    assert access_listing(anonymous, world.listing.pk) == world.listing
    assert denied(lambda: access_listing(intruder, world.draft.pk)) == 404  # a draft does not exist for others
    assert denied(lambda: access_listing(anonymous, world.draft.pk)) == 404
    assert denied(lambda: access_listing(intruder, world.listing.pk, for_edit=True)) == 403
    assert denied(lambda: access_listing(intruder, world.listing.pk, for_edit=True, hide=True)) == 404
    assert denied(lambda: access_listing(intruder, world.draft.pk, for_edit=True)) == 404
    assert access_listing(staff, world.draft.pk, for_edit=True) == world.draft
    assert denied(lambda: access_listing(staff, world.listing.pk, for_edit=True, host_only=True)) == 403
    assert denied(lambda: access_listing(host, 999999999)) == 404


def test_wishlist(world, staff):
    assert access_wishlist(world.guest, world.wishlist.pk) == world.wishlist
    for other in (world.intruder, world.host, staff, AnonymousUser()):
        assert denied(lambda other=other: access_wishlist(other, world.wishlist.pk)) == 404


def test_booking_by_role(world, staff):
    booking, guest, host = world.booking, world.guest, world.host
    assert access_booking(guest, booking.pk, as_role="guest") == booking
    assert access_booking(host, booking.pk, as_role="host") == booking
    assert access_booking(guest, booking.pk, as_role="either") == access_booking(host, booking.pk, as_role="either")
    assert access_booking(staff, booking.pk, as_role="host") == booking
    assert denied(lambda: access_booking(host, booking.pk, as_role="guest")) == 404  # the host's page is another
    assert denied(lambda: access_booking(guest, booking.pk, as_role="host")) == 404
    for other in (world.intruder, AnonymousUser()):
        assert denied(lambda other=other: access_booking(other, booking.pk, as_role="either")) == 404
    assert denied(lambda: access_booking(guest, "x", as_role="either")) == 404


def test_booking_for_update_locks_for_a_party_and_refuses_the_other(world, staff):
    request = world.request
    with transaction.atomic():
        locked, listing = access_booking_for_update(world.host, request.pk, as_role="host")
        assert (locked, listing) == (request, world.request_listing)
    with transaction.atomic():
        assert access_booking_for_update(staff, request.pk, as_role="guest")[0] == request
    assert denied(lambda: access_booking_for_update(world.guest, request.pk, as_role="host")) == 403
    assert denied(lambda: access_booking_for_update(world.host, request.pk, as_role="guest")) == 403
    assert denied(lambda: access_booking_for_update(world.intruder, request.pk, as_role="host")) == 404


def test_review_and_stay_to_review(world, staff):
    review = world.review  # unpublished: only its author sees it
    assert access_review(world.guest, review.pk) == review
    for other in (world.host, world.intruder, staff, AnonymousUser()):
        assert denied(lambda other=other: access_review(other, review.pk)) == 404
    booking, direction = access_stay_to_review(world.host, world.completed.pk)
    assert booking == world.completed and direction
    assert denied(lambda: access_stay_to_review(world.intruder, world.completed.pk)) == 404
    assert denied(lambda: access_stay_to_review(world.intruder, world.booking.pk)) == 404
    assert denied(lambda: access_stay_to_review(world.guest, 999999999)) == 404


def test_thread(world, staff):
    thread = world.thread
    assert access_thread(world.guest, thread.pk) == thread
    assert access_thread(world.host, thread.pk) == thread
    assert access_thread(staff, thread.pk) == thread
    assert denied(lambda: access_thread(world.intruder, thread.pk)) == 404
    assert denied(lambda: access_thread(world.guest, "1; DROP")) == 404


def test_host_tools(world, staff):
    host, intruder = world.host, world.intruder
    assert access_host_listing(host, world.draft.pk) == world.draft
    assert access_host_listing(host, world.listing.pk, reveal_public=True) == world.listing
    assert denied(lambda: access_host_listing(intruder, world.listing.pk)) == 404
    assert denied(lambda: access_host_listing(intruder, world.listing.pk, reveal_public=True)) == 403
    assert denied(lambda: access_host_listing(intruder, world.draft.pk, reveal_public=True)) == 404
    assert denied(lambda: access_host_listing(staff, world.draft.pk)) == 404  # host tools are the host's
    assert access_calendar_import(host, world.listing.pk, world.feed.pk) == world.feed
    assert denied(lambda: access_calendar_import(intruder, world.listing.pk, world.feed.pk)) == 404
    assert denied(lambda: access_calendar_import(host, world.request_listing.pk, world.feed.pk)) == 404
    assert access_ical_feed(world.ical_token).listing == world.listing
    assert denied(lambda: access_ical_feed(world.ical_token[:-1])) == 404
