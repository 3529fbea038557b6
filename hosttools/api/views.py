"""Host API: calendar read/write, price suggestions, pricing settings, analytics.

A host reaches only their own listings: another user's listing answers 403 when
it is public (its existence is no secret) and 404 otherwise.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from listings.models import ListingStatus
from pricing.selectors import price_suggestions
from pricing.services.host import EDITABLE_FIELDS, listing_pricing_get, listing_pricing_update
from pricing.services.smart import smart_pricing_set, suggestions_accept

from ..access import access_host_listing
from ..analytics import PeriodInvalid, analytics_report
from ..selectors import DayCell, calendar_multi
from ..services import calendar_range_apply
from .serializers import (
    AnalyticsSummarySerializer,
    CalendarActionInputSerializer,
    CalendarActionResultSerializer,
    NightSerializer,
    PricingSettingsSerializer,
    RangeInputSerializer,
    SuggestionsAcceptedSerializer,
    SuggestionSerializer,
)


def _night(cell: DayCell) -> dict:
    return {
        "date": cell.date,
        "status": cell.status,
        "price": cell.price,
        "price_source": cell.price_source,
        "price_reasons": list(cell.price_reasons),
        "suggestion": cell.suggestion,
        "suggestion_reasons": list(cell.suggestion_reasons),
        "min_nights": cell.min_nights,
        "imported": cell.imported,
        "booking": cell.booking,
    }


class HostCalendarView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[RangeInputSerializer],
        responses={
            200: inline_serializer(
                "HostCalendar",
                {
                    "listing": serializers.IntegerField(),
                    "currency": serializers.CharField(),
                    "base_price": serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True),
                    "start": serializers.DateField(),
                    "end": serializers.DateField(),
                    "nights": NightSerializer(many=True),
                },
            )
        },
    )
    def get(self, request, pk: int):
        """Every night in ``[start, end)``: status, booking, price (and why), Smart Pricing's suggestion."""
        listing = access_host_listing(request.user, pk, reveal_public=True)
        data = RangeInputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        start, end = data.validated_data["start"], data.validated_data["end"]
        row = calendar_multi(listings=[listing], start=start, days=(end - start).days)[0]
        return Response(
            {
                "listing": listing.pk,
                "currency": listing.currency,
                "base_price": _text(listing.base_price),
                "start": start,
                "end": end,
                "nights": NightSerializer([_night(cell) for cell in row.cells], many=True).data,
            }
        )

    @extend_schema(request=CalendarActionInputSerializer, responses={200: CalendarActionResultSerializer})
    def post(self, request, pk: int):
        """Block, unblock, set or clear price / minimum nights, or accept suggestions for ``[start, end)``."""
        listing = access_host_listing(request.user, pk, reveal_public=True)
        data = CalendarActionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        count = calendar_range_apply(listing=listing, **data.validated_data)
        return Response(CalendarActionResultSerializer({"action": data.validated_data["action"], "nights": count}).data)


class PriceSuggestionListView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[RangeInputSerializer],
        responses={
            200: inline_serializer(
                "PriceSuggestions",
                {
                    "listing": serializers.IntegerField(),
                    "currency": serializers.CharField(),
                    "suggestions": SuggestionSerializer(many=True),
                },
            )
        },
    )
    def get(self, request, pk: int):
        """Smart Pricing's suggestion per night (from today on), with its reasons."""
        listing = access_host_listing(request.user, pk, reveal_public=True)
        data = RangeInputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        nights = price_suggestions(listing=listing, start=data.validated_data["start"], end=data.validated_data["end"])
        return Response(
            {
                "listing": listing.pk,
                "currency": listing.currency,
                "suggestions": SuggestionSerializer(nights, many=True).data,
            }
        )


class PriceSuggestionAcceptView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=RangeInputSerializer, responses={200: SuggestionsAcceptedSerializer})
    def post(self, request, pk: int):
        """Make the suggestions for ``[start, end)`` the host's prices (booked nights are skipped)."""
        listing = access_host_listing(request.user, pk, reveal_public=True)
        data = RangeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        accepted = suggestions_accept(listing=listing, **data.validated_data)
        return Response(SuggestionsAcceptedSerializer({"accepted": accepted}).data)


class PricingSettingsView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: PricingSettingsSerializer})
    def get(self, request, pk: int):
        listing = access_host_listing(request.user, pk, reveal_public=True)
        return Response(PricingSettingsSerializer(listing_pricing_get(listing=listing)).data)

    @extend_schema(request=PricingSettingsSerializer, responses={200: PricingSettingsSerializer})
    def patch(self, request, pk: int):
        """Change limits, extra-guest fee, weekend/season percentages; ``smart_pricing`` turns it on or off."""
        listing = access_host_listing(request.user, pk, reveal_public=True)
        data = PricingSettingsSerializer(listing_pricing_get(listing=listing), data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = {name: data.validated_data[name] for name in EDITABLE_FIELDS if name in data.validated_data}
        if changes:
            listing_pricing_update(listing=listing, **changes)
        if "smart_pricing" in data.validated_data:
            if data.validated_data["smart_pricing"] and listing.status != ListingStatus.PUBLISHED:
                raise serializers.ValidationError({"smart_pricing": [gettext("Publish the listing first.")]})
            smart_pricing_set(listing=listing, enabled=data.validated_data["smart_pricing"])
        return Response(PricingSettingsSerializer(listing_pricing_get(listing=listing)).data)


class AnalyticsInputSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField(help_text="Exclusive.")
    listing = serializers.IntegerField(required=False, min_value=1)


def _text(value) -> str | None:
    """Money and ratios as strings, like every amount in this API (no float rounding)."""
    return None if value is None else str(value)


def _metrics(m) -> dict:
    return {
        "available_nights": m.available,
        "nights_booked": m.nights_booked,
        "occupancy": _text(m.occupancy),
        "revenue": _text(m.revenue),
        "adr": _text(m.adr),
        "revpar": _text(m.revpar),
        "avg_lead_time_days": _text(m.lead_time),
        "avg_length_of_stay": _text(m.length_of_stay),
        "views": m.views,
        "bookings_made": m.bookings_made,
        "view_to_booking": _text(m.conversion),
        "cancellation_rate": _text(m.cancellation_rate),
        "rating_avg": _text(m.rating),
        "rating_count": m.rating_count,
    }


class AnalyticsSummaryView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE, required=True),
            OpenApiParameter("end", OpenApiTypes.DATE, required=True, description="Exclusive."),
            OpenApiParameter("listing", OpenApiTypes.INT, description="Only this listing of yours."),
        ],
        responses={200: AnalyticsSummarySerializer, 404: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        """Occupancy, revenue, ADR, RevPAR, lead time, stay length, views, conversion, cancellations, ratings."""
        data = AnalyticsInputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        listing_id = data.validated_data.get("listing")
        if listing_id is not None:
            access_host_listing(request.user, listing_id, reveal_public=True)
        try:
            report = analytics_report(
                host=request.user,
                start=data.validated_data["start"],
                end=data.validated_data["end"],
                listing_ids=[listing_id] if listing_id else None,
                with_series=False,
            )
        except PeriodInvalid as exc:
            raise serializers.ValidationError({"end": [str(exc)]}) from None
        overall = _metrics(report.overall)
        if report.single_currency is None:
            overall.update(revenue=None, adr=None, revpar=None)
        return Response(
            AnalyticsSummarySerializer(
                {
                    "start": report.start,
                    "end": report.end,
                    "currency": report.single_currency,
                    "revenue_by_currency": report.revenue_by_currency,
                    "overall": overall,
                    "listings": [
                        {"id": listing.pk, "title": listing.title, "currency": listing.currency, **_metrics(m)}
                        for listing, m in report.rows()
                    ],
                    "computed_at": timezone.now(),
                }
            ).data
        )
