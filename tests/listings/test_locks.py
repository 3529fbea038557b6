"""The one listing row lock (``listings.locks.listing_lock``) every app takes first."""

import threading

import pytest
from django.db import DatabaseError, connections, transaction

from airbnb.api.errors import HTTP_STATUS_BY_CODE
from listings.locks import ListingGone, listing_lock
from listings.models import Listing, ListingStatus
from tests.listings.factories import ListingFactory


@pytest.mark.django_db
def test_a_deleted_listing_is_locked_unless_only_live_ones_are_wanted():
    deleted = ListingFactory(status=ListingStatus.DELETED)
    with transaction.atomic():
        assert listing_lock(listing_id=deleted.pk).pk == deleted.pk  # its bookings, reviews, calendar still change
    with pytest.raises(ListingGone), transaction.atomic():
        listing_lock(listing_id=deleted.pk, live_only=True)  # listing edits
    live = ListingFactory()
    with transaction.atomic():
        assert listing_lock(listing_id=live.pk, live_only=True).title == live.title


@pytest.mark.django_db
@pytest.mark.parametrize("live_only", [False, True])
def test_a_missing_listing_is_gone(live_only):
    missing = (Listing.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    with pytest.raises(ListingGone) as exc, transaction.atomic():
        listing_lock(listing_id=missing, live_only=live_only)
    assert HTTP_STATUS_BY_CODE[exc.value.code] == 404


@pytest.mark.django_db
def test_fields_limit_the_columns_read():
    listing = ListingFactory()
    with transaction.atomic():
        locked = listing_lock(listing_id=listing.pk, fields=("id", "host_id"))
    assert locked.host_id == listing.host_id
    assert {"title", "description", "unavailable"} <= locked.get_deferred_fields()


@pytest.mark.django_db(transaction=True)
def test_the_row_stays_locked_until_the_transaction_ends():
    listing = ListingFactory()
    outcomes: list[str] = []

    def try_lock():
        try:
            with transaction.atomic():
                Listing.objects.select_for_update(nowait=True).filter(pk=listing.pk).first()
            outcomes.append("locked")
        except DatabaseError:
            outcomes.append("busy")
        finally:
            connections.close_all()

    def in_another_connection():
        thread = threading.Thread(target=try_lock)
        thread.start()
        thread.join(timeout=30)
        assert not thread.is_alive()

    with transaction.atomic():
        listing_lock(listing_id=listing.pk, fields=("id",))
        in_another_connection()
    in_another_connection()
    assert outcomes == ["busy", "locked"]
