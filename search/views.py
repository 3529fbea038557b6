"""The search results page: server-rendered, then enhanced by static/js/search.js.

``/search/?q=Paris&checkin=...`` and ``/s/<place>/?...`` render the same page:
results, counts, the filter sidebar with facet counts, the price histogram and
the map. Every filter is in the query string (shareable, back-button friendly);
the script only swaps the results in place through the API with the same
parameters.
"""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from listings.models import Amenity, CancellationPolicy, PropertyType, RoomType
from pricing.services.demand import search_demand_record

from .params import FLEX_KINDS, SORTS, SearchForm, SearchParams
from .presenters import facets_for_page, map_config, search_page_payload
from .selectors import listing_search
from .services import place_search_record

PLACE_EXAMPLES = ["Paris", "Lisbon", "New York", "Valencia, Spain"]
FLEX_DAY_CHOICES = [(0, "exact dates only"), (1, "± 1 day"), (2, "± 2 days"), (3, "± 3 days"), (7, "± 1 week")]


@require_safe
def results(request: HttpRequest, place: str | None = None) -> HttpResponse:
    """Validate the query string, search, render. Bad parameters re-render the form with inline errors.

    With no parameters at all the page shows an empty search form.
    """
    data = request.GET.copy()
    if place is not None and not data.get("q"):
        data["q"] = place.replace("-", " ")
    form = SearchForm(data if data else None, place_required=True)
    context = {
        "form": form,
        "place": None,
        "result": None,
        "examples": PLACE_EXAMPLES,
        "sorts": SORTS,
        "flex_kinds": FLEX_KINDS,
        "flex_day_choices": FLEX_DAY_CHOICES,
        "property_types": PropertyType.choices,
        "room_types": RoomType.choices,
        "cancellation_policies": CancellationPolicy.choices,
        "amenities": list(Amenity.objects.all()),
        "map": map_config(),
        "api_url": reverse("search-api"),
        "recheck_url": reverse("search-availability-api"),
        "place_unknown": False,
    }
    if form.is_bound and form.is_valid():
        params = form.params(explain_allowed=request.user.is_staff)
        result = listing_search(params)
        if params.place is not None and params.page == 1:
            place_search_record(place=params.place)
        if params.place is not None and len(params.stays) == 1 and not params.flexible:
            # Dated searches of an area feed the pricing app's demand signals.
            check_in, check_out = params.stays[0]
            search_demand_record(lat=params.place.lat, lng=params.place.lng, check_in=check_in, check_out=check_out)
        if params.place is not None and params.place.corrected:
            exact = data.copy()
            exact["exact_place"] = "1"
            exact.pop("page", None)
            context.update(
                corrected_from=params.place_query,
                exact_place_url=reverse("search:results") + "?" + exact.urlencode(),
            )
        context.update(
            place=params.place,
            result=result,
            params=params,
            facets=facets_for_page(result, context["amenities"]),
            active_filters=active_filter_count(params),
            payload_json=json.dumps(search_page_payload(result, request=request), cls=DjangoJSONEncoder),
        )
    elif form.is_bound and form.place is None and (data.get("q") or "").strip() and _only_place_missing(form):
        context["place_unknown"] = " ".join(data["q"].split())[:100]
    response = render(request, "search/results.html", context)
    if form.is_bound and not form.is_valid():
        response.status_code = 200  # the page itself is fine: it shows what to correct
    return response


def active_filter_count(params: SearchParams) -> int:
    """How many filters of the Filters panel are set (the number on its button); place, dates and guests are not."""
    return sum(
        [
            params.price_min is not None or params.price_max is not None,
            len(params.room_types),
            len(params.property_types),
            len(params.cancellation_policies),
            params.min_bedrooms > 0,
            params.min_beds > 0,
            params.min_bathrooms > 0,
            len(params.amenities),
            params.instant_book,
            params.superhost,
            bool(params.text),
        ]
    )


def _only_place_missing(form: SearchForm) -> bool:
    """The one problem is a place name we do not know (shown as a friendly message, not a form error)."""
    return set(form.errors) == {"q"} and "find a place" in form.errors["q"][0]


def results_in_place(request: HttpRequest, place: str) -> HttpResponse:
    """``/s/<place>/``: the same page with the place taken from the path."""
    return results(request, place=place)
