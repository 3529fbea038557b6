from django.http import Http404
from django.shortcuts import redirect, render

from .models import Listing
from .selectors import amenity_catalogue, listing_get_public


def listing_detail(request, pk: int, slug: str = ""):
    try:
        listing = listing_get_public(pk=pk)
    except Listing.DoesNotExist:
        raise Http404("No such listing.") from None
    if slug != listing.slug:
        return redirect(listing, permanent=True)
    catalogue = amenity_catalogue()
    grouped: dict[str, list] = {}
    for code in listing.amenities:
        amenity = catalogue.get(code)
        if amenity:
            grouped.setdefault(amenity.get_category_display(), []).append(amenity)
    return render(
        request,
        "listings/detail.html",
        {"listing": listing, "amenity_groups": grouped, "photos": list(listing.photos.all())},
    )
