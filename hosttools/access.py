"""May this host use the host tools on this listing, calendar feed or import? One answer for pages and the API.

Not-found (404) for what is not theirs; forbidden (403) only where the API
already said so (a published listing, which anyone may see, that is not theirs).
"""

from __future__ import annotations

from django.utils.translation import gettext

from airbnb.errors import NotFound
from listings.access import access_listing
from listings.errors import ListingGone
from listings.models import Listing, ListingStatus

from .models import CalendarExport, CalendarImport
from .selectors import host_listing_get


def access_host_listing(user, listing_id, *, reveal_public: bool = False) -> Listing:
    """One of ``user``'s own listings (staff act as anyone else here); ``ListingGone`` (404) otherwise.

    ``reveal_public`` (the host API): someone else's published listing is a 403
    ``NotListingOwner`` instead, as the API has always answered.
    """
    if reveal_public:
        return access_listing(user, listing_id, for_edit=True, host_only=True)
    try:
        return host_listing_get(host=user, listing_id=int(listing_id))
    except (Listing.DoesNotExist, TypeError, ValueError):
        raise ListingGone(message=gettext("No such listing.")) from None


def access_calendar_import(user, listing_id, import_id) -> CalendarImport:
    """A calendar imported into one of ``user``'s listings; ``NotFound`` (404) otherwise."""
    listing = access_host_listing(user, listing_id)
    try:
        return CalendarImport.objects.get(pk=int(import_id), listing=listing)
    except (CalendarImport.DoesNotExist, TypeError, ValueError):
        raise NotFound(message=gettext("No such calendar.")) from None


def access_ical_feed(token: str) -> CalendarExport:
    """The export behind a secret token (the token is the access); ``NotFound`` if unknown or its listing deleted."""
    export = CalendarExport.objects.select_related("listing").filter(token=token).first()
    if export is None or export.listing.status == ListingStatus.DELETED:
        raise NotFound(message=gettext("No such calendar."))
    return export
