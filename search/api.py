"""Search API: ``GET /api/v1/search/``, ``POST /api/v1/search/availability/``, ``GET /api/v1/search/places/``.

Thin views: validate with ``SearchForm`` (the page's own validation; a 400 with
field messages for anything invalid), call one selector, serialize with
``search.presenters``.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from airbnb.api.throttling import ScopedUserRateThrottle
from listings.models import PropertyType, RoomType

from .gazetteer import place_suggest
from .models import Place as PlaceModel
from .params import BOOKING_WINDOW_DAYS, MAX_GUESTS, MAX_STAY_NIGHTS, SearchForm, earliest_allowed_date
from .presenters import result_as_dict
from .selectors import CARD_PHOTOS, availability_check, listing_search
from .services import place_search_record

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
        ("exact_place", "1: take `q` as written, never as a typo of another place (`corrected_from`)."),
    ]
]


# --- response shapes (``search.presenters`` builds them; these describe them) ----------------

_MONEY = {"max_digits": 12, "decimal_places": 2}


class PlaceSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField(help_text="The name with its region and country, for display.")
    kind = serializers.ChoiceField(choices=PlaceModel.Kind.choices)
    country_code = serializers.CharField()


class SearchPlaceSerializer(PlaceSerializer):
    lat = serializers.FloatField()
    lng = serializers.FloatField()
    bbox = serializers.ListField(
        child=serializers.FloatField(), min_length=4, max_length=4, help_text="west, south, east, north (degrees)."
    )


class SearchLocationSerializer(serializers.Serializer):
    lat = serializers.FloatField()
    lng = serializers.FloatField()
    approximate = serializers.BooleanField(
        help_text="Always true: the listing's public point, 250-700 m from the home (the same on every surface)."
    )


class SearchPhotoSerializer(serializers.Serializer):
    url = serializers.CharField()
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    caption = serializers.CharField(allow_blank=True)
    srcset = serializers.CharField(allow_blank=True, help_text="Resized variants ('url 320w, url 720w'); '' if none.")


class SearchPriceLineSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    amount = serializers.DecimalField(**_MONEY)


class SearchPriceSerializer(serializers.Serializer):
    currency = serializers.CharField(help_text="The listing's currency.")
    nightly = serializers.DecimalField(
        **_MONEY, help_text="Average per night of the matched stay, else the base price."
    )
    total = serializers.DecimalField(**_MONEY, allow_null=True, help_text="For the matched stay (null without dates).")
    nights = serializers.IntegerField(allow_null=True)
    check_in = serializers.DateField(allow_null=True)
    check_out = serializers.DateField(allow_null=True)
    lines = SearchPriceLineSerializer(many=True)
    search_value = serializers.DecimalField(
        **_MONEY, help_text="Nightly or total in the search's currency: what filters and sorting used."
    )


class SearchRankingSerializer(serializers.Serializer):
    score = serializers.FloatField()
    components = serializers.DictField(child=serializers.FloatField())


class SearchCardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    title = serializers.CharField()
    property_type = serializers.ChoiceField(choices=PropertyType.choices)
    room_type = serializers.ChoiceField(choices=RoomType.choices)
    room_type_label = serializers.CharField()
    neighbourhood = serializers.CharField(allow_blank=True)
    city = serializers.CharField(allow_blank=True)
    country_code = serializers.CharField(allow_blank=True)
    location = SearchLocationSerializer()
    max_guests = serializers.IntegerField()
    bedrooms = serializers.IntegerField()
    beds = serializers.IntegerField()
    bathrooms = serializers.DecimalField(max_digits=4, decimal_places=1)
    rating_avg = serializers.DecimalField(max_digits=3, decimal_places=2, allow_null=True)
    rating_count = serializers.IntegerField()
    instant_book = serializers.BooleanField()
    is_superhost = serializers.BooleanField()
    photos = SearchPhotoSerializer(many=True, help_text=f"Up to {CARD_PHOTOS}.")
    price = SearchPriceSerializer()
    ranking = SearchRankingSerializer(required=False, help_text="With explain=1 (staff) only.")


class SearchTogglesSerializer(serializers.Serializer):
    instant_book = serializers.IntegerField()
    superhost = serializers.IntegerField()


class SearchHistogramSerializer(serializers.Serializer):
    min = serializers.FloatField()
    max = serializers.FloatField()
    counts = serializers.ListField(child=serializers.IntegerField(), help_text="Listings per price bucket.")


class SearchFacetsSerializer(serializers.Serializer):
    """Counts per option, each with the other filters applied (so the numbers say what choosing it gives)."""

    property_types = serializers.DictField(child=serializers.IntegerField())
    room_types = serializers.DictField(child=serializers.IntegerField())
    amenities = serializers.DictField(child=serializers.IntegerField(), help_text="By amenity code.")
    toggles = SearchTogglesSerializer()
    price_histogram = SearchHistogramSerializer(allow_null=True, help_text="In the search's currency.")


class SearchResultSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    count_is_estimate = serializers.BooleanField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    currency = serializers.CharField(help_text="Of price filters and search_value.")
    place = SearchPlaceSerializer(allow_null=True, help_text="The place ``q`` resolved to.")
    corrected_from = serializers.CharField(
        allow_null=True,
        help_text='``q`` as typed when it matched no place and ``place`` is the best guess ("Olso" -> Oslo); '
        "repeat with ``exact_place=1`` to search for it as written.",
    )
    results = SearchCardSerializer(many=True)
    facets = SearchFacetsSerializer()


class AvailabilityAnswerSerializer(serializers.Serializer):
    listing_id = serializers.IntegerField()
    available = serializers.BooleanField()
    reason = serializers.ChoiceField(
        choices=["not_found", "dates_unavailable", "too_many_guests", "stay_too_short", "stay_too_long"],
        allow_null=True,
    )
    total = serializers.DecimalField(**_MONEY, allow_null=True)
    currency = serializers.CharField(allow_null=True)


class AvailabilityResponseSerializer(serializers.Serializer):
    check_in = serializers.DateField()
    check_out = serializers.DateField()
    results = AvailabilityAnswerSerializer(many=True)


class PlaceSuggestionsSerializer(serializers.Serializer):
    results = PlaceSerializer(many=True)


class SearchRateThrottle(ScopedUserRateThrottle):
    """Search's own budget, per user or (anonymous) per client address: ``API_THROTTLE_SEARCH``.

    The results page updates itself through these endpoints on every filter, map move
    and page, and many guests can share one address (offices, mobile carriers): the
    general anonymous budget (``API_THROTTLE_ANON``) would stop a browsing guest.
    """

    scope = "search"
    default_rate = "600/min"


class SearchView(APIView):
    """Published listings matching the filters: ``{count, results, facets}`` in one request."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = [SearchRateThrottle]

    @extend_schema(parameters=_PARAMETERS, responses=SearchResultSerializer)
    def get(self, request):
        form = SearchForm(request.query_params)
        if not form.is_valid():
            raise ValidationError({field: [str(e) for e in errors] for field, errors in form.errors.items()})
        params = form.params(explain_allowed=bool(request.user and request.user.is_staff))
        result = listing_search(params)
        if params.place is not None and params.page == 1:
            place_search_record(place=params.place)
        return Response(result_as_dict(result))


class AvailabilityRequestSerializer(serializers.Serializer):
    listing_ids = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=100)
    check_in = serializers.DateField()
    check_out = serializers.DateField()
    guests = serializers.IntegerField(min_value=1, max_value=MAX_GUESTS, default=1)

    def validate(self, attrs):
        check_in, check_out = attrs["check_in"], attrs["check_out"]
        if check_in < earliest_allowed_date():
            raise serializers.ValidationError({"check_in": gettext("Check-in can't be in the past.")})
        if check_out <= check_in:
            raise serializers.ValidationError({"check_out": gettext("Check-out must be after check-in.")})
        if (check_out - check_in).days > MAX_STAY_NIGHTS:
            raise serializers.ValidationError(
                {"check_out": gettext("At most %(nights)s nights.") % {"nights": MAX_STAY_NIGHTS}}
            )
        if check_out > earliest_allowed_date() + dt.timedelta(days=BOOKING_WINDOW_DAYS + 1):
            raise serializers.ValidationError({"check_out": gettext("Stays can be booked up to two years ahead.")})
        return attrs


class AvailabilityView(APIView):
    """Re-check listings shown earlier for a stay (the results page reconciles its cards with this).

    Answers each listing's availability now and, when available, its total from
    ``price_quote``. Up to 100 listings per request.
    """

    permission_classes = [permissions.AllowAny]
    throttle_classes = [SearchRateThrottle]

    @extend_schema(
        request=AvailabilityRequestSerializer,
        responses=AvailabilityResponseSerializer,
        examples=[
            OpenApiExample(
                "Two listings for a weekend",
                value={"listing_ids": [12, 34], "check_in": "2030-06-14", "check_out": "2030-06-16", "guests": 2},
                request_only=True,
            )
        ],
    )
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
            AvailabilityResponseSerializer(
                {
                    "check_in": data["check_in"],
                    "check_out": data["check_out"],
                    "results": [
                        {
                            "listing_id": a.listing_id,
                            "available": a.available,
                            "reason": a.reason or None,
                            "total": a.total,
                            "currency": a.currency or None,
                        }
                        for a in answers
                    ],
                }
            ).data
        )


class PlaceSuggestView(APIView):
    """The search box's suggestions: places starting with ``q`` and, for a typo, the places it likely means."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = [SearchRateThrottle]

    @extend_schema(parameters=[OpenApiParameter("q", OpenApiTypes.STR)], responses=PlaceSuggestionsSerializer)
    def get(self, request):
        prefix = request.query_params.get("q", "")
        if len(prefix) > 100:
            raise ValidationError({"q": [gettext("At most 100 characters.")]})
        if "\x00" in prefix:
            # PostgreSQL text cannot hold NUL; the query would fail with a 500.
            raise ValidationError({"q": [gettext("Null characters are not allowed.")]})
        return Response(PlaceSuggestionsSerializer({"results": place_suggest(prefix)}).data)
