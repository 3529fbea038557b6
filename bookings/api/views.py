"""Booking, calendar and quote endpoints. Views validate, call one service, serialize."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from airbnb.api.errors import HTTP_STATUS_BY_CODE
from airbnb.api.pagination import PageNumberPagination
from airbnb.errors import ApplicationError
from airbnb.idempotency import IdempotencyKeyInvalid, idempotent
from listings.access import access_public_listing

from ..access import access_booking
from ..errors import BookingErrorCode, PaymentsUnavailable
from ..models import Booking, BookingStatus
from ..quotes import booking_box
from ..selectors import (
    BOOKING_LISTING_DEFERRED,
    booking_list_for_guest,
    booking_list_for_host,
)
from ..services import booking as booking_services
from .serializers import (
    BookingBoxSerializer,
    BookingCreateInputSerializer,
    BookingSerializer,
    CancelInputSerializer,
    QuoteInputSerializer,
    RefundPreviewSerializer,
)

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="A unique key per booking attempt (e.g. a UUID). Retries with the same key and body return "
    "the first response; a different body with the same key is rejected (422).",
)


def _booking_for(user, pk: int) -> Booking:
    """The booking if the user is its guest, host or staff (``access_booking``), loaded for the serializer."""
    loaded = Booking.objects.select_related("listing", "listing__host", "guest", "payment")
    loaded = loaded.defer(*BOOKING_LISTING_DEFERRED)
    return access_booking(user, pk, as_role="either", queryset=loaded)


class BookingListCreateView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = PageNumberPagination  # for the schema: the GET pages its results

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "role",
                str,
                enum=["guest", "host"],
                description="Your trips (guest, default) or reservations on your listings (host).",
            ),
            OpenApiParameter("status", str, enum=[s for s, _ in BookingStatus.choices]),
        ],
        responses={200: BookingSerializer(many=True)},
    )
    def get(self, request):
        role = request.query_params.get("role", "guest")
        if role not in ("guest", "host"):
            raise serializers.ValidationError({"role": [gettext("Use guest or host.")]})
        qs = booking_list_for_host(host=request.user) if role == "host" else booking_list_for_guest(guest=request.user)
        wanted = request.query_params.get("status")
        if wanted:
            if wanted not in BookingStatus.values:
                raise serializers.ValidationError(
                    {"status": [gettext("Unknown status %(status)r.") % {"status": wanted}]}
                )
            qs = qs.filter(status=wanted)
        paginator = self.paginator
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(BookingSerializer(page, many=True).data)

    @property
    def paginator(self):
        if not hasattr(self, "_paginator"):
            self._paginator = PageNumberPagination()
        return self._paginator

    @extend_schema(
        request=BookingCreateInputSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        examples=[
            OpenApiExample(
                "Two nights for two, test card",
                value={
                    "listing": 12,
                    "check_in": "2030-06-14",
                    "check_out": "2030-06-16",
                    "guests": 2,
                    "payment_method": "pm_card_visa",
                    "message": "Hi! We're visiting for a wedding.",
                    "expected_total": "412.80",
                },
                request_only=True,
            )
        ],
        responses={
            201: BookingSerializer,
            400: OpenApiTypes.OBJECT,
            402: OpenApiTypes.OBJECT,
            404: OpenApiTypes.OBJECT,
            409: OpenApiTypes.OBJECT,
            422: OpenApiTypes.OBJECT,
            503: OpenApiTypes.OBJECT,
        },
    )
    def post(self, request):
        key = request.headers.get("Idempotency-Key", "")
        if not key:
            raise IdempotencyKeyInvalid()
        data = BookingCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        args = data.validated_data

        def work(record_id: int):
            booking = booking_services.booking_create(
                guest=request.user,
                listing_id=args["listing"],
                check_in=args["check_in"],
                check_out=args["check_out"],
                guests=args["guests"],
                payment_method=args["payment_method"],
                message=args["message"],
                expected_total=args["expected_total"],
                idempotency_record_id=record_id,
            )
            # booking_create returns the booking with listing, host and payment loaded.
            return dict(BookingSerializer(booking).data), booking.pk

        result = idempotent(
            user=request.user,
            scope="booking_create",
            key=key,
            payload=dict(args),
            work=work,
            retryable=lambda exc: isinstance(exc, PaymentsUnavailable),
            settle=lambda booking_id: booking_services.booking_attempt_settle(
                booking_id=booking_id,
                render=lambda booking: dict(BookingSerializer(_booking_for(request.user, booking.pk)).data),
            ),
        )
        # The stored bytes, first time and on every replay: byte-identical answers (docs/booking.md).
        return HttpResponse(
            result.content,
            status=HTTP_STATUS_BY_CODE[result.error_code] if result.error_code else status.HTTP_201_CREATED,
            content_type="application/json",
            headers={"Idempotent-Replayed": "true"} if result.replayed else None,
        )


class BookingDetailView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: BookingSerializer})
    def get(self, request, pk: int):
        return Response(BookingSerializer(_booking_for(request.user, pk)).data)


class BookingCancellationPreviewView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: RefundPreviewSerializer, 409: OpenApiTypes.OBJECT})
    def get(self, request, pk: int):
        booking = _booking_for(request.user, pk)
        if booking.status not in (BookingStatus.AWAITING_HOST, BookingStatus.CONFIRMED):
            raise ApplicationError(BookingErrorCode.NOT_CANCELLABLE, gettext("This booking cannot be cancelled."))
        return Response(booking_services.booking_cancellation_preview(booking=booking, user=request.user).as_dict())


class BookingActionView(APIView):
    """POST-only actions on one booking; subclasses define ``act(request, booking, reason)``."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=CancelInputSerializer,
        responses={200: BookingSerializer, 409: OpenApiTypes.OBJECT},
        description="409 illegal_transition when the booking is not in a state this action applies to.",
    )
    def post(self, request, pk: int):
        booking = _booking_for(request.user, pk)
        data = CancelInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        self.act(request, booking, data.validated_data["reason"])
        return Response(BookingSerializer(_booking_for(request.user, pk)).data)


class BookingCancelView(BookingActionView):
    def act(self, request, booking, reason):
        if booking.guest_id == request.user.pk:
            return booking_services.booking_cancel_by_guest(booking_id=booking.pk, guest=request.user, reason=reason)
        return booking_services.booking_cancel_by_host(booking_id=booking.pk, host=request.user, reason=reason)


class BookingAcceptView(BookingActionView):
    def act(self, request, booking, reason):
        return booking_services.booking_accept(booking_id=booking.pk, host=request.user)


class BookingDeclineView(BookingActionView):
    def act(self, request, booking, reason):
        return booking_services.booking_decline(booking_id=booking.pk, host=request.user, reason=reason)


# --- listing quote and calendar ------------------------------------------------------


class ListingQuoteView(APIView):
    """Price and live availability for given dates: what the booking box shows."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[QuoteInputSerializer],
        responses={200: BookingBoxSerializer},
    )
    def get(self, request, pk: int):
        listing = access_public_listing(pk)
        data = QuoteInputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        box = booking_box(listing=listing, user=request.user, **data.validated_data)
        return Response(BookingBoxSerializer(box.as_dict()).data)
