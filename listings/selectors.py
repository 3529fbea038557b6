"""Listing reads for pages and the API."""

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


def amenity_catalogue() -> dict[str, Amenity]:
    return {a.code: a for a in Amenity.objects.all()}
