"""The search results page: server-rendered, then enhanced by static/js/search.js.

``/search/?q=Paris&checkin=...`` and ``/s/<place>/?...`` render the same page:
results, counts, the filter sidebar with facet counts, the price histogram and
the map. Every filter is in the query string (shareable, back-button friendly);
the script only swaps the results in place through the API with the same
parameters.
"""

from __future__ import annotations

import json
from urllib.parse import quote

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import get_text_list
from django.utils.translation import gettext, ngettext, pgettext, pgettext_lazy
from django.views.decorators.http import require_safe

from listings.models import Amenity, CancellationPolicy, PropertyType, RoomType
from pricing.services.demand import search_demand_record

from .params import SORTS, UNKNOWN_PLACE, SearchForm, SearchParams
from .presenters import facets_for_page, map_config, search_page_payload
from .selectors import listing_search
from .services import place_search_record

PLACE_EXAMPLES = ["Paris", "Lisbon", "New York", "Valencia, Spain"]  # place names: data, as the gazetteer spells them
FLEX_DAYS = [1, 2, 3]
# "Or any [a weekend]" in the Dates filter (the form's own choice labels say "A weekend").
FLEX_KIND_OPTIONS = [
    ("weekend", pgettext_lazy("flexible stay, after 'Or any'", "a weekend")),
    ("week", pgettext_lazy("flexible stay, after 'Or any'", "a week")),
]
# A policy's name alone ("Flexible") says little among the booking options; the filter names the policy
# whole, one sentence per policy so each language can agree its adjective.
CANCELLATION_FILTER_LABELS = {
    CancellationPolicy.FLEXIBLE: pgettext_lazy("search filter", "Flexible cancellation"),
    CancellationPolicy.MODERATE: pgettext_lazy("search filter", "Moderate cancellation"),
    CancellationPolicy.STRICT: pgettext_lazy("search filter", "Strict cancellation"),
}


def flex_day_choices() -> list[tuple[int, str]]:
    """The "With exact dates, also" options, in the request's language."""
    return [
        (0, gettext("exact dates only")),
        *[(days, ngettext("± %(counter)s day", "± %(counter)s days", days) % {"counter": days}) for days in FLEX_DAYS],
        (7, pgettext("flexible dates", "± 1 week")),
    ]


def cancellation_filter_choices() -> list[tuple[str, str]]:
    """Every policy with its filter label (a policy added later shows its own label until it has one here)."""
    return [(value, CANCELLATION_FILTER_LABELS.get(value, label)) for value, label in CancellationPolicy.choices]


def place_example_links() -> SafeString:
    """The example searches as links, joined the way the language lists things ("Paris, Lisbon or New York")."""
    url = reverse("search:results")
    links = [format_html('<a href="{}?q={}">{}</a>', url, quote(name, safe="/"), name) for name in PLACE_EXAMPLES]
    return mark_safe(get_text_list(links))  # Django's own "or" and ", "; every part was escaped by format_html


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
        "sorts": SORTS,
        "flex_kind_options": FLEX_KIND_OPTIONS,
        "flex_day_choices": flex_day_choices(),
        "property_types": PropertyType.choices,
        "room_types": RoomType.choices,
        "cancellation_policies": cancellation_filter_choices(),
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
        context["example_links"] = place_example_links()
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
    return set(form.errors) == {"q"} and len(form.errors["q"]) == 1 and form.has_error("q", UNKNOWN_PLACE)


def results_in_place(request: HttpRequest, place: str) -> HttpResponse:
    """``/s/<place>/``: the same page with the place taken from the path."""
    return results(request, place=place)
