"""Calendar endpoints' input and output shapes."""

from rest_framework import serializers

from pricing.api.serializers import AMOUNT as _AMOUNT

from ..models import NightStatus


class CalendarRangeInputSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class CalendarNightsInputSerializer(CalendarRangeInputSerializer):
    price = serializers.DecimalField(
        max_digits=10, decimal_places=2, required=False, allow_null=True, min_value=10, max_value=100000
    )
    min_nights = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=365)
    clear_price = serializers.BooleanField(required=False, default=False)
    clear_min_nights = serializers.BooleanField(required=False, default=False)


class CalendarNightBookingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    guest = serializers.CharField(help_text="The guest's display name.")


class CalendarNightSerializer(serializers.Serializer):
    """A stored night; ``status``, ``price`` and ``booking`` only for the listing's host."""

    date = serializers.DateField()
    available = serializers.BooleanField()
    min_nights = serializers.IntegerField(allow_null=True, help_text="Minimum stay starting this night (override).")
    status = serializers.ChoiceField(choices=NightStatus.choices, required=False)
    price = serializers.DecimalField(**_AMOUNT, allow_null=True, required=False, help_text="The night's own price.")
    booking = CalendarNightBookingSerializer(required=False)

    def to_representation(self, night: dict) -> dict:
        # A nullable field missing from the dict would render as null: the host-only keys
        # must stay absent for everyone else, not appear empty.
        return {key: value for key, value in super().to_representation(night).items() if key in night}


class ListingCalendarSerializer(serializers.Serializer):
    listing = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField()
    base_price = serializers.DecimalField(**_AMOUNT)
    min_nights = serializers.IntegerField()
    nights = CalendarNightSerializer(
        many=True, help_text="Only the nights the calendar stores (taken, or with their own price or minimum)."
    )
