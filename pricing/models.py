"""Pricing: the rule tables prices are computed from, the signals demand is read
from, and what Smart Pricing suggested.

* ``ListingPricing``: a host's pricing settings for one listing (guests included,
  extra-guest fee, minimum and maximum price, Smart Pricing on/off, their own
  weekend and season percentages). Optional: a listing without a row uses the
  platform defaults (the 1M seeded listings have none).
* ``SeasonPeriod``: platform-defined yearly seasons (high / shoulder / low) per
  country or region; the percentage of each level is host-editable per listing.
* ``LocalEvent``: a named event at a place with a radius, dates and an uplift.
* ``ListingViewDay`` / ``AreaSearchDay``: daily counters of listing views and of
  searches per area and night (the platform's own demand signals).
* ``AreaDemand``: a demand score per area cell and night, computed from the
  signals by a periodic task; quotes read it, never the raw signals.
* ``PriceSuggestion``: Smart Pricing's suggested price per listing and night,
  with its reasons, and the price it applied when Smart Pricing is on.
* ``ListingCompetitiveness``: where a listing's price sits among comparable
  listings nearby (read by search ranking).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.gis.db import models as gis_models
from django.contrib.postgres.indexes import GistIndex
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from listings.models import MONEY, Listing

PRICE_FLOOR = Decimal("10")
PRICE_CEILING = Decimal("100000")


class SeasonLevel(models.TextChoices):
    HIGH = "high", _("High season")
    SHOULDER = "shoulder", _("Shoulder season")
    LOW = "low", _("Low season")


class ListingPricing(models.Model):
    listing = models.OneToOneField(Listing, on_delete=models.CASCADE, primary_key=True, related_name="pricing_settings")
    guests_included = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("Guests the nightly price covers; each further guest pays the extra-guest fee."),
    )
    extra_guest_fee = models.DecimalField(
        **MONEY,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("10000"))],
        help_text=_("Per extra guest and night."),
    )
    min_price = models.DecimalField(
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(PRICE_FLOOR), MaxValueValidator(PRICE_CEILING)],
        help_text=_("Automatic prices never go below this."),
    )
    max_price = models.DecimalField(
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(PRICE_FLOOR), MaxValueValidator(PRICE_CEILING)],
        help_text=_("Automatic prices never go above this."),
    )
    smart_pricing = models.BooleanField(
        default=False, help_text=_("Apply Smart Pricing's suggestions to the calendar automatically.")
    )
    # Host overrides of the platform's percentages; NULL means "use the platform default".
    weekend_premium_pct = models.SmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(-50), MaxValueValidator(200)]
    )
    high_season_pct = models.SmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(300)]
    )
    shoulder_season_pct = models.SmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(300)]
    )
    low_season_pct = models.SmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(300)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "listing pricing settings"
        verbose_name_plural = "listing pricing settings"
        indexes = [models.Index(fields=["listing"], name="pricing_smart_on", condition=Q(smart_pricing=True))]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_price__isnull=True) | Q(max_price__isnull=True) | Q(min_price__lte=F("max_price")),
                name="pricing_min_le_max",
            ),
            # Both bounds within the platform's floor and ceiling (as their validators say): then the guardrails
            # are least(greatest(price, min or floor), max or ceiling), as search prices them (search/pricing_sql.py).
            models.CheckConstraint(
                condition=Q(min_price__isnull=True) | Q(min_price__gte=PRICE_FLOOR, min_price__lte=PRICE_CEILING),
                name="pricing_min_in_range",
            ),
            models.CheckConstraint(
                condition=Q(max_price__isnull=True) | Q(max_price__gte=PRICE_FLOOR, max_price__lte=PRICE_CEILING),
                name="pricing_max_in_range",
            ),
            models.CheckConstraint(condition=Q(extra_guest_fee__gte=0), name="pricing_extra_guest_fee_nonneg"),
            models.CheckConstraint(condition=Q(guests_included__gte=1), name="pricing_guests_included_positive"),
        ]

    def __str__(self) -> str:
        return f"Pricing of listing {self.listing_id}"

    def clean(self):
        if self.min_price is not None and self.max_price is not None and self.min_price > self.max_price:
            raise ValidationError({"max_price": _("The maximum price must be at least the minimum price.")})


def _month_day_valid(month: int, day: int) -> bool:
    try:
        dt.date(2000, month, day)  # a leap year, so 29 February is allowed
    except ValueError:
        return False
    return True


class SeasonPeriod(models.Model):
    """A season that recurs every year in a country (or one region of it).

    ``start``/``end`` are month and day, both inclusive; a period may wrap the new
    year (15 Dec - 6 Jan). A region-specific period wins over a country-wide one.
    """

    country_code = models.CharField(max_length=2)
    region = models.CharField(max_length=120, blank=True, help_text="Blank: the whole country.")
    name = models.CharField(max_length=80, help_text='Shown to hosts, e.g. "Summer holidays".')
    level = models.CharField(max_length=10, choices=SeasonLevel.choices)
    start_month = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(12)])
    start_day = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(31)])
    end_month = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(12)])
    end_day = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(31)])

    class Meta:
        ordering = ["country_code", "region", "start_month", "start_day"]
        indexes = [models.Index(fields=["country_code", "region"], name="season_place")]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_month__gte=1, start_month__lte=12, end_month__gte=1, end_month__lte=12),
                name="season_months_valid",
            ),
            models.CheckConstraint(
                condition=Q(start_day__gte=1, start_day__lte=31, end_day__gte=1, end_day__lte=31),
                name="season_days_valid",
            ),
        ]

    def __str__(self) -> str:
        where = f"{self.country_code}/{self.region}" if self.region else self.country_code
        return f"{self.name} ({self.get_level_display()}, {where})"

    def clean(self):
        for prefix in ("start", "end"):
            month, day = getattr(self, f"{prefix}_month"), getattr(self, f"{prefix}_day")
            if month and day and not _month_day_valid(month, day):
                raise ValidationError({f"{prefix}_day": f"Month {month} has no day {day}."})
        if self.country_code:
            self.country_code = self.country_code.upper()

    def contains(self, day: dt.date) -> bool:
        """Whether ``day`` falls in this period (any year)."""
        key = (day.month, day.day)
        start, end = (self.start_month, self.start_day), (self.end_month, self.end_day)
        if start <= end:
            return start <= key <= end
        return key >= start or key <= end  # wraps the new year


class LocalEvent(models.Model):
    """A named event raising (or lowering) prices within ``radius_km`` of a place, dates inclusive."""

    name = models.CharField(max_length=120)
    location = gis_models.PointField(geography=True, srid=4326)
    radius_km = models.PositiveSmallIntegerField(default=10, validators=[MinValueValidator(1), MaxValueValidator(300)])
    starts_on = models.DateField()
    ends_on = models.DateField(help_text="Last night of the event (inclusive).")
    uplift_pct = models.SmallIntegerField(
        validators=[MinValueValidator(-90), MaxValueValidator(400)],
        help_text="+150 means prices x2.5 (Olympics); +20 a local festival.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "name"]
        indexes = [
            GistIndex(fields=["location"], name="event_location_gist"),
            models.Index(fields=["ends_on"], name="event_ends_on"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="event_ends_after_start"),
            models.CheckConstraint(condition=Q(uplift_pct__gte=-90, uplift_pct__lte=400), name="event_uplift_range"),
            models.CheckConstraint(condition=Q(radius_km__gte=1, radius_km__lte=300), name="event_radius_range"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.starts_on} - {self.ends_on})"


class ListingViewDay(models.Model):
    """Views of a listing's page on one day (flushed from a Redis counter)."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["listing", "date"], name="listing_view_day_unique")]
        indexes = [models.Index(fields=["date"], name="listing_view_day_date")]

    def __str__(self) -> str:
        return f"{self.listing_id} {self.date}: {self.views} views"


class AreaSearchDay(models.Model):
    """Searches that asked for one night in one area cell (a dated search counts once per night)."""

    cell_lat = models.IntegerField()
    cell_lng = models.IntegerField()
    night = models.DateField()
    searches = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cell_lat", "cell_lng", "night"], name="area_search_day_unique")]
        indexes = [models.Index(fields=["night"], name="area_search_day_night")]

    def __str__(self) -> str:
        return f"cell {self.cell_lat},{self.cell_lng} {self.night}: {self.searches} searches"


class AreaDemand(models.Model):
    """How wanted one area cell is on one night (0 = nobody, 1 = sold out and sought after).

    Written by ``demand_refresh``; only cells with enough signal get a row, and a
    missing row means "no adjustment".
    """

    cell_lat = models.IntegerField()
    cell_lng = models.IntegerField()
    date = models.DateField()
    score = models.DecimalField(max_digits=3, decimal_places=2)
    listings = models.PositiveIntegerField(help_text="Published listings in the cell.")
    booked = models.PositiveIntegerField(help_text="Of those, booked or on hold that night.")
    searches = models.PositiveIntegerField()
    views = models.PositiveIntegerField(help_text="Listing views in the cell, last 14 days.")
    bookings = models.PositiveIntegerField(help_text="Bookings made in the cell, last 14 days.")
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cell_lat", "cell_lng", "date"], name="area_demand_unique"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=1), name="area_demand_score_0_1"),
        ]

    def __str__(self) -> str:
        return f"cell {self.cell_lat},{self.cell_lng} {self.date}: {self.score}"


class PriceSuggestion(models.Model):
    """Smart Pricing's price for one night, with the reasons shown to the host.

    ``applied_price`` is what Smart Pricing itself wrote to the calendar (when it
    is on): a calendar price equal to it may be replaced by the next suggestion;
    any other calendar price is the host's own and is left alone.
    """

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    price = models.DecimalField(**MONEY)
    base_price = models.DecimalField(**MONEY)
    reasons = models.JSONField(default=list, help_text='[{"code": "weekend", "label": "Weekend +20%"}, ...]')
    applied_price = models.DecimalField(**MONEY, null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["listing", "date"]
        constraints = [
            models.UniqueConstraint(fields=["listing", "date"], name="price_suggestion_unique"),
            models.CheckConstraint(condition=Q(price__gt=0), name="price_suggestion_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.listing_id} {self.date}: {self.price}"


class ListingCompetitiveness(models.Model):
    """Percentile of a listing's nightly price among comparable listings nearby (NULL: too few to compare)."""

    listing = models.OneToOneField(Listing, on_delete=models.CASCADE, primary_key=True, related_name="+")
    percentile = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    comparables = models.PositiveIntegerField()
    median_price = models.DecimalField(**MONEY, null=True, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "listing competitiveness"
        constraints = [
            models.CheckConstraint(
                condition=Q(percentile__isnull=True) | Q(percentile__gte=0, percentile__lte=100),
                name="competitiveness_percentile_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.listing_id}: p{self.percentile} of {self.comparables}"
