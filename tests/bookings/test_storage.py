"""How the booking path writes: properties of the storage that keep it cheap."""

import pytest
from django.db import connection

from payments.gateways.base import breaker
from tests.accounts.factories import UserFactory
from tests.bookings.helpers import book
from tests.listings.factories import ListingFactory

pytestmark = pytest.mark.django_db


def _listing_updates() -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = 'listings_listing'"
        )
        return cursor.fetchone()


def test_the_multirange_rewrite_of_a_booking_is_a_hot_update():
    """No index may cover ``listings_listing.unavailable``: each booking would write every listing index."""
    breaker.close()
    listing = ListingFactory(instant_book=True)
    before = _listing_updates()
    book(guest=UserFactory(), listing=listing, start=10, nights=3)
    updates, hot = (after - earlier for after, earlier in zip(_listing_updates(), before, strict=True))
    assert updates >= 1
    assert hot == updates
