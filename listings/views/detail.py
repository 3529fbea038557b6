"""The public listing page, with its gallery, map, host card and booking box."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from bookings.forms import StayForm
from bookings.quotes import availability_months, booking_box, breakdown_lines
from bookings.selectors import listing_address_visible_to
from pricing.services.demand import listing_view_record
from reviews.selectors import listing_reviews_summary

from ..access import access_listing
from ..models import POLICY_TEXT, ListingStatus
from ..selectors import (
    amenity_groups,
    listing_approximate_area,
    listing_public_place,
)


@require_safe
def listing_detail(request, pk: int, slug: str = ""):
    """The listing page; dates in the query string get a live quote in the booking box.

    The host (and staff) may also preview a draft or unlisted listing here; for
    everyone else only published listings exist. The exact address and point are
    shown to the host and to guests with a confirmed stay; others see an area of
    about 1 km that does not reveal the point.
    """
    listing = access_listing(request.user, pk)
    if slug != listing.slug:
        url = listing.get_absolute_url()
        if request.GET:
            url += "?" + request.GET.urlencode()
        return redirect(url, permanent=listing.status == ListingStatus.PUBLISHED)

    # The booking box: a GET form; bound only once the visitor has picked dates.
    bookable = listing.base_price is not None
    wants_quote = bookable and ("check_in" in request.GET or "check_out" in request.GET)
    stay = StayForm(request.GET if wants_quote else None, listing=listing, auto_id="stay_%s")
    box, reason_inline = None, False
    if wants_quote and stay.is_valid():
        box = booking_box(listing=listing, user=request.user, **stay.cleaned_data)
        reason_inline = stay.add_reason(box.reason)
    if request.user.pk != listing.host_id:
        listing_view_record(listing_id=listing.pk)  # demand signals and host analytics
    exact = listing_address_visible_to(listing=listing, user=request.user)
    photos = list(listing.photos.all())
    for number, photo in enumerate(photos, start=1):
        photo.alt = photo.caption or gettext("Photo %(number)s of %(title)s") % {
            "number": number,
            "title": listing.title,
        }
    return render(
        request,
        "listings/detail.html",
        {
            "listing": listing,
            "amenity_groups": amenity_groups(listing.amenities),
            "photos": photos,
            "place": listing_public_place(listing),
            "exact_location": exact,
            "area": None if exact else listing_approximate_area(listing),
            "policy_text": POLICY_TEXT.get(listing.cancellation_policy, ""),
            "preview": listing.status != ListingStatus.PUBLISHED,
            "bookable": bookable,
            "stay": stay,
            "box": box,
            "reason_inline": reason_inline,
            "breakdown": breakdown_lines(box.quote.as_dict()) if box else [],
            "months": availability_months(listing=listing, chosen=(box.check_in, box.check_out) if box else None),
            "is_host": request.user.is_authenticated and request.user.pk == listing.host_id,
            "map_tile_url": settings.SEARCH_MAP_TILE_URL,
            "map_tile_attribution": settings.SEARCH_MAP_TILE_ATTRIBUTION,
            "reviews": listing_reviews_summary(listing=listing, page=request.GET.get("reviews_page")),
        },
    )
