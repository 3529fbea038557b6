"""Listing and wishlist reads for pages, the API and tasks."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from airbnb.countries import country_name, country_names, name_sort_key

from .localtime import DEFAULT_ZONE, local_today
from .models import Amenity, Listing, ListingPhoto, ListingStatus, Wishlist, WishlistAlert, WishlistItem


def _photos_in_order() -> Prefetch:
    return Prefetch("photos", queryset=ListingPhoto.objects.order_by("position", "id"))


def listing_public_queryset() -> QuerySet[Listing]:
    """Published listings with their host and photos loaded (no N+1 on card grids)."""
    return (
        Listing.objects.filter(status=ListingStatus.PUBLISHED)
        .select_related("host")
        .prefetch_related(_photos_in_order())
    )


FEATURED_CACHE_SECONDS = 300


def listing_featured(*, limit: int = 12) -> list[Listing]:
    """Highly rated published listings for the home page.

    Reads the newest rows by primary key first so the query stays an index scan
    at a million listings, then orders that window by rating. The choice (ids) is
    cached for five minutes (the window scan took ~50 ms at a million listings,
    on the busiest page); the listings themselves are read fresh, so one
    unpublished meanwhile drops out at once.
    """

    def choose() -> list[int]:
        window = list(
            Listing.objects.filter(status=ListingStatus.PUBLISHED, rating_count__gte=3)
            .order_by("-pk")
            .values_list("pk", flat=True)[: limit * 20]
        )
        return list(
            Listing.objects.filter(pk__in=window, status=ListingStatus.PUBLISHED)
            .order_by("-rating_avg", "-rating_count", "pk")
            .values_list("pk", flat=True)[:limit]
        )

    ids = cache.get_or_set(f"listings:featured:{limit}", choose, FEATURED_CACHE_SECONDS)
    listings = {listing.pk: listing for listing in listing_public_queryset().filter(pk__in=ids)}
    return [listings[pk] for pk in ids if pk in listings]


def listing_get_public(*, pk: int) -> Listing:
    """A published listing, or ``Listing.DoesNotExist``."""
    return listing_public_queryset().get(pk=pk)


def listing_public_for_host(*, host_id: int, limit: int = 24) -> list[Listing]:
    """A host's published listings for their public profile, newest first (drafts never appear)."""
    return list(listing_public_queryset().filter(host_id=host_id).order_by("-published_at", "-pk")[:limit])


def listing_get_visible(*, pk: int, user) -> Listing:
    """A listing ``user`` may look at: any published one, or one they may edit (host or staff).

    Soft-deleted listings are visible to nobody. Raises ``Listing.DoesNotExist``
    otherwise, so a stranger cannot tell a draft from a listing that never
    existed. Host and photos are loaded.
    """
    listing = (
        Listing.objects.exclude(status=ListingStatus.DELETED)
        .select_related("host")
        .prefetch_related(_photos_in_order())
        .get(pk=pk)
    )
    if listing.status != ListingStatus.PUBLISHED and not listing_can_edit(listing, user):
        raise Listing.DoesNotExist
    return listing


def listing_can_edit(listing: Listing, user) -> bool:
    """The host, or staff, may change a listing and its photos."""
    return bool(user is not None and user.is_authenticated and (listing.host_id == user.pk or user.is_staff))


def listing_list_for_host(*, host, status: str | None = None) -> QuerySet[Listing]:
    """A host's listings, newest first, with photos loaded; deleted ones only when asked for by ``status``."""
    listings = Listing.objects.filter(host=host).select_related("host").prefetch_related(_photos_in_order())
    if status:
        listings = listings.filter(status=status)
    else:
        listings = listings.exclude(status=ListingStatus.DELETED)
    return listings.order_by("-updated_at", "-pk")


def host_time_zone(*, host) -> str:
    """The zone a host's dashboards count days in: the one most of their listings are in (UTC with none).

    A listing's own pages (its calendar, its reservations' dates) use the listing's zone;
    this is for views over all of a host's listings (Today, analytics, the multi-calendar).
    """
    row = (
        Listing.objects.filter(host=host)
        .exclude(status=ListingStatus.DELETED)
        .values("time_zone")
        .annotate(n=Count("id"))
        .order_by("-n", "time_zone")
        .first()
    )
    return row["time_zone"] if row else DEFAULT_ZONE


def host_today(*, host) -> dt.date:
    """Today in ``host_time_zone``."""
    return local_today(host_time_zone(host=host))


def listing_status_counts(*, host) -> dict[str, int]:
    """How many listings a host has in each status (deleted ones not counted)."""
    rows = (
        Listing.objects.filter(host=host)
        .exclude(status=ListingStatus.DELETED)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return dict(rows)


@dataclass(frozen=True)
class Missing:
    """Something a listing lacks before it can be published, and the step where the host adds it."""

    field: str
    step: str
    message: str


def listing_readiness(listing: Listing, *, photo_count: int | None = None) -> list[Missing]:
    """What stops ``listing`` from being published: title, map location, price, at least one photo.

    ``photo_count`` avoids a query when the caller already knows it (photos prefetched).
    """
    if photo_count is None:
        photo_count = listing.photos.count()
    missing = []
    if not (listing.title or "").strip():
        missing.append(Missing("title", "basics", _("Add a title.")))
    if listing.location is None:
        missing.append(Missing("location", "location", _("Set the location on the map (latitude and longitude).")))
    if listing.base_price is None:
        missing.append(Missing("base_price", "pricing", _("Set a nightly price.")))
    if photo_count < 1:
        missing.append(Missing("photos", "photos", _("Add at least one photo.")))
    return missing


APPROXIMATE_RADIUS_M = 1000


@dataclass(frozen=True)
class Area:
    """A circle around the listing's public point; the home lies inside (250-700 m from the centre)."""

    lat: float
    lng: float
    radius_m: int


def listing_public_point(listing: Listing) -> tuple[float, float] | None:
    """(lat, lng) of the listing as everyone but its host and confirmed guests sees it, or ``None``.

    The one public point (``Listing.public_location``, set by the database 250-700 m from the
    home in a direction fixed per listing and secret; see ``listings.0006``): search cards and
    pins, this page's circle and the API all show it, so combining them reveals nothing more.
    """
    point = listing.public_location
    if point is None:
        return None
    return round(point.y, 5), round(point.x, 5)


def listing_approximate_area(listing: Listing) -> Area | None:
    """The ~1 km circle shown to guests who have not booked: centred on the public point, never on the home."""
    point = listing_public_point(listing)
    if point is None:
        return None
    return Area(point[0], point[1], APPROXIMATE_RADIUS_M)


def country_choices() -> list[tuple[str, str]]:
    """(ISO code, name) of every country in the active language, by name (case and accents aside)."""
    return sorted(country_names(translation.get_language() or "en").items(), key=lambda item: name_sort_key(item[1]))


def listing_public_place(listing: Listing) -> str:
    """Where a listing is, as anyone may see it: "Le Marais, Paris, Île-de-France, France".

    Built from the area fields only; the street address and exact point stay
    private until a guest has booked.
    """
    country = country_name(listing.country_code)
    parts = [listing.neighbourhood, listing.city, listing.region, country]
    return ", ".join(part for part in parts if part)


AMENITY_CATEGORIES_SECONDS = 60.0
_amenity_categories: tuple[float, dict[str, str]] | None = None


def amenity_categories() -> dict[str, str]:
    """Catalogue code -> category, read at most once a minute per process.

    Every search with amenity filters validates its codes against it (a query was about
    0.5 ms of a search). The catalogue is admin-managed: saving or deleting an amenity forgets
    this process's copy at once (``amenity_categories_forget``, connected in ``apps.py``), the
    other processes' within the minute.
    """
    global _amenity_categories
    now = time.monotonic()
    if _amenity_categories is None or now - _amenity_categories[0] > AMENITY_CATEGORIES_SECONDS:
        _amenity_categories = (now, dict(Amenity.objects.values_list("code", "category")))
    return _amenity_categories[1]


def amenity_categories_forget(**kwargs) -> None:
    global _amenity_categories
    _amenity_categories = None


def amenity_catalogue() -> dict[str, Amenity]:
    return {a.code: a for a in Amenity.objects.all()}


def amenity_groups(codes: list[str] | None = None) -> dict[str, list[Amenity]]:
    """Amenities by category label, categories in declared order (essentials first, accessibility last).

    With ``codes``, only those amenities (unknown codes ignored); otherwise the whole catalogue.
    """
    category_rank = {value: rank for rank, value in enumerate(Amenity.Category.values)}
    amenities = Amenity.objects.all()
    if codes is not None:
        amenities = amenities.filter(code__in=set(codes))
    ordered = sorted(
        amenities,
        key=lambda amenity: (category_rank.get(amenity.category, len(category_rank)), amenity.sort_order, amenity.name),
    )
    grouped: dict[str, list[Amenity]] = {}
    for amenity in ordered:
        grouped.setdefault(amenity.get_category_display(), []).append(amenity)
    return grouped


# --- Wishlists -------------------------------------------------------------------------


def wishlist_list_for_user(*, user) -> list[Wishlist]:
    """The user's wishlists, most recently changed first, each with ``item_count`` and ``cover`` (a photo or None).

    Three queries whatever the number of lists: the lists with their counts, the
    newest item of each, and those listings' photos.
    """
    wishlists = list(
        Wishlist.objects.filter(owner=user).annotate(item_count=Count("items")).order_by("-updated_at", "-pk")
    )
    newest = (
        WishlistItem.objects.filter(wishlist__in=[w.pk for w in wishlists])
        .order_by("wishlist_id", "-created_at", "-pk")
        .distinct("wishlist_id")
        .select_related("listing")
        .prefetch_related(Prefetch("listing__photos", queryset=ListingPhoto.objects.order_by("position", "id")))
    )
    covers = {}
    for item in newest:
        photos = list(item.listing.photos.all())
        covers[item.wishlist_id] = photos[0] if photos else None
    for wishlist in wishlists:
        wishlist.cover = covers.get(wishlist.pk)
    return wishlists


def wishlist_get_for_owner(*, pk: int, user) -> Wishlist:
    """One of the user's wishlists, or ``Wishlist.DoesNotExist`` (also for other people's)."""
    if not user.is_authenticated:
        raise Wishlist.DoesNotExist
    return Wishlist.objects.select_related("owner").get(pk=pk, owner=user)


def wishlist_get_shared(*, token: str) -> Wishlist:
    """A wishlist by its share token, or ``Wishlist.DoesNotExist`` (unknown or revoked token)."""
    if not token:
        raise Wishlist.DoesNotExist
    return Wishlist.objects.select_related("owner").get(share_token=token)


def wishlist_saved_listing_ids(*, user) -> set[int]:
    """Ids of every listing the user saved in any list: what the hearts on a page show as filled."""
    if user is None or not user.is_authenticated:
        return set()
    return set(WishlistItem.objects.filter(wishlist__owner=user).values_list("listing_id", flat=True).distinct())


def wishlist_watchers(*, listing_id: int, start: dt.date | None = None, end: dt.date | None = None) -> list[int]:
    """Ids of the users who saved ``listing_id`` and care about a change to nights in ``[start, end)``.

    Without a range every saver counts. With one, a saver counts if any of
    their lists holding the listing has no dates, or dates overlapping the range.
    The listing's own host is never a watcher.
    """
    items = WishlistItem.objects.filter(listing_id=listing_id)
    if start is not None and end is not None:
        items = items.filter(
            Q(wishlist__check_in__isnull=True) | Q(wishlist__check_in__lt=end, wishlist__check_out__gt=start)
        )
    host_id = Listing.objects.filter(pk=listing_id).values_list("host_id", flat=True).first()
    owners = items.exclude(wishlist__owner_id=host_id).values_list("wishlist__owner_id", flat=True).distinct()
    return sorted(owners)


def wishlist_alerts_pending(*, limit: int = 500) -> list[WishlistAlert]:
    """Availability alerts not delivered yet, oldest first, with user and listing loaded (for the notifier)."""
    return list(
        WishlistAlert.objects.filter(delivered_at__isnull=True)
        .select_related("user", "listing")
        .order_by("created_at", "pk")[:limit]
    )
