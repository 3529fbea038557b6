"""Serializers of payments: a booking's payment as the booking API shows it, and the payout API's."""

from __future__ import annotations

from rest_framework import serializers

from ..models import Payment, PayoutAccount, PayoutEntry
from ..services import payouts as payout_services


# The payment inside a booking (``BookingSerializer.payment``). No docstring: it would become the
# schema component's description.
class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["status", "amount", "amount_refunded", "currency", "failure_code", "failure_message"]


class PayoutAccountSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["not_set_up", "needs_information", "enabled"],
        help_text="not_set_up: no account yet; needs_information: onboarding unfinished or the provider wants "
        "more details; enabled: payouts are transferred to this account.",
    )
    can_set_up = serializers.BooleanField(help_text="Whether you may start onboarding (hosts only).")
    gateway = serializers.CharField(allow_null=True)
    account_id = serializers.CharField(allow_null=True)
    charges_enabled = serializers.BooleanField()
    payouts_enabled = serializers.BooleanField()
    details_submitted = serializers.BooleanField()
    requirements_due = serializers.ListField(child=serializers.CharField())
    updated_at = serializers.DateTimeField(allow_null=True)


def account_data(account: PayoutAccount | None, *, can_set_up: bool) -> dict:
    return {
        "status": account.status if account else "not_set_up",
        "can_set_up": can_set_up,
        "gateway": account.gateway if account else None,
        "account_id": account.account_id if account else None,
        "charges_enabled": bool(account and account.charges_enabled),
        "payouts_enabled": bool(account and account.payouts_enabled),
        "details_submitted": bool(account and account.details_submitted),
        "requirements_due": list(account.requirements_due) if account else [],
        "updated_at": account.updated_at if account else None,
    }


class OnboardingLinkSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="Open in a browser; single use and short-lived.")
    expires_at = serializers.DateTimeField(allow_null=True)
    account = PayoutAccountSerializer()


class PayoutSerializer(serializers.ModelSerializer):
    booking = serializers.IntegerField(source="booking_id")
    booking_reference = serializers.CharField(source="booking.reference")
    listing = serializers.IntegerField(source="booking.listing_id")
    listing_title = serializers.CharField(source="booking.listing.title")
    check_in = serializers.DateField(source="booking.check_in")
    failure_explanation = serializers.SerializerMethodField()

    class Meta:
        model = PayoutEntry
        fields = [
            "id",
            "booking",
            "booking_reference",
            "listing",
            "listing_title",
            "check_in",
            "amount",
            "currency",
            "status",
            "release_at",
            "released_at",
            "paid_at",
            "transfer_id",
            "amount_reversed",
            "reversal_due",
            "failure_code",
            "failure_explanation",
        ]
        read_only_fields = fields

    def get_failure_explanation(self, entry: PayoutEntry) -> str:
        return payout_services.payout_failure_explanation(entry)
