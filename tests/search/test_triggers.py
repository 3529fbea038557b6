"""The search rows follow listings, hosts and calendars inside the writing transaction (database triggers)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from availability.services import calendar_block_range, calendar_set_nights, calendar_unblock_range
from listings.models import Listing, ListingStatus
from search.models import SearchListing, SearchListingText

from .conftest import in_paris

pytestmark = pytest.mark.django_db


def row(listing) -> SearchListing:
    return SearchListing.objects.get(pk=listing.pk)


def test_published_listings_get_a_row_and_drafts_do_not():
    published = in_paris(amenities=["wifi", "pool"], title="Sunny loft")
    draft = in_paris(status=ListingStatus.DRAFT)
    assert not SearchListing.objects.filter(pk=draft.pk).exists()
    copy = row(published)
    assert copy.base_price == published.base_price and copy.max_guests == published.max_guests
    assert len(copy.amenity_ids) == 2
    document = SearchListingText.objects.get(pk=published.pk).document
    assert "'sunni':" in document and "'pool':" in document


def test_changes_publishing_and_deleting_follow_at_once():
    listing = in_paris(title="Old title")
    Listing.objects.filter(pk=listing.pk).update(base_price=Decimal("222.00"), max_guests=7)
    assert (row(listing).base_price, row(listing).max_guests) == (Decimal("222.00"), 7)
    Listing.objects.filter(pk=listing.pk).update(title="Lakeside chalet")
    assert "'chalet':" in SearchListingText.objects.get(pk=listing.pk).document
    Listing.objects.filter(pk=listing.pk).update(status=ListingStatus.UNLISTED)
    assert not SearchListing.objects.filter(pk=listing.pk).exists()
    assert not SearchListingText.objects.filter(pk=listing.pk).exists()
    Listing.objects.filter(pk=listing.pk).update(status=ListingStatus.PUBLISHED)
    assert row(listing).max_guests == 7
    with connection.cursor() as cursor:  # a raw delete, as a bulk cleanup might do
        cursor.execute("DELETE FROM search_listing_text WHERE listing_id = %s", [listing.pk])
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    listing.delete()
    assert not SearchListing.objects.filter(pk=listing.pk).exists()


def test_calendar_writes_reach_the_search_row_in_the_same_transaction():
    listing = in_paris()
    start = dt.date.today() + dt.timedelta(days=5)
    calendar_block_range(listing=listing, start=start, end=start + dt.timedelta(days=3))
    taken = row(listing).unavailable
    assert [(r.lower, r.upper) for r in taken] == [(start, start + dt.timedelta(days=3))]
    calendar_unblock_range(listing=listing, start=start, end=start + dt.timedelta(days=3))
    assert list(row(listing).unavailable) == []


def test_overrides_mark_the_row_and_host_stats_follow():
    listing = in_paris()
    assert not row(listing).has_overrides
    start = dt.date.today() + dt.timedelta(days=5)
    calendar_set_nights(listing=listing, start=start, end=start + dt.timedelta(days=1), min_nights=3)
    assert row(listing).has_overrides
    host = listing.host
    host.is_superhost, host.response_rate = True, Decimal("0.950")
    host.save()
    assert row(listing).is_superhost and row(listing).host_response_rate == Decimal("0.950")


def test_bulk_statements_update_many_rows_once():
    listings = [in_paris() for _ in range(5)]
    Listing.objects.filter(pk__in=[item.pk for item in listings]).update(rating_avg=Decimal("4.90"), rating_count=12)
    assert set(
        SearchListing.objects.filter(pk__in=[item.pk for item in listings]).values_list("rating_count", flat=True)
    ) == {12}


@pytest.mark.django_db(transaction=True)
def test_committed_block_is_seen_by_another_connection_and_flush_empties_search_tables():
    """Run with real commits: another connection sees the block as soon as it commits; the test
    runner's flush at the end (TRUNCATE of every table) empties the search tables through their trigger."""
    import threading

    from django.db import connections

    listing = in_paris()
    start = dt.date.today() + dt.timedelta(days=40)
    calendar_block_range(listing=listing, start=start, end=start + dt.timedelta(days=2))
    seen = []

    def other_connection():
        try:
            seen.append(SearchListing.objects.get(pk=listing.pk).unavailable)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_connection)
    thread.start()
    thread.join()
    assert [(r.lower, r.upper) for r in seen[0]] == [(start, start + dt.timedelta(days=2))]
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE listings_listing CASCADE")
        cursor.execute("SELECT count(*) FROM search_listing WHERE listing_id = %s", [listing.pk])
        assert cursor.fetchone()[0] == 0


def test_host_pricing_settings_flag_the_row_and_survive_unpublishing():
    from pricing.models import ListingPricing

    listing = in_paris()
    assert not row(listing).has_pricing_settings
    settings_row = ListingPricing.objects.create(listing=listing, min_price=Decimal("150.00"))
    assert row(listing).has_pricing_settings
    # Unpublished (row deleted) and published again (row inserted): the flag comes back from the settings.
    Listing.objects.filter(pk=listing.pk).update(status=ListingStatus.UNLISTED)
    Listing.objects.filter(pk=listing.pk).update(status=ListingStatus.PUBLISHED)
    assert row(listing).has_pricing_settings
    settings_row.delete()
    assert not row(listing).has_pricing_settings
    other = in_paris()
    ListingPricing.objects.bulk_create([ListingPricing(listing=listing), ListingPricing(listing=other)])
    assert row(listing).has_pricing_settings and row(other).has_pricing_settings


def test_the_country_and_lowercased_region_follow_the_listing():
    """Seasons are matched on them by the search price (migration 0007)."""
    listing = in_paris(country_code="FR", region="Île-de-France")
    assert (row(listing).country_code, row(listing).region_key) == ("FR", "île-de-france")
    Listing.objects.filter(pk=listing.pk).update(region="Provence")
    assert row(listing).region_key == "provence"
    Listing.objects.filter(pk=listing.pk).update(country_code="BE", region="")
    assert (row(listing).country_code, row(listing).region_key) == ("BE", "")
    Listing.objects.filter(pk=listing.pk).update(status=ListingStatus.UNLISTED)
    Listing.objects.filter(pk=listing.pk).update(status=ListingStatus.PUBLISHED, country_code="NL", region="Utrecht")
    assert (row(listing).country_code, row(listing).region_key) == ("NL", "utrecht")
