from django.utils.translation import gettext
from rest_framework import serializers

from pricing.models import ListingPricing
from pricing.services.host import EDITABLE_FIELDS

from ..services import ACTIONS

MAX_RANGE_NIGHTS = 366


class RangeInputSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="First night.")
    end = serializers.DateField(help_text="The day after the last night (exclusive).")

    def validate(self, attrs):
        if attrs["end"] <= attrs["start"]:
            raise serializers.ValidationError({"end": [gettext("The end must be after the start.")]})
        if (attrs["end"] - attrs["start"]).days > MAX_RANGE_NIGHTS:
            raise serializers.ValidationError(
                {"end": [gettext("Ask for at most %(count)s nights.") % {"count": MAX_RANGE_NIGHTS}]}
            )
        return attrs


class CalendarActionInputSerializer(RangeInputSerializer):
    action = serializers.ChoiceField(choices=ACTIONS)
    price = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True, default=None)
    min_nights = serializers.IntegerField(min_value=1, max_value=365, required=False, allow_null=True, default=None)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs["action"] == "set_price" and attrs["price"] is None:
            raise serializers.ValidationError({"price": [gettext("Give the nightly price.")]})
        if attrs["action"] == "set_min_nights" and attrs["min_nights"] is None:
            raise serializers.ValidationError({"min_nights": [gettext("Give the minimum number of nights.")]})
        return attrs


class BookingRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    reference = serializers.CharField()
    guest = serializers.CharField(source="guest.display_name")
    check_in = serializers.DateField()
    check_out = serializers.DateField()


class NightSerializer(serializers.Serializer):
    date = serializers.DateField()
    status = serializers.CharField()
    price = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    price_source = serializers.CharField(help_text='"host", "smart", "rules" or "base".')
    price_reasons = serializers.ListField(child=serializers.CharField())
    suggestion = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    suggestion_reasons = serializers.ListField(child=serializers.CharField())
    min_nights = serializers.IntegerField(allow_null=True)
    imported = serializers.BooleanField(help_text="Blocked by an imported calendar.")
    booking = BookingRefSerializer(allow_null=True)


class SuggestionSerializer(serializers.Serializer):
    date = serializers.DateField()
    price = serializers.DecimalField(max_digits=10, decimal_places=2, source="suggestion")
    reasons = serializers.SerializerMethodField()
    automatic_price = serializers.DecimalField(max_digits=10, decimal_places=2, source="rule_price")
    applied_price = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    accepted = serializers.BooleanField()
    stored = serializers.BooleanField(help_text="Computed by the periodic task (else computed for this request).")

    def get_reasons(self, night) -> list[str]:
        return [reason.label for reason in night.suggestion_reasons]


class PricingSettingsSerializer(serializers.ModelSerializer):
    class Meta:
        model = ListingPricing
        fields = [*EDITABLE_FIELDS, "smart_pricing"]


# --- response shapes of the calendar writes and analytics ---------------------------------


class CalendarActionResultSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=ACTIONS)
    nights = serializers.IntegerField(help_text="Nights changed (taken nights are skipped where they must be).")


class SuggestionsAcceptedSerializer(serializers.Serializer):
    accepted = serializers.IntegerField(help_text="Nights whose price is now the suggestion.")


def _amount(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True, **kwargs)


def _ratio(places: int, **kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=20, decimal_places=places, allow_null=True, **kwargs)


class AnalyticsMetricsSerializer(serializers.Serializer):
    """One set of figures; a ratio is null when its denominator is zero (nothing to divide)."""

    available_nights = serializers.IntegerField()
    nights_booked = serializers.IntegerField()
    occupancy = _ratio(4, help_text="Nights booked / available nights.")
    revenue = _amount(help_text="Null overall when the listings use several currencies.")
    adr = _amount(help_text="Average daily rate: revenue / nights booked.")
    revpar = _amount(help_text="Revenue per available night.")
    avg_lead_time_days = _ratio(1)
    avg_length_of_stay = _ratio(1)
    views = serializers.IntegerField()
    bookings_made = serializers.IntegerField()
    view_to_booking = _ratio(4)
    cancellation_rate = _ratio(4)
    rating_avg = _ratio(2)
    rating_count = serializers.IntegerField()


class AnalyticsListingSerializer(AnalyticsMetricsSerializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    currency = serializers.CharField()


class AnalyticsSummarySerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField(help_text="Exclusive.")
    currency = serializers.CharField(allow_null=True, help_text="Null when the listings use several currencies.")
    revenue_by_currency = serializers.DictField(child=serializers.DecimalField(max_digits=20, decimal_places=2))
    overall = AnalyticsMetricsSerializer()
    listings = AnalyticsListingSerializer(many=True)
    computed_at = serializers.DateTimeField()
