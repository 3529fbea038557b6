from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from listings.models import MAX_STAY_NIGHTS
from payments.api.serializers import PaymentSerializer
from pricing.api.serializers import PriceQuoteSerializer
from pricing.fees import breakdown_for_reader

from ..models import Booking


class BookingCreateInputSerializer(serializers.Serializer):
    listing = serializers.IntegerField(min_value=1)
    check_in = serializers.DateField()
    check_out = serializers.DateField()
    guests = serializers.IntegerField(min_value=1, max_value=50)
    payment_method = serializers.CharField(
        max_length=255,
        help_text="A Stripe PaymentMethod id (e.g. pm_card_visa in test mode) or, with the local gateway, "
        "a test card number such as 4242424242424242.",
    )
    message = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    expected_total = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        required=False,
        allow_null=True,
        default=None,
        help_text="The total the guest was shown (from the quote endpoint). If the price changed since, "
        "the booking is refused with 409 price_changed instead of charging a different amount.",
    )

    def validate(self, attrs):
        if attrs["check_out"] <= attrs["check_in"]:
            raise serializers.ValidationError({"check_out": [gettext("Check-out must be after check-in.")]})
        return attrs


class BookingListingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    city = serializers.CharField()
    country_code = serializers.CharField()
    url = serializers.CharField(source="get_absolute_url")


class BookingPartySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class BookingSerializer(serializers.ModelSerializer):
    listing = BookingListingSerializer()
    guest = BookingPartySerializer()
    host = BookingPartySerializer(source="listing.host")
    reference = serializers.CharField()
    nights = serializers.IntegerField()
    payment = PaymentSerializer(allow_null=True, default=None)
    address = serializers.SerializerMethodField(help_text="The exact address, shown once the booking is confirmed.")

    class Meta:
        model = Booking
        fields = [
            "id",
            "reference",
            "status",
            "listing",
            "guest",
            "host",
            "check_in",
            "check_out",
            "nights",
            "guests",
            "instant_book",
            "currency",
            "total",
            "price_breakdown",
            "refund_amount",
            "expires_at",
            "confirmed_at",
            "cancelled_at",
            "created_at",
            "payment",
            "address",
        ]

    def get_address(self, obj: Booking) -> str | None:
        if obj.status in ("confirmed", "completed"):
            return obj.listing.address
        return None

    def to_representation(self, instance: Booking) -> dict:
        """The same dict DRF would build from the fields above, built directly.

        Every booking response (create, detail, lists, host actions) goes through
        here, and DRF's generic path re-creates ~40 field objects per booking.
        The declared fields stay the contract (the OpenAPI schema comes from them);
        tests/bookings/test_serializers.py checks this against DRF's own rendering.
        """
        listing = instance.listing
        host = listing.host
        guest = instance.guest
        try:
            payment = instance.payment
        except Booking.payment.RelatedObjectDoesNotExist:
            payment = None
        return {
            "id": instance.pk,
            "reference": instance.reference,
            "status": instance.status,
            "listing": {
                "id": listing.pk,
                "title": listing.title,
                "city": listing.city,
                "country_code": listing.country_code,
                "url": listing.get_absolute_url(),
            },
            "guest": {"id": guest.pk, "name": guest.display_name},
            "host": {"id": host.pk, "name": host.display_name},
            "check_in": _DATE.to_representation(instance.check_in),
            "check_out": _DATE.to_representation(instance.check_out),
            "nights": instance.nights,
            "guests": instance.guests,
            "instant_book": instance.instant_book,
            "currency": instance.currency,
            "total": _MONEY.to_representation(instance.total),
            "price_breakdown": breakdown_for_reader(instance.price_breakdown),
            "refund_amount": _optional(_MONEY, instance.refund_amount),
            "expires_at": _optional(_DATETIME, instance.expires_at),
            "confirmed_at": _optional(_DATETIME, instance.confirmed_at),
            "cancelled_at": _optional(_DATETIME, instance.cancelled_at),
            "created_at": _DATETIME.to_representation(instance.created_at),
            "payment": None
            if payment is None
            else {
                "status": payment.status,
                "amount": _MONEY.to_representation(payment.amount),
                "amount_refunded": _MONEY.to_representation(payment.amount_refunded),
                "currency": payment.currency,
                "failure_code": payment.failure_code,
                "failure_message": payment.failure_message,
            },
            "address": self.get_address(instance),
        }


# Formatters for BookingSerializer.to_representation: DRF's own fields, so values render identically.
_DATE = serializers.DateField()
_DATETIME = serializers.DateTimeField()
_MONEY = serializers.DecimalField(max_digits=10, decimal_places=2)


def _optional(field: serializers.Field, value):
    return None if value is None else field.to_representation(value)


class CancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class RefundLineSerializer(serializers.Serializer):
    label = serializers.CharField()
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)


class RefundPreviewSerializer(serializers.Serializer):
    refund = serializers.DecimalField(max_digits=10, decimal_places=2)
    kept = serializers.DecimalField(max_digits=10, decimal_places=2)
    full_refund = serializers.BooleanField()
    lines = RefundLineSerializer(many=True)
    explanation = serializers.CharField()


class QuoteInputSerializer(serializers.Serializer):
    check_in = serializers.DateField()
    check_out = serializers.DateField()
    guests = serializers.IntegerField(min_value=1, max_value=50, default=1)

    def validate(self, attrs):
        if attrs["check_out"] <= attrs["check_in"]:
            raise serializers.ValidationError({"check_out": [gettext("Check-out must be after check-in.")]})
        if (attrs["check_out"] - attrs["check_in"]).days > MAX_STAY_NIGHTS:
            raise serializers.ValidationError(
                {"check_out": [gettext("Stays are at most %(count)s nights.") % {"count": MAX_STAY_NIGHTS}]}
            )
        return attrs


# --- response shapes of the quote and refund preview endpoints -------------------


class StaySerializer(serializers.Serializer):
    check_in = serializers.DateField()
    check_out = serializers.DateField()


@extend_schema_serializer(component_name="QuoteUnavailableReason")
class QuoteReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


@extend_schema_serializer(component_name="Quote")
class BookingBoxSerializer(serializers.Serializer):
    """``bookings.quotes.BookingBox.as_dict()``: what the booking box shows for a stay."""

    available = serializers.BooleanField()
    reason = QuoteReasonSerializer(allow_null=True, help_text="Why the stay can't be booked (null when available).")
    quote = PriceQuoteSerializer()
    alternatives = StaySerializer(many=True, help_text="Free stays of the same length nearby, when nights are taken.")
