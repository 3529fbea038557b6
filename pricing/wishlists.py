"""A wishlist's saved listings, priced for the list's dates: the wishlist page and API read this.

Here rather than in ``listings`` because it needs the calendar and the quote,
which sit above listings (docs/architecture.md, "Apps and layers").
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import BooleanField, Prefetch
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext, ngettext

from availability.selectors import calendar_night_prices_for_listings
from listings.localtime import listing_today
from listings.models import Listing, ListingPhoto, ListingStatus, Wishlist, WishlistItem

from .selectors import Quote, price_quote, pricing_rules_for_listings


@dataclass(frozen=True)
class WishlistEntry:
    """A saved listing as the wishlist page shows it; ``quote`` and ``reason`` only when the list has dates."""

    item: WishlistItem
    listing: Listing
    available: bool
    quote: Quote | None = None
    reason: str = ""

    @property
    def total(self) -> Decimal | None:
        return self.quote.total if self.quote is not None else None


def wishlist_entries(*, wishlist: Wishlist) -> list[WishlistEntry]:
    """The saved listings of ``wishlist``, newest first, with prices for the list's dates if it has them.

    A listing that is no longer published has ``available=False`` and no price.
    With dates, each published listing gets a full quote from
    ``pricing.selectors.price_quote`` (the same numbers as its booking box) and a
    reason when the dates cannot be booked as they are (nights taken, stay too
    short or long, too many guests). A fixed number of queries for any list size:
    availability is one SQL test against each listing's ``unavailable``
    multirange, the host's per-night prices come in one query and the pricing
    rules of all the listings in a few (``pricing_rules_for_listings``).
    """
    items = WishlistItem.objects.filter(wishlist=wishlist).select_related("listing", "listing__host")
    items = items.prefetch_related(
        Prefetch("listing__photos", queryset=ListingPhoto.objects.order_by("position", "id"))
    )
    if wishlist.has_dates:
        taken = RawSQL(
            "listings_listing.unavailable && datemultirange(daterange(%s, %s))",
            (wishlist.check_in, wishlist.check_out),
            output_field=BooleanField(),
        )
        items = items.annotate(dates_taken=taken)
    items = list(items.order_by("-created_at", "-pk"))
    if not wishlist.has_dates:
        return [
            WishlistEntry(item=item, listing=item.listing, available=item.listing.status == ListingStatus.PUBLISHED)
            for item in items
        ]

    published = [item.listing.pk for item in items if item.listing.status == ListingStatus.PUBLISHED]
    night_prices = calendar_night_prices_for_listings(
        listing_ids=published, start=wishlist.check_in, end=wishlist.check_out
    )
    rules = pricing_rules_for_listings(listing_ids=published, start=wishlist.check_in, end=wishlist.check_out)
    guests = wishlist.guests or 1
    nights = wishlist.nights
    entries = []
    for item in items:
        listing = item.listing
        if listing.status != ListingStatus.PUBLISHED:
            entries.append(WishlistEntry(item=item, listing=listing, available=False))
            continue
        quote = price_quote(
            listing=listing,
            check_in=wishlist.check_in,
            check_out=wishlist.check_out,
            guests=guests,
            night_prices=night_prices.get(listing.pk, {}),
            rules=rules[listing.pk],
        )
        reason = ""
        if wishlist.check_in < listing_today(listing):
            reason = gettext("These dates are in the past.")
        elif item.dates_taken:
            reason = gettext("Not available for these dates.")
        elif nights < listing.min_nights:
            reason = ngettext(
                "Minimum stay is %(count)s night.", "Minimum stay is %(count)s nights.", listing.min_nights
            ) % {"count": listing.min_nights}
        elif nights > listing.max_nights:
            reason = ngettext(
                "Maximum stay is %(count)s night.", "Maximum stay is %(count)s nights.", listing.max_nights
            ) % {"count": listing.max_nights}
        elif guests > listing.max_guests:
            reason = ngettext(
                "Sleeps at most %(count)s guest.", "Sleeps at most %(count)s guests.", listing.max_guests
            ) % {"count": listing.max_guests}
        entries.append(WishlistEntry(item=item, listing=listing, available=not reason, quote=quote, reason=reason))
    return entries
