"""Search API: ``GET /api/v1/search/``, ``POST /api/v1/search/availability/``, ``GET /api/v1/search/places/``.

Thin views: validate with ``SearchForm`` (the page's own validation; a 400 with
field messages for anything invalid), call one selector, serialize with
``search.presenters``.
"""

from __future__ import annotations

import datetime as dt

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from .gazetteer import place_suggest
from .params import BOOKING_WINDOW_DAYS, MAX_GUESTS, MAX_NIGHTS, SearchForm, earliest_allowed_date
from .presenters import result_as_dict
from .selectors import availability_check, listing_search

_PARAMETERS = [
    OpenApiParameter(name, OpenApiTypes.STR, description=description)
    for name, description in [
        ("q", "A place name: city, US state or country (accents, alternate names and typos are fine)."),
        ("bbox", "Map area as west,south,east,north (degrees)."),
        ("lat", "Point search: latitude (with lng and radius_km)."),
        ("lng", "Point search: longitude."),
        ("radius_km", "Point search: radius in km (at most 200)."),
        ("checkin", "YYYY-MM-DD"),
        ("checkout", "YYYY-MM-DD"),
        ("flex_days", "Also match stays shifted by up to this many days (0-7)."),
        ("flex", "weekend or week: any such stay in `months`."),
        ("months", "YYYY-MM, comma-separated (up to 3), for `flex`."),
        ("guests", "1-16"),
        ("price_min", "In `currency`; per night or for the stay (`price_type`)."),
        ("price_max", "In `currency`."),
        ("price_type", "nightly (default) or total (needs dates)."),
        ("currency", "ISO 4217; default: the place's."),
        ("property_type", "Comma-separated, any of."),
        ("room_type", "entire, private, shared; comma-separated, any of."),
        ("cancellation", "flexible, moderate, strict; comma-separated, any of."),
        ("bedrooms", "Minimum."),
        ("beds", "Minimum."),
        ("bathrooms", "Minimum."),
        ("amenities", "Amenity codes (GET /api/v1/amenities/), all of."),
        ("accessibility", "Accessibility amenity codes, all of."),
        ("instant_book", "1: Instant Book only."),
        ("superhost", "1: Superhosts only."),
        ("text", "Free text (title, description, neighbourhood, amenities; synonyms understood)."),
        ("sort", "recommended, price_asc, price_desc, rating, newest."),
        ("page", "1-15 (20 results a page)."),
        ("explain", "1 (staff): each result's score components."),
    ]
]


class SearchView(APIView):
    """Published listings matching the filters: ``{count, results, facets}`` in one request."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=_PARAMETERS, responses=OpenApiTypes.OBJECT)
    def get(self, request):
        form = SearchForm(request.query_params)
        if not form.is_valid():
            raise ValidationError({field: [str(e) for e in errors] for field, errors in form.errors.items()})
        params = form.params(explain_allowed=bool(request.user and request.user.is_staff))
        return Response(result_as_dict(listing_search(params)))


class AvailabilityRequestSerializer(serializers.Serializer):
    listing_ids = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=100)
    check_in = serializers.DateField()
    check_out = serializers.DateField()
    guests = serializers.IntegerField(min_value=1, max_value=MAX_GUESTS, default=1)

    def validate(self, attrs):
        check_in, check_out = attrs["check_in"], attrs["check_out"]
        if check_in < earliest_allowed_date():
            raise serializers.ValidationError({"check_in": "Check-in can't be in the past."})
        if check_out <= check_in:
            raise serializers.ValidationError({"check_out": "Check-out must be after check-in."})
        if (check_out - check_in).days > MAX_NIGHTS:
            raise serializers.ValidationError({"check_out": f"At most {MAX_NIGHTS} nights."})
        if check_out > earliest_allowed_date() + dt.timedelta(days=BOOKING_WINDOW_DAYS + 1):
            raise serializers.ValidationError({"check_out": "Stays can be booked up to two years ahead."})
        return attrs


class AvailabilityView(APIView):
    """Re-check listings shown earlier for a stay (the results page reconciles its cards with this).

    Answers each listing's availability now and, when available, its total from
    ``price_quote``. Up to 100 listings per request.
    """

    permission_classes = [permissions.AllowAny]

    @extend_schema(request=AvailabilityRequestSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request):
        serializer = AvailabilityRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        answers = availability_check(
            listing_ids=list(dict.fromkeys(data["listing_ids"])),
            check_in=data["check_in"],
            check_out=data["check_out"],
            guests=data["guests"],
        )
        return Response(
            {
                "check_in": data["check_in"].isoformat(),
                "check_out": data["check_out"].isoformat(),
                "results": [
                    {
                        "listing_id": a.listing_id,
                        "available": a.available,
                        "reason": a.reason or None,
                        "total": str(a.total) if a.total is not None else None,
                        "currency": a.currency or None,
                    }
                    for a in answers
                ],
            }
        )


class PlaceSuggestView(APIView):
    """Places starting with ``q`` (the search box's suggestions), most populous first."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[OpenApiParameter("q", OpenApiTypes.STR)], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        prefix = request.query_params.get("q", "")
        if len(prefix) > 100:
            raise ValidationError({"q": ["At most 100 characters."]})
        if "\x00" in prefix:
            # PostgreSQL text cannot hold NUL; the query would fail with a 500.
            raise ValidationError({"q": ["Null characters are not allowed."]})
        return Response(
            {
                "results": [
                    {"name": p.name, "label": p.label, "kind": p.kind, "country_code": p.country_code}
                    for p in place_suggest(prefix)
                ]
            }
        )
