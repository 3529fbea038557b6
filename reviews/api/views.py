"""Reviews endpoints: list a listing's or a person's reviews, what to write, submit, respond, report."""

from __future__ import annotations

from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from airbnb.api.pagination import PageNumberPagination
from listings.access import access_public_listing

from ..access import access_review
from ..models import STAY_CATEGORIES, ListingRating, Review
from ..selectors import review_public_queryset, reviews_to_write
from ..services import moderation, submission
from .serializers import (
    ListingRatingSerializer,
    ReportInputSerializer,
    ReportSerializer,
    ResponseInputSerializer,
    ReviewSerializer,
    ReviewSubmitInputSerializer,
    ReviewToWriteSerializer,
)

ERRORS = {400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT}


class ReviewListCreateView(APIView):
    """``GET``: published reviews of a listing (``?listing=``) or about a person (``?user=&about=host|guest``).

    ``POST``: write your review of a completed stay (guest or host). Reviews stay
    private until both sides have written theirs or the 14-day window closes.
    """

    pagination_class = PageNumberPagination  # for the schema: the GET pages its results

    def get_permissions(self):
        if self.request.method == "POST":
            return [permissions.IsAuthenticated()]
        return [permissions.AllowAny()]

    @extend_schema(
        parameters=[
            OpenApiParameter("listing", int, description="Reviews of this listing (by its guests)."),
            OpenApiParameter("user", int, description="Reviews about this person."),
            OpenApiParameter("about", str, enum=["host", "guest"], description="With user: as host or as guest."),
        ],
        responses={200: ReviewSerializer(many=True)},
    )
    def get(self, request):
        params = request.query_params
        reviews = review_public_queryset().select_related("author", "subject").order_by("-published_at", "-id")
        if params.get("listing"):
            listing = access_public_listing(params["listing"])
            reviews = reviews.filter(listing=listing, direction=Review.Direction.GUEST_TO_HOST)
        elif params.get("user"):
            about = params.get("about", "host")
            if about not in ("host", "guest"):
                raise serializers.ValidationError({"about": [gettext("Use host or guest.")]})
            if not params["user"].isdigit():
                raise serializers.ValidationError({"user": [gettext("A user id is a number.")]})
            direction = Review.Direction.GUEST_TO_HOST if about == "host" else Review.Direction.HOST_TO_GUEST
            reviews = reviews.filter(subject_id=int(params["user"]), direction=direction)
        else:
            raise serializers.ValidationError({"listing": [gettext("Give a listing, or a user.")]})
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(reviews, request, view=self)
        return paginator.get_paginated_response(ReviewSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(
        request=ReviewSubmitInputSerializer,
        responses={201: ReviewSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "A guest's review of their stay",
                value={
                    "booking": 42,
                    "overall": 5,
                    "categories": {
                        "cleanliness": 5,
                        "accuracy": 5,
                        "check_in": 4,
                        "communication": 5,
                        "location": 4,
                        "value": 5,
                    },
                    "comment": "Bright flat, quiet street, and Ana's tips for dinner were spot on.",
                    "private_note": "The shower drain was slow.",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request):
        data = ReviewSubmitInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        args = data.validated_data
        review = submission.review_submit(
            booking_id=args["booking"],
            author=request.user,
            overall=args["overall"],
            categories=args["categories"],
            comment=args["comment"],
            private_note=args["private_note"],
        )
        review.refresh_from_db()
        return Response(ReviewSerializer(review, context={"request": request}).data, status=status.HTTP_201_CREATED)


class ReviewDetailView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses={200: ReviewSerializer, 404: OpenApiTypes.OBJECT})
    def get(self, request, pk: int):
        return Response(ReviewSerializer(access_review(request.user, pk), context={"request": request}).data)


class ReviewsToWriteView(APIView):
    """Completed stays you can still review (as guest and as host), the soonest closing first."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        responses={200: inline_serializer("ReviewsToWrite", {"results": ReviewToWriteSerializer(many=True)})}
    )
    def get(self, request):
        return Response({"results": ReviewToWriteSerializer(reviews_to_write(user=request.user), many=True).data})


class ReviewRespondView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=ResponseInputSerializer, responses={200: ReviewSerializer, **ERRORS})
    def post(self, request, pk: int):
        data = ResponseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = submission.review_respond(review_id=pk, user=request.user, response=data.validated_data["response"])
        return Response(ReviewSerializer(access_review(request.user, review.pk), context={"request": request}).data)


class ReviewReportView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=ReportInputSerializer, responses={201: ReportSerializer, **ERRORS})
    def post(self, request, pk: int):
        data = ReportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = moderation.review_report(review_id=pk, reporter=request.user, **data.validated_data)
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)


class ListingRatingView(APIView):
    """A listing's rating: overall average, count and the per-category averages."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses={200: ListingRatingSerializer, 404: OpenApiTypes.OBJECT})
    def get(self, request, pk: int):
        listing = access_public_listing(pk)
        rating = ListingRating.objects.filter(listing=listing).first()
        return Response(
            ListingRatingSerializer(
                {
                    "listing": listing.pk,
                    "rating_avg": listing.rating_avg,
                    "review_count": listing.rating_count,
                    "categories": {code: getattr(rating, code) if rating else None for code in STAY_CATEGORIES},
                }
            ).data
        )
