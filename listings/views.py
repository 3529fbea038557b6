from django.http import Http404
from django.shortcuts import redirect, render

from .models import Amenity, Listing
from .selectors import amenity_catalogue, listing_get_public, listing_public_place


def listing_detail(request, pk: int, slug: str = ""):
    try:
        listing = listing_get_public(pk=pk)
    except Listing.DoesNotExist:
        raise Http404("No such listing.") from None
    if slug != listing.slug:
        return redirect(listing, permanent=True)
    catalogue = amenity_catalogue()
    # Categories in their declared order (essentials first), amenities in catalogue order.
    category_rank = {value: rank for rank, value in enumerate(Amenity.Category.values)}
    offered = sorted(
        (catalogue[code] for code in set(listing.amenities) if code in catalogue),
        key=lambda amenity: (category_rank.get(amenity.category, len(category_rank)), amenity.sort_order, amenity.name),
    )
    grouped: dict[str, list[Amenity]] = {}
    for amenity in offered:
        grouped.setdefault(amenity.get_category_display(), []).append(amenity)
    return render(
        request,
        "listings/detail.html",
        {
            "listing": listing,
            "amenity_groups": grouped,
            "photos": list(listing.photos.all()),
            "place": listing_public_place(listing),
        },
    )
