from django.http import Http404
from django.shortcuts import redirect, render

from bookings.forms import StayForm
from bookings.quotes import availability_months, booking_box, breakdown_lines

from .models import Amenity, Listing
from .selectors import amenity_catalogue, listing_get_public, listing_public_place


def listing_detail(request, pk: int, slug: str = ""):
    """The listing page, with its booking box: dates in the query string get a live quote."""
    try:
        listing = listing_get_public(pk=pk)
    except Listing.DoesNotExist:
        raise Http404("No such listing.") from None
    if slug != listing.slug:
        url = listing.get_absolute_url()
        if request.GET:
            url += "?" + request.GET.urlencode()
        return redirect(url, permanent=True)
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

    # The booking box: a GET form; bound only once the visitor has picked dates.
    wants_quote = "check_in" in request.GET or "check_out" in request.GET
    stay = StayForm(request.GET if wants_quote else None, listing=listing, auto_id="stay_%s")
    box, reason_inline = None, False
    if wants_quote and stay.is_valid():
        box = booking_box(listing=listing, user=request.user, **stay.cleaned_data)
        reason_inline = stay.add_reason(box.reason)
    return render(
        request,
        "listings/detail.html",
        {
            "listing": listing,
            "amenity_groups": grouped,
            "photos": list(listing.photos.all()),
            "place": listing_public_place(listing),
            "stay": stay,
            "box": box,
            "reason_inline": reason_inline,
            "breakdown": breakdown_lines(box.quote.as_dict()) if box else [],
            "months": availability_months(listing=listing, chosen=(box.check_in, box.check_out) if box else None),
            "is_host": request.user.is_authenticated and request.user.pk == listing.host_id,
        },
    )
