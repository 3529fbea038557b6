"""Ranking features, the booking-likelihood model, rank tiers, and the demo calendar seed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.utils import timezone

from availability.models import CalendarNight
from bookings.models import Booking, BookingStatus
from pricing.selectors import price_quote
from search import services
from search.demo_calendars import calendars_clear, calendars_seed
from search.models import BookingModel, SearchListing
from search.tasks import search_booking_model_fit_task, search_features_refresh_task
from tests.accounts.factories import UserFactory
from tests.listings.factories import ListingFactory

pytestmark = pytest.mark.django_db


def test_logistic_fit_recovers_a_known_model():
    # Cells generated from p = sigmoid(-1 + 2x): the fit must find about (-1, 2).
    import math

    cells = []
    for step in range(11):
        x = step / 10
        p = 1 / (1 + math.exp(-(-1 + 2 * x)))
        cells.append(([x], 10_000, round(10_000 * p)))
    intercept, weight = services.logistic_fit(cells, ridge=0.0)
    assert intercept == pytest.approx(-1, abs=0.01) and weight == pytest.approx(2, abs=0.01)


def test_model_without_history_stays_inactive_and_ranking_is_neutral():
    ListingFactory()
    model = services.search_booking_model_fit()
    assert not model.active and "Too little history" in model.note
    services.search_booking_likelihood_refresh()
    assert set(SearchListing.objects.values_list("booking_likelihood", flat=True)) == {0.5}


def test_model_fitted_on_bookings_scores_listings(monkeypatch):
    monkeypatch.setattr(services, "MIN_POSITIVES", 5)
    guest = UserFactory()
    now = timezone.now()
    booked, quiet = [], []
    for n in range(40):
        listing = ListingFactory(
            location=Point(-120.0 + n * 0.01, -60.0, srid=4326), instant_book=n % 2 == 0, base_price=Decimal("80")
        )
        # Instant Book listings got most of the bookings.
        if (n % 2 == 0 and n % 10 != 0) or n % 10 == 1:
            Booking.objects.create(
                listing=listing, guest=guest, check_in=now.date() + dt.timedelta(days=10),
                check_out=now.date() + dt.timedelta(days=12), guests=1, status=BookingStatus.CONFIRMED,
                currency="EUR", total=Decimal("200"),
            )  # fmt: skip
            booked.append(listing.pk)
        else:
            quiet.append(listing.pk)
    model = search_booking_model_fit_task()
    fitted = BookingModel.objects.get(pk=model)
    assert fitted.active, fitted.note
    assert fitted.coefficients["instant_book"] > 1
    assert fitted.log_loss < fitted.baseline_log_loss
    scores = dict(SearchListing.objects.values_list("listing_id", "booking_likelihood"))
    instant = [scores[pk] for pk in scores if SearchListing.objects.get(pk=pk).instant_book]
    other = [scores[pk] for pk in scores if not SearchListing.objects.get(pk=pk).instant_book]
    assert min(instant) > max(other)
    assert all(0 <= value <= 1 for value in scores.values())


def test_features_refresh_sets_quality_competitiveness_and_tiers():
    bare = ListingFactory(description="", amenities=[])
    rich = ListingFactory(description="x" * 900, amenities=["wifi", "pool", "kitchen", "tv"] * 1)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO pricing_listingcompetitiveness "
            "(listing_id, percentile, comparables, median_price, computed_at) VALUES (%s, 20, 9, 100, now())",
            [rich.pk],
        )
    counts = search_features_refresh_task()
    assert counts["quality"] >= 2
    bare_row, rich_row = SearchListing.objects.get(pk=bare.pk), SearchListing.objects.get(pk=rich.pk)
    assert bare_row.quality == 0 and rich_row.quality == pytest.approx(0.3 + 0.3 * 4 / 20)
    assert rich_row.price_competitiveness == pytest.approx(0.8) and bare_row.price_competitiveness == 0.5
    assert rich_row.rank_tier < bare_row.rank_tier


def test_calendar_seed_is_deterministic_priced_by_price_quote_and_clearable():
    for _ in range(5):
        UserFactory()  # guests (people hosting nothing)
    listings = [
        ListingFactory(location=Point(-100.0 + n * 0.01, -70.0, srid=4326), min_nights=1 + n % 3, max_nights=20)
        for n in range(25)
    ]
    ids = [listing.pk for listing in listings]
    start = dt.date.today() + dt.timedelta(days=1)

    def snapshot():
        return sorted(
            CalendarNight.objects.filter(listing_id__in=ids, date__gte=start).values_list(
                "listing_id", "date", "status", "price", "min_nights"
            )
        )

    result = calendars_seed(seed=5, days=90, start=start, chunk=7)
    first = snapshot()
    assert result.run.listings == 25 and result.run.bookings > 0 and first
    for booking in Booking.objects.filter(listing_id__in=ids, check_in__gte=start).select_related("listing"):
        quote = price_quote(
            listing=booking.listing, check_in=booking.check_in, check_out=booking.check_out, guests=booking.guests,
            night_prices={}, today=start,
        )  # fmt: skip
        assert booking.price_breakdown == quote.as_dict() and booking.total == quote.total
        assert booking.payment.amount == booking.total and booking.payment.status == "captured"
        nights = booking.nights_taken.values_list("date", flat=True)
        assert len(nights) == booking.nights and booking.nights >= booking.listing.min_nights
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM listings_listing l JOIN search_listing s ON s.listing_id = l.id
             WHERE l.id = ANY(%s) AND (s.unavailable <> l.unavailable OR l.unavailable <> COALESCE(
                   (SELECT range_agg(daterange(c.date, c.date + 1)) FROM availability_calendarnight c
                     WHERE c.listing_id = l.id AND c.status <> 'available' AND c.date >= CURRENT_DATE - 1),
                   '{}'::datemultirange))
            """,
            [ids],
        )
        assert cursor.fetchone()[0] == 0
    assert calendars_clear() == 1
    assert snapshot() == []
    assert not Booking.objects.filter(listing_id__in=ids, check_in__gte=start).exists()
    calendars_seed(seed=5, days=90, start=start, chunk=25)
    assert snapshot() == first  # same seed, same calendars, whatever the chunk size


def test_calendar_seed_gives_a_fifth_of_listings_host_pricing_settings_and_clears_only_its_own():
    """The 1M benchmark world prices the host-settings path: the seed gives listings valid settings."""
    from pricing.models import ListingPricing

    listings = [ListingFactory(location=Point(-60.0 + n * 0.01, -70.0, srid=4326)) for n in range(60)]
    ids = [listing.pk for listing in listings]
    own = ListingPricing.objects.create(listing=listings[0], min_price=Decimal("99.00"))
    own_stamp = ListingPricing.objects.get(pk=own.pk).updated_at

    run = calendars_seed(seed=3, days=10, start=dt.date.today() + dt.timedelta(days=1)).run
    seeded = list(ListingPricing.objects.filter(listing_id__in=ids).exclude(pk=own.pk))
    assert run.pricing_settings == len(seeded)
    assert 2 <= len(seeded) <= 25  # 20% of 59, give or take what 59 draws give (outside: p < 10^-4)
    for row in seeded:
        row.full_clean()  # within every validator: floor and ceiling, minimum at most maximum, guests 1-50
        assert row.updated_at == run.created_at
    flagged = set(
        SearchListing.objects.filter(listing_id__in=ids, has_pricing_settings=True).values_list("pk", flat=True)
    )
    assert flagged == {row.listing_id for row in seeded} | {own.listing_id}
    assert ListingPricing.objects.get(pk=own.pk).updated_at == own_stamp  # a host's own settings are left alone

    kept = seeded[0]
    kept.weekend_premium_pct = 25
    kept.save()  # a host saved the seeded settings: they are theirs now
    assert calendars_clear() == 1
    assert set(ListingPricing.objects.filter(listing_id__in=ids).values_list("pk", flat=True)) == {own.pk, kept.pk}
    flagged = set(
        SearchListing.objects.filter(listing_id__in=ids, has_pricing_settings=True).values_list("pk", flat=True)
    )
    assert flagged == {own.listing_id, kept.listing_id}
