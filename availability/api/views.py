"""Calendar endpoints: a listing's nights (public availability, full detail for its host) and the host's writes.

Who may do what is ``listings.access.access_listing``: anyone sees a published
listing's availability, its host and staff see everything and write; another
user gets 403 on a published listing's calendar writes, 404 on a draft's.
"""

from __future__ import annotations

from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from listings.access import access_listing
from listings.models import Listing
from listings.selectors import listing_can_edit

from .. import services as calendar_services
from ..models import CalendarNight
from .serializers import CalendarNightsInputSerializer, CalendarRangeInputSerializer, ListingCalendarSerializer


class ListingCalendarView(APIView):
    """Nights of a listing: public availability for anyone, full detail for its host."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[CalendarRangeInputSerializer], responses={200: ListingCalendarSerializer})
    def get(self, request, pk: int):
        listing = access_listing(request.user, pk)
        is_host = listing_can_edit(listing, request.user)
        data = CalendarRangeInputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        start, end = data.validated_data["start"], data.validated_data["end"]
        if end <= start or (end - start).days > 366:
            raise serializers.ValidationError({"end": [gettext("Ask for 1 to 366 nights after start.")]})
        rows = (
            CalendarNight.objects.filter(listing=listing, date__gte=start, date__lt=end)
            .select_related("booking", "booking__guest")
            .order_by("date")
        )
        nights = []
        for row in rows:
            night = {"date": row.date, "available": row.status == "available", "min_nights": row.min_nights}
            if is_host:
                night.update({"status": row.status, "price": row.price})
                if row.booking_id:
                    night["booking"] = {
                        "id": row.booking_id,
                        "reference": row.booking.reference,
                        "guest": row.booking.guest.display_name,
                    }
            nights.append(night)
        return Response(
            ListingCalendarSerializer(
                {
                    "listing": listing.pk,
                    "start": start,
                    "end": end,
                    "base_price": listing.base_price,
                    "min_nights": listing.min_nights,
                    "nights": nights,
                }
            ).data
        )


def _count_response(name: str, key: str, help_text: str):
    return inline_serializer(name, {key: serializers.IntegerField(help_text=help_text)})


def _range_examples() -> list[OpenApiExample]:
    return [OpenApiExample("Three nights", value={"start": "2030-06-14", "end": "2030-06-17"}, request_only=True)]


class HostCalendarWriteView(APIView):
    """POST a range to one calendar service; only the listing's host (or staff) may.

    Subclasses name the input serializer, the service and the key of the count in
    the response.
    """

    permission_classes = [permissions.IsAuthenticated]
    input_serializer: type[serializers.Serializer] = CalendarRangeInputSerializer
    result_key = ""

    def post(self, request, pk: int):
        listing: Listing = access_listing(request.user, pk, for_edit=True)
        data = self.input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        count = self.service(listing=listing, **data.validated_data)
        return Response({self.result_key: count})


@extend_schema_view(
    post=extend_schema(
        request=CalendarRangeInputSerializer,
        responses={200: _count_response("CalendarBlocked", "blocked", "Nights now blocked (taken ones are skipped).")},
        examples=_range_examples(),
    )
)
class CalendarBlockView(HostCalendarWriteView):
    service = staticmethod(calendar_services.calendar_block_range)
    result_key = "blocked"


@extend_schema_view(
    post=extend_schema(
        request=CalendarRangeInputSerializer,
        responses={200: _count_response("CalendarUnblocked", "unblocked", "Nights no longer blocked.")},
        examples=_range_examples(),
    )
)
class CalendarUnblockView(HostCalendarWriteView):
    service = staticmethod(calendar_services.calendar_unblock_range)
    result_key = "unblocked"


@extend_schema_view(
    post=extend_schema(
        request=CalendarNightsInputSerializer,
        responses={200: _count_response("CalendarNightsUpdated", "updated", "Nights whose price or minimum changed.")},
        examples=[
            OpenApiExample(
                "Set a price and a minimum stay",
                value={"start": "2030-06-14", "end": "2030-06-17", "price": "150.00", "min_nights": 2},
                request_only=True,
            )
        ],
    )
)
class CalendarNightsView(HostCalendarWriteView):
    input_serializer = CalendarNightsInputSerializer
    service = staticmethod(calendar_services.calendar_set_nights)
    result_key = "updated"
