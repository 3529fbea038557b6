from rest_framework import serializers

from ..models import Amenity, Listing, ListingPhoto


class AmenitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Amenity
        fields = ["code", "name", "category", "icon"]


class PhotoSerializer(serializers.ModelSerializer):
    class Meta:
        model = ListingPhoto
        fields = ["id", "image", "width", "height", "caption", "position"]


class HostSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")
    is_superhost = serializers.BooleanField()
    date_joined = serializers.DateTimeField()


class ListingPublicSerializer(serializers.ModelSerializer):
    """What anyone may see: the approximate location only (rounded to ~1 km)."""

    host = HostSerializer()
    photos = PhotoSerializer(many=True)
    approximate_location = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Listing
        fields = [
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
            "currency",
            "base_price",
            "cleaning_fee",
            "weekly_discount_pct",
            "monthly_discount_pct",
            "min_nights",
            "max_nights",
            "instant_book",
            "cancellation_policy",
            "rating_avg",
            "rating_count",
            "host",
            "photos",
        ]

    def get_approximate_location(self, obj: Listing) -> dict | None:
        if obj.location is None:
            return None
        return {"lat": round(obj.location.y, 2), "lng": round(obj.location.x, 2)}
