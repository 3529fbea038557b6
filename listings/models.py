"""Listings: the properties hosts rent out, their amenities and photos.

Amenities are a managed catalogue (``Amenity``); a listing stores the codes it
offers in an indexed array so search can filter "has all of" and count facets in
SQL without a join over millions of rows.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.gis.db import models as gis_models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, GistIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Value
from django.urls import reverse

from .fields import DateMultiRangeField


class Amenity(models.Model):
    class Category(models.TextChoices):
        ESSENTIALS = "essentials", "Essentials"
        FEATURES = "features", "Features"
        LOCATION = "location", "Location"
        SAFETY = "safety", "Safety"
        ACCESSIBILITY = "accessibility", "Accessibility"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    category = models.CharField(max_length=20, choices=Category.choices)
    icon = models.CharField(max_length=40, help_text="Name of an icon in static/icons/")
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["category", "sort_order", "name"]
        verbose_name_plural = "amenities"

    def __str__(self) -> str:
        return self.name


class PropertyType(models.TextChoices):
    APARTMENT = "apartment", "Apartment"
    HOUSE = "house", "House"
    CABIN = "cabin", "Cabin"
    VILLA = "villa", "Villa"
    LOFT = "loft", "Loft"
    COTTAGE = "cottage", "Cottage"
    TOWNHOUSE = "townhouse", "Townhouse"
    GUESTHOUSE = "guesthouse", "Guesthouse"


class RoomType(models.TextChoices):
    ENTIRE = "entire", "Entire place"
    PRIVATE = "private", "Private room"
    SHARED = "shared", "Shared room"


class CancellationPolicy(models.TextChoices):
    FLEXIBLE = "flexible", "Flexible"
    MODERATE = "moderate", "Moderate"
    STRICT = "strict", "Strict"


class ListingStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    UNLISTED = "unlisted", "Unlisted"
    DELETED = "deleted", "Deleted"


MONEY = {"max_digits": 10, "decimal_places": 2}


class Listing(models.Model):
    host = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="listings")
    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140)
    description = models.TextField(max_length=10000, blank=True)
    property_type = models.CharField(max_length=20, choices=PropertyType.choices)
    room_type = models.CharField(max_length=10, choices=RoomType.choices)

    # Location: exact point and address are private until a guest has booked.
    location = gis_models.PointField(srid=4326, null=True, blank=True)
    address = models.CharField(max_length=255, blank=True)
    neighbourhood = models.CharField(max_length=120, blank=True)
    city = models.CharField(max_length=120, blank=True)
    region = models.CharField(max_length=120, blank=True)
    country_code = models.CharField(max_length=2, blank=True)

    max_guests = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(50)])
    bedrooms = models.PositiveSmallIntegerField(default=1, validators=[MaxValueValidator(50)])
    beds = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(100)])
    bathrooms = models.DecimalField(max_digits=3, decimal_places=1, default=Decimal("1.0"))

    amenities = ArrayField(models.SlugField(max_length=40), default=list, blank=True)
    house_rules = models.TextField(max_length=5000, blank=True)
    check_in_time = models.TimeField(default="15:00")
    check_out_time = models.TimeField(default="11:00")

    currency = models.CharField(max_length=3, default="EUR")
    base_price = models.DecimalField(
        **MONEY, validators=[MinValueValidator(Decimal("10")), MaxValueValidator(Decimal("100000"))]
    )
    cleaning_fee = models.DecimalField(**MONEY, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))])
    weekly_discount_pct = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(90)])
    monthly_discount_pct = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(90)])
    min_nights = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(365)])
    max_nights = models.PositiveSmallIntegerField(
        default=365, validators=[MinValueValidator(1), MaxValueValidator(1125)]
    )
    instant_book = models.BooleanField(default=False)
    cancellation_policy = models.CharField(
        max_length=10, choices=CancellationPolicy.choices, default=CancellationPolicy.MODERATE
    )

    status = models.CharField(max_length=10, choices=ListingStatus.choices, default=ListingStatus.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Denormalised taken nights (held/booked/blocked) as a multirange, rewritten by the
    # bookings calendar service in the same transaction as the calendar rows, so
    # date search never reads stale availability.
    unavailable = DateMultiRangeField(db_default=Value("{}"), editable=False)

    # Review aggregates, maintained by the reviews service (never recomputed per page view).
    rating_avg = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    rating_count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            GinIndex(fields=["amenities"], name="listing_amenities_gin"),
            models.Index(fields=["host", "status"], name="listing_host_status"),
            GistIndex(fields=["unavailable"], name="listing_unavailable_gist"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_nights__lte=models.F("max_nights")), name="listing_min_le_max_nights"
            ),
            models.CheckConstraint(condition=Q(base_price__gt=0), name="listing_base_price_positive"),
            models.CheckConstraint(condition=Q(cleaning_fee__gte=0), name="listing_cleaning_fee_nonneg"),
            models.CheckConstraint(condition=Q(max_guests__gte=1), name="listing_capacity_positive"),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(location__isnull=False),
                name="listing_published_has_location",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("listings:detail", kwargs={"pk": self.pk, "slug": self.slug})


def photo_upload_to(instance: "ListingPhoto", filename: str) -> str:
    return f"listings/{instance.listing_id}/{filename}"


class ListingPhoto(models.Model):
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=photo_upload_to, width_field="width", height_field="height")
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    caption = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["listing", "position", "id"]
        indexes = [models.Index(fields=["listing", "position"], name="photo_listing_position")]

    def __str__(self) -> str:
        return f"Photo {self.position} of listing {self.listing_id}"
