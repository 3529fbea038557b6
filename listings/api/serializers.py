"""Listing, photo and wishlist serializers: input ones validate, output ones only shape responses."""

from __future__ import annotations

from django.contrib.gis.geos import Point
from django.utils.translation import gettext, ngettext
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from airbnb.api.schema import AnyOf
from pricing.api.serializers import PriceQuoteSerializer

from ..catalogue import CURRENCIES
from ..images import PHOTO_MAX_BYTES
from ..models import LISTING_PRICE_FIELDS, Amenity, Listing, ListingPhoto, Wishlist
from ..selectors import listing_public_point, listing_readiness
from ..services.listing import EDITABLE_FIELDS


class AmenitySerializer(serializers.ModelSerializer):
    # The name in the request's language (Accept-Language); ``code`` is the stable key.
    name = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = Amenity
        fields = ["code", "name", "category", "icon"]


class PhotoSerializer(serializers.ModelSerializer):
    """A photo with its variant URLs; a variant not generated yet answers the original's URL."""

    thumb = serializers.SerializerMethodField(help_text="About 320 px wide (WebP), or the original until ready.")
    card = serializers.SerializerMethodField(help_text="About 720 px wide (WebP), or the original until ready.")
    full = serializers.SerializerMethodField(help_text="About 1600 px wide (WebP), or the original until ready.")
    variants_ready = serializers.SerializerMethodField()
    is_cover = serializers.SerializerMethodField()

    class Meta:
        model = ListingPhoto
        fields = ["id", "image", "width", "height", "caption", "position", "is_cover", "thumb", "card", "full",
                  "variants_ready"]  # fmt: skip

    def _absolute(self, url: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url

    def get_thumb(self, photo: ListingPhoto) -> str:
        return self._absolute(photo.thumb_url)

    def get_card(self, photo: ListingPhoto) -> str:
        return self._absolute(photo.card_url)

    def get_full(self, photo: ListingPhoto) -> str:
        return self._absolute(photo.full_url)

    def get_variants_ready(self, photo: ListingPhoto) -> bool:
        return bool(photo.image_thumb and photo.image_card and photo.image_full)

    def get_is_cover(self, photo: ListingPhoto) -> bool:
        return photo.position == 0


class HostSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")
    is_superhost = serializers.BooleanField()
    date_joined = serializers.DateTimeField()
    response_rate = serializers.DecimalField(max_digits=4, decimal_places=3, allow_null=True)
    response_time_minutes = serializers.IntegerField(allow_null=True)


PUBLIC_FIELDS = [
    "id",
    "url",
    "title",
    "description",
    "property_type",
    "room_type",
    "neighbourhood",
    "city",
    "region",
    "country_code",
    "approximate_location",
    "max_guests",
    "bedrooms",
    "beds",
    "bathrooms",
    "amenities",
    "house_rules",
    "check_in_time",
    "check_out_time",
    "time_zone",
    *LISTING_PRICE_FIELDS,
    "min_nights",
    "max_nights",
    "instant_book",
    "cancellation_policy",
    "rating_avg",
    "rating_count",
    "host",
    "photos",
]


class LatLngSerializer(serializers.Serializer):
    lat = serializers.FloatField()
    lng = serializers.FloatField()


class ReadinessItemSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="The listing field to fill in.")
    step = serializers.CharField(help_text="The step of the listing editor that has it.")
    message = serializers.CharField()


class ListingPublicSerializer(serializers.ModelSerializer):
    """What anyone may see: the public point only (250-700 m from the home, the same on every surface)."""

    host = HostSerializer()
    photos = PhotoSerializer(many=True)
    approximate_location = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Listing
        fields = PUBLIC_FIELDS

    @extend_schema_field(
        LatLngSerializer(
            allow_null=True,
            help_text="The listing's public point: 250-700 m from the home in a direction fixed per listing "
            "(the same point search, maps and the listing page show), or null.",
        )
    )
    def get_approximate_location(self, obj: Listing) -> dict | None:
        point = listing_public_point(obj)
        return {"lat": point[0], "lng": point[1]} if point else None


class ListingOwnerSerializer(ListingPublicSerializer):
    """What the host (or staff) sees of their own listing: status, exact address and point, readiness."""

    location = serializers.SerializerMethodField(help_text="The exact point: {lat, lng}, or null.")
    missing = serializers.SerializerMethodField(help_text="What to add before publishing (empty when ready).")

    class Meta:
        model = Listing
        fields = [*PUBLIC_FIELDS, "status", "address", "location", "missing", "published_at", "created_at",
                  "updated_at"]  # fmt: skip

    @extend_schema_field(LatLngSerializer(allow_null=True))
    def get_location(self, obj: Listing) -> dict | None:
        if obj.location is None:
            return None
        return {"lat": obj.location.y, "lng": obj.location.x}

    @extend_schema_field(ReadinessItemSerializer(many=True))
    def get_missing(self, obj: Listing) -> list[dict]:
        photos = len(obj.photos.all())  # prefetched
        return [
            {"field": m.field, "step": m.step, "message": m.message} for m in listing_readiness(obj, photo_count=photos)
        ]


class ListingWriteSerializer(serializers.ModelSerializer):
    """Create (POST), replace (PUT) or change (PATCH) a listing.

    The map point is given as ``latitude`` and ``longitude`` (both or neither;
    both null to clear it on a draft). Amenities are catalogue codes
    (``GET /api/v1/amenities/``). Cross-field rules are checked here for
    friendly messages and again by the service and the database.
    """

    latitude = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)
    longitude = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)
    amenities = serializers.ListField(
        child=serializers.SlugField(max_length=40), required=False, max_length=100, help_text="Amenity codes."
    )
    currency = serializers.ChoiceField(choices=CURRENCIES, required=False)

    class Meta:
        model = Listing
        fields = sorted((EDITABLE_FIELDS - {"location"}) | {"latitude", "longitude"})

    def validate_amenities(self, codes: list[str]) -> list[str]:
        known = set(Amenity.objects.filter(code__in=set(codes)).values_list("code", flat=True))
        unknown = sorted(set(codes) - known)
        if unknown:
            raise serializers.ValidationError(
                ngettext(
                    "Unknown amenity code: %(codes)s. See /api/v1/amenities/ for the catalogue.",
                    "Unknown amenity codes: %(codes)s. See /api/v1/amenities/ for the catalogue.",
                    len(unknown),
                )
                % {"codes": ", ".join(unknown)}
            )
        return codes

    def validate(self, attrs: dict) -> dict:
        if ("latitude" in attrs) != ("longitude" in attrs) or (
            (attrs.get("latitude") is None) != (attrs.get("longitude") is None)
        ):
            missing = "longitude" if attrs.get("latitude") is not None else "latitude"
            raise serializers.ValidationError({missing: [gettext("Give both latitude and longitude.")]})
        instance = self.instance
        min_nights = attrs.get("min_nights", instance.min_nights if instance else 1)
        max_nights = attrs.get("max_nights", instance.max_nights if instance else 365)
        if min_nights and max_nights and min_nights > max_nights:
            raise serializers.ValidationError(
                {
                    "max_nights": [
                        ngettext(
                            "The maximum stay must be at least the minimum stay (%(count)s night).",
                            "The maximum stay must be at least the minimum stay (%(count)s nights).",
                            min_nights,
                        )
                        % {"count": min_nights}
                    ]
                }
            )
        return attrs

    def service_fields(self) -> dict:
        """The validated data as ``listing_create`` / ``listing_update`` take it (a Point for the location)."""
        data = dict(self.validated_data)
        if "latitude" in data:
            lat, lng = data.pop("latitude"), data.pop("longitude")
            data["location"] = None if lat is None else Point(lng, lat, srid=4326)
        return data


class PhotoUploadSerializer(serializers.Serializer):
    photos = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        allow_empty=False,
        help_text=f"One or more image files (multipart field repeated), each at most {PHOTO_MAX_BYTES // 2**20} MB.",
    )


class PhotoReorderSerializer(serializers.Serializer):
    order = serializers.ListField(
        child=serializers.IntegerField(min_value=1), allow_empty=False, help_text="Every photo id, cover first."
    )


class PhotoUpdateSerializer(serializers.Serializer):
    caption = serializers.CharField(max_length=200, required=False, allow_blank=True)
    cover = serializers.BooleanField(required=False, help_text="true makes this photo the cover (first).")


class UnlistSerializer(serializers.Serializer):
    cancel_upcoming = serializers.BooleanField(
        default=False,
        help_text="Also end the listing's future: refused while confirmed stays are upcoming; "
        "open requests are declined.",
    )


# --- Wishlists -------------------------------------------------------------------------


class WishlistWriteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Wishlist
        fields = ["name", "check_in", "check_out", "guests"]
        extra_kwargs = {"name": {"required": True}}


class WishlistSerializer(serializers.ModelSerializer):
    item_count = serializers.SerializerMethodField()
    share_url = serializers.SerializerMethodField(help_text="The private read-only link while sharing is on.")

    class Meta:
        model = Wishlist
        fields = ["id", "name", "check_in", "check_out", "guests", "item_count", "share_url", "created_at",
                  "updated_at"]  # fmt: skip

    def get_item_count(self, wishlist: Wishlist) -> int:
        count = getattr(wishlist, "item_count", None)
        return count if count is not None else wishlist.items.count()

    def get_share_url(self, wishlist: Wishlist) -> str | None:
        url = wishlist.get_share_url()
        request = self.context.get("request")
        return request.build_absolute_uri(url) if url and request is not None else url


class WishlistListingGoneSerializer(serializers.Serializer):
    """A saved listing that is no longer published: only its id and title."""

    id = serializers.IntegerField()
    title = serializers.CharField()


class WishlistEntrySerializer(serializers.Serializer):
    """A saved listing; one that is no longer published shows only its id and title."""

    listing = serializers.SerializerMethodField()
    saved_at = serializers.DateTimeField(source="item.created_at")
    available = serializers.BooleanField()
    reason = serializers.CharField(help_text="Why the list's dates can't be booked here (empty when they can).")
    total = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    quote = serializers.SerializerMethodField()

    @extend_schema_field(AnyOf(ListingPublicSerializer, WishlistListingGoneSerializer))
    def get_listing(self, entry) -> dict:
        if entry.listing.status != "published":
            return {"id": entry.listing.pk, "title": entry.listing.title}
        return ListingPublicSerializer(entry.listing, context=self.context).data

    @extend_schema_field(PriceQuoteSerializer(allow_null=True, help_text="With dates, when the stay can be priced."))
    def get_quote(self, entry) -> dict | None:
        return entry.quote.as_dict() if entry.quote is not None else None


class WishlistItemInputSerializer(serializers.Serializer):
    listing = serializers.IntegerField(min_value=1)


class WishlistDetailSerializer(WishlistSerializer):
    """A wishlist with its saved listings (and, with dates, each one's price and availability)."""

    items = WishlistEntrySerializer(many=True, source="entries", help_text="Saved listings, latest first.")

    class Meta(WishlistSerializer.Meta):
        fields = [*WishlistSerializer.Meta.fields, "items"]


class SharedWishlistSerializer(WishlistDetailSerializer):
    """A wishlist as its share link shows it: the owner's name instead of the link."""

    owner = serializers.CharField(source="owner.display_name", help_text="The owner's display name.")

    class Meta(WishlistSerializer.Meta):
        fields = [*(f for f in WishlistDetailSerializer.Meta.fields if f != "share_url"), "owner"]


class WishlistItemSavedSerializer(serializers.Serializer):
    wishlist = serializers.IntegerField()
    listing = serializers.IntegerField()
    saved = serializers.BooleanField()
