"""The response shape of a price quote (``pricing.selectors.Quote.as_dict()``), shared by every API that shows one."""

from rest_framework import serializers

from pricing.fees import QuoteLineCode

AMOUNT = {"max_digits": 12, "decimal_places": 2}
_AMOUNT = AMOUNT


class PriceNightSerializer(serializers.Serializer):
    date = serializers.DateField()
    price = serializers.DecimalField(**_AMOUNT)
    source = serializers.ChoiceField(
        choices=["base", "rules", "smart", "host"],
        help_text="base: the listing's price; rules: weekend, season, event, demand or a guardrail changed it; "
        "smart: Smart Pricing set it; host: the host's own price for the night.",
    )
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Why the price differs from base.")


class PriceLineSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=f"One of: {', '.join(QuoteLineCode)}.")
    label = serializers.CharField()
    amount = serializers.DecimalField(**_AMOUNT, help_text="Negative for discounts.")


class FeeRatesSerializer(serializers.Serializer):
    """Fractions as decimal strings (e.g. "0.12"), as configured."""

    guest_service = serializers.CharField()
    host_service = serializers.CharField()
    tax = serializers.CharField()


class ExtraGuestsSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Guests above those the price includes.")
    fee_per_night = serializers.DecimalField(**_AMOUNT)
    total = serializers.DecimalField(**_AMOUNT)


class PriceQuoteSerializer(serializers.Serializer):
    """``pricing.selectors.Quote.as_dict()``: a priced stay, as frozen on bookings and returned by the API."""

    currency = serializers.CharField()
    check_in = serializers.DateField()
    check_out = serializers.DateField()
    guests = serializers.IntegerField()
    nights = PriceNightSerializer(many=True)
    lines = PriceLineSerializer(many=True)
    total = serializers.DecimalField(**_AMOUNT)
    host_fee = serializers.DecimalField(**_AMOUNT)
    host_payout = serializers.DecimalField(**_AMOUNT)
    fee_rates = FeeRatesSerializer()
    extra_guests = ExtraGuestsSerializer()
