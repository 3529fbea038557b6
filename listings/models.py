"""Listings: the properties hosts rent out, their amenities and photos.

Amenities are a managed catalogue (``Amenity``); a listing stores the codes it
offers in an indexed array so search can filter "has all of" and count facets in
SQL without a join over millions of rows.

Data rules live here twice on purpose: ``clean()`` gives hosts friendly,
field-level messages, and CHECK / UNIQUE constraints guarantee the same rules for
every writer (the demo seeder's COPY, the admin, a future bug). Workflows
(publishing, photos, wishlists) are in ``listings.services``.
"""

import functools
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath

from django.conf import DEFAULT_STORAGE_ALIAS, settings
from django.contrib.gis.db import models as gis_models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage, storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .catalogue import CURRENCY_CODES
from .fields import DateMultiRangeField
from .localtime import DEFAULT_ZONE, zone_for_point, zone_names


class Amenity(models.Model):
    class Category(models.TextChoices):
        ESSENTIALS = "essentials", _("Essentials")
        FEATURES = "features", _("Features")
        LOCATION = "location", _("Location")
        SAFETY = "safety", _("Safety")
        ACCESSIBILITY = "accessibility", _("Accessibility")

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

    @property
    def display_name(self) -> str:
        """The name in the active language: catalogue names (``listings.catalogue``) are msgids.

        The stored name stays English (the catalogue's key for translators); a name an operator
        changed in the admin has no translation and is shown as stored.
        """
        return gettext(self.name) if self.name else self.name


class PropertyType(models.TextChoices):
    APARTMENT = "apartment", _("Apartment")
    HOUSE = "house", _("House")
    CABIN = "cabin", _("Cabin")
    VILLA = "villa", _("Villa")
    LOFT = "loft", _("Loft")
    COTTAGE = "cottage", _("Cottage")
    TOWNHOUSE = "townhouse", _("Townhouse")
    GUESTHOUSE = "guesthouse", _("Guesthouse")


class RoomType(models.TextChoices):
    ENTIRE = "entire", _("Entire place")
    PRIVATE = "private", _("Private room")
    SHARED = "shared", _("Shared room")


class CancellationPolicy(models.TextChoices):
    FLEXIBLE = "flexible", _("Flexible")
    MODERATE = "moderate", _("Moderate")
    STRICT = "strict", _("Strict")


# What each policy means, as guests and hosts read it (the rules: ``bookings.policies``). Never
# %-formatted: "50% of" is not a placeholder (no-python-format tells the catalogue tools so).
POLICY_TEXT = {
    "flexible": _(
        "Full refund until 24 hours before check-in. After that, the first night is non-refundable "
        "and the remaining unspent nights are refunded. The cleaning fee is refunded if you cancel before check-in."
    ),
    "moderate": _(
        # xgettext:no-python-format
        "Full refund until 5 days before check-in. After that, 50% of the unspent nights is refunded. "
        "The cleaning fee is refunded if you cancel before check-in."
    ),
    "strict": _(
        # xgettext:no-python-format
        "Full refund if you cancel within 48 hours of booking and at least 14 days before check-in. "
        "After that, 50% of the nights is refunded until 7 days before check-in; nothing after. "
        "The cleaning fee is refunded if you cancel before check-in."
    ),
}


class ListingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    UNLISTED = "unlisted", _("Unlisted")
    DELETED = "deleted", _("Deleted")


MONEY = {"max_digits": 10, "decimal_places": 2}
# Prices are in the listing's own currency (no conversion), so the bounds are wide
# enough for yen and rupees yet still catch a mistyped extra zero or three.
PRICE_MIN = Decimal("10")
PRICE_MAX = Decimal("100000")
CLEANING_FEE_MAX = Decimal("100000")
# The longest stay anywhere: a listing's maximum, a booking, a wishlist's dates, a search.
MAX_STAY_NIGHTS = 1125

# The listing's fields in named groups, written once: the services, forms and API,
# the booking hold's narrow read and the search cards take them from here.
LISTING_DESCRIPTION_FIELDS = ("title", "property_type", "room_type", "description", "language")
# ``time_zone`` follows the location (derived when the listing is created or moved) unless the host sets it.
LISTING_PLACE_FIELDS = ("location", "address", "neighbourhood", "city", "region", "country_code", "time_zone")
LISTING_SPACE_FIELDS = ("max_guests", "bedrooms", "beds", "bathrooms", "amenities")
# What ``pricing.selectors.price_quote`` reads of a listing (a host-set fee joins here).
LISTING_PRICE_FIELDS = ("currency", "base_price", "cleaning_fee", "weekly_discount_pct", "monthly_discount_pct")
LISTING_STAY_RULE_FIELDS = (
    "min_nights",
    "max_nights",
    "check_in_time",
    "check_out_time",
    "house_rules",
    "instant_book",
    "cancellation_policy",
)
# What hosts set through the forms and the API. Status, rating aggregates and the
# ``unavailable`` multirange are written by their own services only.
LISTING_EDITABLE_FIELDS = (
    LISTING_DESCRIPTION_FIELDS
    + LISTING_PLACE_FIELDS
    + LISTING_SPACE_FIELDS
    + LISTING_PRICE_FIELDS
    + LISTING_STAY_RULE_FIELDS
)


class Listing(models.Model):
    host = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="listings")
    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140)
    description = models.TextField(max_length=10000, blank=True)
    # The language the host wrote title, description and house rules in (a code from
    # settings.LANGUAGES). Host text is never translated; pages say which language it is in
    # when it differs from the reader's (docs/languages.md).
    language = models.CharField(max_length=8, default="en", choices=settings.LANGUAGES)
    property_type = models.CharField(max_length=20, choices=PropertyType.choices)
    room_type = models.CharField(max_length=10, choices=RoomType.choices)

    # Location: exact point and address are private until a guest has booked.
    location = gis_models.PointField(srid=4326, null=True, blank=True)
    # What everyone else sees, on every surface (search, map, listing page, API): 250-700 m from
    # ``location`` in a direction and at a distance fixed per listing. Set by the database (trigger
    # ``listings_listing_public_location``, migration 0006) on every write of ``location``.
    public_location = gis_models.PointField(srid=4326, null=True, blank=True, editable=False, spatial_index=False)
    address = models.CharField(max_length=255, blank=True)
    neighbourhood = models.CharField(max_length=120, blank=True)
    city = models.CharField(max_length=120, blank=True)
    region = models.CharField(max_length=120, blank=True)
    country_code = models.CharField(max_length=2, blank=True)

    max_guests = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(50)])
    bedrooms = models.PositiveSmallIntegerField(default=1, validators=[MaxValueValidator(50)])
    beds = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(100)])
    bathrooms = models.DecimalField(
        max_digits=3,
        decimal_places=1,
        default=Decimal("1.0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("50"))],
    )

    amenities = ArrayField(models.SlugField(max_length=40), default=list, blank=True)
    house_rules = models.TextField(max_length=5000, blank=True)
    check_in_time = models.TimeField(default="15:00")
    check_out_time = models.TimeField(default="11:00")
    # The IANA zone every date rule of a stay is read in (``listings.localtime``):
    # derived from ``location`` on save when empty, editable by the host.
    time_zone = models.CharField(max_length=64, blank=True, help_text="IANA time zone, e.g. Europe/Oslo.")

    currency = models.CharField(max_length=3, default="EUR")
    # Empty only while a draft: publishing needs a price (CHECK listing_published_has_price).
    base_price = models.DecimalField(
        **MONEY, null=True, blank=True, validators=[MinValueValidator(PRICE_MIN), MaxValueValidator(PRICE_MAX)]
    )
    cleaning_fee = models.DecimalField(
        **MONEY,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(CLEANING_FEE_MAX)],
    )
    weekly_discount_pct = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(90)])
    monthly_discount_pct = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(90)])
    min_nights = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(365)])
    max_nights = models.PositiveSmallIntegerField(
        default=365, validators=[MinValueValidator(1), MaxValueValidator(MAX_STAY_NIGHTS)]
    )
    instant_book = models.BooleanField(default=False)
    cancellation_policy = models.CharField(
        max_length=10, choices=CancellationPolicy.choices, default=CancellationPolicy.MODERATE
    )

    status = models.CharField(max_length=10, choices=ListingStatus.choices, default=ListingStatus.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Denormalised taken nights (held/booked/blocked) as a multirange, rewritten by the
    # availability calendar services in the same transaction as the calendar rows, so
    # date search never reads stale availability.
    unavailable = DateMultiRangeField(db_default=Value("{}"), editable=False)

    # Review aggregates, maintained by the reviews service (never recomputed per page view).
    rating_avg = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    rating_count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            GinIndex(fields=["amenities"], name="listing_amenities_gin"),
            models.Index(fields=["host", "status"], name="listing_host_status"),
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
            models.CheckConstraint(
                condition=~Q(status="published") | Q(base_price__isnull=False),
                name="listing_published_has_price",
            ),
            models.CheckConstraint(condition=Q(base_price__lte=PRICE_MAX), name="listing_base_price_max"),
            models.CheckConstraint(condition=Q(cleaning_fee__lte=CLEANING_FEE_MAX), name="listing_cleaning_fee_max"),
            models.CheckConstraint(
                condition=Q(weekly_discount_pct__lte=90, monthly_discount_pct__lte=90), name="listing_discounts_max"
            ),
            models.CheckConstraint(
                condition=Q(min_nights__gte=1, max_nights__lte=MAX_STAY_NIGHTS), name="listing_nights_range"
            ),
            models.CheckConstraint(condition=Q(beds__gte=1), name="listing_beds_positive"),
            models.CheckConstraint(condition=Q(bathrooms__gte=0, bathrooms__lte=50), name="listing_bathrooms_range"),
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"), name="listing_currency_code"),
            models.CheckConstraint(
                condition=Q(country_code="") | Q(country_code__regex=r"^[A-Z]{2}$"), name="listing_country_code"
            ),
            models.CheckConstraint(
                condition=Q(deleted_at__isnull=True) | Q(status="deleted"), name="listing_deleted_at_only_deleted"
            ),
            models.CheckConstraint(condition=~Q(time_zone=""), name="listing_time_zone_set"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if not self.time_zone:
            self.time_zone_derive()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "time_zone"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("listings:detail", kwargs={"pk": self.pk, "slug": self.slug})

    def time_zone_derive(self) -> None:
        """Set ``time_zone`` from the map point (UTC while the listing has none)."""
        loc = self.location
        self.time_zone = zone_for_point(lat=loc.y, lng=loc.x) if loc is not None else DEFAULT_ZONE

    def clean(self) -> None:
        """Rules across fields and against the amenity catalogue, as field-level messages."""
        errors: dict[str, list[str]] = {}
        if not (self.title or "").strip():
            errors.setdefault("title", []).append(gettext("Give your place a title."))
        if self.min_nights and self.max_nights and self.min_nights > self.max_nights:
            errors.setdefault("max_nights", []).append(
                ngettext(
                    "The maximum stay must be at least the minimum stay (%(count)s night).",
                    "The maximum stay must be at least the minimum stay (%(count)s nights).",
                    self.min_nights,
                )
                % {"count": self.min_nights}
            )
        if self.currency not in CURRENCY_CODES:
            errors.setdefault("currency", []).append(
                gettext("%(currency)s is not a currency we support.") % {"currency": repr(self.currency)}
            )
        if self.country_code and not re.fullmatch(r"[A-Z]{2}", self.country_code):
            # CHECK listing_country_code states the same rule; this is its friendly message.
            errors.setdefault("country_code", []).append(gettext("Use the two-letter country code, e.g. FR or US."))
        if self.location is not None:
            lng, lat = self.location.x, self.location.y
            if not (-90 <= lat <= 90 and -180 <= lng <= 180):
                errors.setdefault("location", []).append(
                    gettext("Latitude must be between -90 and 90 and longitude between -180 and 180.")
                )
        if self.time_zone and self.time_zone not in zone_names():
            errors.setdefault("time_zone", []).append(
                gettext("%(zone)s is not a time zone we know: use an IANA name such as Europe/Oslo.")
                % {"zone": repr(self.time_zone)}
            )
        unknown = sorted(set(self.amenities or []) - set(Amenity.objects.values_list("code", flat=True)))
        if unknown:
            errors.setdefault("amenities", []).append(
                ngettext("Unknown amenity code: %(codes)s.", "Unknown amenity codes: %(codes)s.", len(unknown))
                % {"codes": ", ".join(unknown)}
            )
        if errors:
            raise ValidationError(errors)


# Resized copies generated for every photo (``listings.tasks``): name and target width.
PHOTO_VARIANTS: tuple[tuple[str, int], ...] = (("thumb", 320), ("card", 720), ("full", 1600))


def photo_upload_to(instance: "ListingPhoto", filename: str) -> str:
    """A random name under the listing's folder: the client's file name is never trusted nor kept."""
    suffix = PurePath(filename).suffix.lower()
    if suffix not in {".jpg", ".png", ".webp"}:
        suffix = ".jpg"
    return f"listings/{instance.listing_id}/{uuid.uuid4().hex}{suffix}"


class PhotoUrls:
    """The URLs of a photo's original and its WebP variants, from the photos' storage.

    Shared by ``ListingPhoto`` and ``CardPhoto`` (the search page's light copy). Reads ``width``,
    ``original_name`` (the original's storage name) and ``image_thumb`` / ``image_card`` /
    ``image_full`` (storage names or None).
    """

    width: int | None
    original_name: str

    def storage_url(self, name: str) -> str:
        return _photo_storage().url(name)

    @property
    def original_url(self) -> str:
        return self.storage_url(self.original_name)

    def variant_name(self, variant: str) -> str | None:
        return getattr(self, f"image_{variant}")

    def variant_url(self, variant: str) -> str:
        """URL of a variant ("thumb", "card", "full"), or of the original while it is missing."""
        name = self.variant_name(variant)
        return self.storage_url(name) if name else self.original_url

    @property
    def thumb_url(self) -> str:
        return self.variant_url("thumb")

    @property
    def card_url(self) -> str:
        return self.variant_url("card")

    @property
    def full_url(self) -> str:
        return self.variant_url("full")

    @property
    def srcset(self) -> str:
        """``srcset`` candidates ("url 320w, url 720w, ...") of the variants that exist; "" if none.

        A variant is never wider than the original, so small originals give fewer
        distinct widths; duplicates are left out.
        """
        if not self.width:
            return ""
        storage = _photo_storage()
        seen: set[int] = set()
        candidates = []
        for variant, target in PHOTO_VARIANTS:
            name = self.variant_name(variant)
            width = min(target, self.width)
            if name and width not in seen:
                seen.add(width)
                candidates.append(f"{storage.url(name)} {width}w")
        return ", ".join(candidates)


class ListingPhoto(PhotoUrls, models.Model):
    """One photo: the cleaned original (re-encoded, metadata stripped) and its WebP variants.

    The photo at position 0 is the cover. Variant columns hold storage names and
    stay empty until the variant task has run (and for the demo pool's shared
    files), so pages fall back to the original.
    """

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=photo_upload_to, width_field="width", height_field="height")
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    caption = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    # Storage names of the WebP variants; NULL until the variant task has drawn them (and
    # for rows written without it, such as the demo seed's COPY), so "missing" is explicit.
    image_thumb = models.CharField(max_length=255, null=True, blank=True, editable=False)  # noqa: DJ001
    image_card = models.CharField(max_length=255, null=True, blank=True, editable=False)  # noqa: DJ001
    image_full = models.CharField(max_length=255, null=True, blank=True, editable=False)  # noqa: DJ001
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["listing", "position", "id"]
        constraints = [
            # Deferred, so a reorder can rewrite every position in one transaction.
            models.UniqueConstraint(
                fields=["listing", "position"],
                name="photo_listing_position_unique",
                deferrable=models.Deferrable.DEFERRED,
            ),
        ]

    def __str__(self) -> str:
        return f"Photo {self.position} of listing {self.listing_id}"

    @property
    def original_name(self) -> str:
        return self.image.name


@functools.cache
def _photo_field_storage():
    return ListingPhoto._meta.get_field("image").storage


def _photo_storage():
    """The storage of ``ListingPhoto.image`` (the default storage unless the field names another).

    The default one is looked up rather than used through ``default_storage``, a lazy proxy
    whose every attribute read costs a few calls: a search page builds about 400 photo URLs.
    (Not cached here: ``storages`` is rebuilt when the STORAGES setting changes.)
    """
    storage = _photo_field_storage()
    return storages[DEFAULT_STORAGE_ALIAS] if storage is default_storage else storage


@dataclass(frozen=True, slots=True)
class CardPhoto(PhotoUrls):
    """A photo as a search card shows it, read as plain values (``search.selectors``).

    A search page shows up to 100 photos; as model instances (an ImageField runs its
    dimension hook on each) they cost more than the rest of the card.
    """

    id: int
    listing_id: int
    image: str  # the original's storage name
    width: int | None
    height: int | None
    caption: str
    image_thumb: str | None
    image_card: str | None
    image_full: str | None

    FIELDS = ("id", "listing_id", "image", "width", "height", "caption", "image_thumb", "image_card", "image_full")

    @property
    def original_name(self) -> str:
        return self.image


# --- Wishlists ------------------------------------------------------------------------


class Wishlist(models.Model):
    """A guest's named list of saved listings, optionally for dates (then prices are for those dates).

    ``share_token`` is set while the owner shares the list: anyone with the link
    may read it, nobody else may change it. Clearing it revokes the link.
    """

    # Indexed by the (owner, lower(name)) unique index, which starts with it.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wishlists", db_index=False
    )
    name = models.CharField(max_length=50)
    check_in = models.DateField(null=True, blank=True)
    check_out = models.DateField(null=True, blank=True)
    guests = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    share_token = models.CharField(max_length=43, null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(F("owner"), Lower("name"), name="wishlist_owner_name_ci_unique"),
            models.CheckConstraint(
                condition=Q(check_in__isnull=True, check_out__isnull=True)
                | Q(check_in__isnull=False, check_out__isnull=False, check_out__gt=F("check_in")),
                name="wishlist_dates_pair",
            ),
            models.CheckConstraint(condition=Q(guests__isnull=True) | Q(guests__gte=1), name="wishlist_guests"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("wishlists:detail", kwargs={"pk": self.pk})

    def get_share_url(self) -> str | None:
        return reverse("wishlists:shared", kwargs={"token": self.share_token}) if self.share_token else None

    @property
    def has_dates(self) -> bool:
        return self.check_in is not None and self.check_out is not None

    @property
    def nights(self) -> int:
        return (self.check_out - self.check_in).days if self.has_dates else 0


class WishlistItem(models.Model):
    wishlist = models.ForeignKey(Wishlist, on_delete=models.CASCADE, related_name="items", db_index=False)
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="wishlist_items")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["wishlist", "listing"], name="wishlist_item_unique")]

    def __str__(self) -> str:
        return f"Listing {self.listing_id} in wishlist {self.wishlist_id}"


class WishlistAlert(models.Model):
    """ "A listing you saved changed availability": one pending alert per (user, listing).

    Written by ``wishlist_availability_changed``; the notification sender delivers
    pending alerts and stamps ``delivered_at``. Several changes before delivery
    collapse into one alert (the partial UNIQUE constraint), so nobody gets a
    message per booking.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wishlist_alerts")
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="wishlist_alerts")
    created_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(help_text="The latest change this alert covers.")
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "listing"],
                condition=Q(delivered_at__isnull=True),
                name="wishlist_alert_one_pending",
            ),
        ]
        indexes = [
            models.Index(fields=["created_at"], name="wishlist_alert_pending", condition=Q(delivered_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"Alert for user {self.user_id} on listing {self.listing_id}"
