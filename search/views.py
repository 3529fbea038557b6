"""The search results page."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from .forms import SearchForm
from .selectors import listing_search_basic, place_resolve

PLACE_EXAMPLES = ["Paris", "Lisbon", "New York", "Valencia, Spain"]


@require_safe
def results(request):
    """Validate the query string, resolve the place, show one page of stays there.

    Bad parameters re-render the form with inline errors (never a 500). With no
    parameters at all the page shows an empty search form.
    """
    form = SearchForm(request.GET if request.GET else None)
    context = {"form": form, "place": None, "page": None, "examples": PLACE_EXAMPLES}
    if form.is_bound and form.is_valid():
        place = place_resolve(form.cleaned_data["q"])
        context["place"] = place
        if place is not None:
            page = listing_search_basic(place=place, guests=form.cleaned_data["guests"], page=request.GET.get("page"))
            context["page"] = page
            context["page_range"] = page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    return render(request, "search/results.html", context)
