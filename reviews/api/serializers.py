"""Input and output shapes of the reviews API. Rules live in the services; these only parse and present."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import STAY_CATEGORIES, Review, ReviewReport


class ReviewPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class ReviewSubmitInputSerializer(serializers.Serializer):
    booking = serializers.IntegerField(min_value=1)
    overall = serializers.JSONField(help_text="1 to 5.")
    categories = serializers.JSONField(
        help_text="Every category rated 1 to 5. Guests: cleanliness, accuracy, check_in, communication, location, "
        "value. Hosts: cleanliness, communication, house_rules."
    )
    comment = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text="Public, up to 5000 characters.")
    private_note = serializers.CharField(
        required=False, default="", allow_blank=True, help_text="Guests only: a private note to the host."
    )


class ReviewSerializer(serializers.ModelSerializer):
    author = ReviewPersonSerializer()
    subject = ReviewPersonSerializer()
    status = serializers.SerializerMethodField()
    private_note = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = [
            "id",
            "booking",
            "listing",
            "direction",
            "author",
            "subject",
            "overall",
            "categories",
            "comment",
            "private_note",
            "status",
            "created_at",
            "published_at",
            "response",
            "responded_at",
        ]

    def get_status(self, review: Review) -> str:
        return "published" if review.published_at else "awaiting_publication"

    def get_private_note(self, review: Review) -> str | None:
        """Only the author, and the host once the review is published, read the private note."""
        user = self.context.get("request").user if self.context.get("request") else None
        if user and user.is_authenticated and review.private_note:
            if user.pk == review.author_id or (user.pk == review.subject_id and review.published_at):
                return review.private_note
        return None


class ReviewListingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class ReviewToWriteSerializer(serializers.Serializer):
    booking = serializers.IntegerField(source="booking.pk")
    listing = serializers.SerializerMethodField()
    role = serializers.SerializerMethodField()
    reviewing = ReviewPersonSerializer(source="subject")
    check_in = serializers.DateField(source="booking.check_in")
    check_out = serializers.DateField(source="booking.check_out")
    closes_at = serializers.DateTimeField()
    other_party_reviewed = serializers.BooleanField()

    @extend_schema_field(ReviewListingSerializer)
    def get_listing(self, item) -> dict:
        return {"id": item.booking.listing_id, "title": item.booking.listing.title}

    @extend_schema_field(serializers.ChoiceField(choices=["guest", "host"], help_text="Your role in the stay."))
    def get_role(self, item) -> str:
        return "host" if item.as_host else "guest"


class ResponseInputSerializer(serializers.Serializer):
    response = serializers.CharField(allow_blank=True, trim_whitespace=False)


class ReportInputSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text=", ".join(ReviewReport.Reason.values))
    details = serializers.CharField(required=False, default="", allow_blank=True)


class ReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReviewReport
        fields = ["id", "review", "reason", "details", "status", "created_at"]


class ListingRatingSerializer(serializers.Serializer):
    listing = serializers.IntegerField()
    rating_avg = serializers.DecimalField(max_digits=3, decimal_places=2, allow_null=True)
    review_count = serializers.IntegerField()
    categories = serializers.DictField(
        child=serializers.DecimalField(max_digits=3, decimal_places=2, allow_null=True),
        help_text=f"Averages of {', '.join(STAY_CATEGORIES)}.",
    )
