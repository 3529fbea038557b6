"""Listing, photo, amenity and wishlist endpoints. Views validate input, call one service, serialize.

Who may do what: anyone reads published listings; the host (or staff) reads
their own in any status and is the only one who may write. Another user gets
403 on a published listing and 404 on anything not public, so drafts are never
revealed. Wishlists are private to their owner (404 for others) except through
an active share link, which is read-only.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from airbnb.api.pagination import PageNumberPagination, cached_count_pagination
from airbnb.api.parsers import StrictJSONParser
from airbnb.api.schema import AnyOf
from airbnb.api.throttling import ScopedUserRateThrottle
from pricing.wishlists import wishlist_entries

from ..access import access_listing, access_wishlist
from ..models import Amenity, Listing, ListingPhoto, ListingStatus, Wishlist
from ..selectors import (
    listing_can_edit,
    listing_get_visible,
    listing_list_for_host,
    listing_public_queryset,
    wishlist_get_shared,
    wishlist_list_for_user,
)
from ..services import listing as listing_services
from ..services import photos as photo_services
from ..services import wishlists as wishlist_services
from .serializers import (
    AmenitySerializer,
    ListingOwnerSerializer,
    ListingPublicSerializer,
    ListingWriteSerializer,
    PhotoReorderSerializer,
    PhotoSerializer,
    PhotoUpdateSerializer,
    PhotoUploadSerializer,
    SharedWishlistSerializer,
    UnlistSerializer,
    WishlistDetailSerializer,
    WishlistItemInputSerializer,
    WishlistItemSavedSerializer,
    WishlistSerializer,
    WishlistWriteSerializer,
)

PUBLISHED_COUNT_CACHE_KEY = "listings:published:count"


class AmenityListView(generics.ListAPIView):
    """The amenity catalogue (codes used by listings and search filters)."""

    queryset = Amenity.objects.all()
    serializer_class = AmenitySerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = None


class PhotoUploadThrottle(ScopedUserRateThrottle):
    """Uploads are heavy (decode, re-encode, store): a separate, lower budget per user."""

    scope = "photo_upload"
    default_rate = "300/hour"


def _owner_data(request, pk: int) -> dict:
    listing = listing_get_visible(pk=pk, user=request.user)
    return ListingOwnerSerializer(listing, context={"request": request}).data


class ListingListCreateView(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    pagination_class = PageNumberPagination  # for the schema: the GET pages its results

    @extend_schema(
        parameters=[
            OpenApiParameter("mine", OpenApiTypes.BOOL, description="1: your own listings in any status (sign in)."),
            OpenApiParameter(
                "status", str, enum=ListingStatus.values, description="With mine=1: only listings in this status."
            ),
        ],
        responses={200: AnyOf(ListingPublicSerializer, ListingOwnerSerializer, many=True)},
        description="Published listings, newest first (search with filters is /api/v1/search/; "
        "the total `count` is refreshed once a minute); "
        "with ?mine=1, the signed-in host's own listings in any status, deleted ones only with status=deleted.",
    )
    def get(self, request):
        paginator = PageNumberPagination()
        if request.query_params.get("mine") in ("1", "true", "yes"):
            if not request.user.is_authenticated:
                raise NotAuthenticated()
            wanted = request.query_params.get("status") or None
            if wanted and wanted not in ListingStatus.values:
                raise serializers.ValidationError(
                    {"status": [gettext("Use one of %(values)s.") % {"values": ", ".join(ListingStatus.values)}]}
                )
            page = paginator.paginate_queryset(listing_list_for_host(host=request.user, status=wanted), request, self)
            data = ListingOwnerSerializer(page, many=True, context={"request": request}).data
        else:
            # All published listings: the total is counted at most once a minute (a million-row count).
            paginator = cached_count_pagination(PUBLISHED_COUNT_CACHE_KEY)
            page = paginator.paginate_queryset(listing_public_queryset().order_by("-pk"), request, self)
            data = ListingPublicSerializer(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)

    @extend_schema(request=ListingWriteSerializer, responses={201: ListingOwnerSerializer})
    def post(self, request):
        """Create a draft listing (title, property type and room type are enough to start)."""
        data = ListingWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        listing = listing_services.listing_create(host=request.user, **data.service_fields())
        return Response(_owner_data(request, listing.pk), status=status.HTTP_201_CREATED)


class ListingDetailView(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(
        responses={200: AnyOf(ListingPublicSerializer, ListingOwnerSerializer)},
        description="A published listing (approximate location) for anyone; the host also sees drafts and "
        "unlisted ones, with the exact address.",
    )
    def get(self, request, pk: int):
        listing = access_listing(request.user, pk)
        serializer = ListingOwnerSerializer if listing_can_edit(listing, request.user) else ListingPublicSerializer
        return Response(serializer(listing, context={"request": request}).data)

    def _update(self, request, pk: int, *, partial: bool):
        listing = access_listing(request.user, pk, for_edit=True)
        data = ListingWriteSerializer(listing, data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        listing_services.listing_update(listing=listing, actor=request.user, **data.service_fields())
        return Response(_owner_data(request, pk))

    @extend_schema(request=ListingWriteSerializer, responses={200: ListingOwnerSerializer})
    def patch(self, request, pk: int):
        return self._update(request, pk, partial=True)

    @extend_schema(request=ListingWriteSerializer, responses={200: ListingOwnerSerializer})
    def put(self, request, pk: int):
        return self._update(request, pk, partial=False)

    @extend_schema(responses={204: None, 409: OpenApiTypes.OBJECT})
    def delete(self, request, pk: int):
        """Soft-delete; 409 listing_has_bookings while confirmed stays are upcoming."""
        listing = access_listing(request.user, pk, for_edit=True)
        listing_services.listing_delete(listing=listing, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ListingPublishView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={200: ListingOwnerSerializer, 409: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        """Publish a draft or relist an unlisted listing; 409 listing_not_ready lists what is ``missing``."""
        listing = access_listing(request.user, pk, for_edit=True)
        listing_services.listing_publish(listing=listing, actor=request.user)
        return Response(_owner_data(request, pk))


class ListingUnlistView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=UnlistSerializer, responses={200: ListingOwnerSerializer, 409: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        """Hide from search and new bookings; existing reservations stay (see cancel_upcoming)."""
        listing = access_listing(request.user, pk, for_edit=True)
        data = UnlistSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        listing_services.listing_unlist(listing=listing, actor=request.user, **data.validated_data)
        return Response(_owner_data(request, pk))


# --- photos ----------------------------------------------------------------------------


def _photos(listing: Listing, request) -> list:
    photos = ListingPhoto.objects.filter(listing=listing).order_by("position", "pk")
    return PhotoSerializer(photos, many=True, context={"request": request}).data


class ListingPhotoListView(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    parser_classes = [MultiPartParser, FormParser]

    def get_throttles(self):
        throttles = super().get_throttles()
        return [*throttles, PhotoUploadThrottle()] if self.request.method == "POST" else throttles

    @extend_schema(responses={200: PhotoSerializer(many=True)})
    def get(self, request, pk: int):
        return Response(_photos(access_listing(request.user, pk), request))

    @extend_schema(request={"multipart/form-data": PhotoUploadSerializer}, responses={201: PhotoSerializer(many=True)})
    def post(self, request, pk: int):
        """Upload photos (repeat the ``photos`` field). All or nothing: one bad file fails the upload (400)."""
        listing = access_listing(request.user, pk, for_edit=True)
        data = PhotoUploadSerializer(data={"photos": request.FILES.getlist("photos")})
        data.is_valid(raise_exception=True)
        added = photo_services.photo_add(listing=listing, actor=request.user, files=data.validated_data["photos"])
        return Response(
            PhotoSerializer(added, many=True, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class ListingPhotoReorderView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [StrictJSONParser, FormParser]

    @extend_schema(request=PhotoReorderSerializer, responses={200: PhotoSerializer(many=True)})
    def post(self, request, pk: int):
        """Reorder: ``order`` lists every photo id once, cover first."""
        listing = access_listing(request.user, pk, for_edit=True)
        data = PhotoReorderSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        photo_services.photo_reorder(listing=listing, actor=request.user, photo_ids=data.validated_data["order"])
        return Response(_photos(listing, request))


class ListingPhotoDetailView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [StrictJSONParser, FormParser]

    def _photo(self, request, pk: int, photo_id: int) -> ListingPhoto:
        listing = access_listing(request.user, pk, for_edit=True)
        try:
            photo = ListingPhoto.objects.get(pk=photo_id, listing=listing)
        except ListingPhoto.DoesNotExist:
            raise Http404 from None
        photo.listing = listing
        return photo

    @extend_schema(request=PhotoUpdateSerializer, responses={200: PhotoSerializer})
    def patch(self, request, pk: int, photo_id: int):
        """Change the caption and/or make the photo the cover."""
        photo = self._photo(request, pk, photo_id)
        data = PhotoUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if "caption" in data.validated_data:
            photo_services.photo_caption(photo=photo, actor=request.user, caption=data.validated_data["caption"])
        if data.validated_data.get("cover"):
            photo_services.photo_set_cover(photo=photo, actor=request.user)
        photo.refresh_from_db()
        return Response(PhotoSerializer(photo, context={"request": request}).data)

    @extend_schema(responses={204: None, 409: OpenApiTypes.OBJECT})
    def delete(self, request, pk: int, photo_id: int):
        """Delete a photo; 409 last_photo for the only photo of a published listing."""
        photo = self._photo(request, pk, photo_id)
        photo_services.photo_delete(photo=photo, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- wishlists -------------------------------------------------------------------------


def _wishlist_body(request, wishlist: Wishlist, *, shared: bool = False) -> dict:
    wishlist.entries = wishlist_entries(wishlist=wishlist)
    serializer = SharedWishlistSerializer if shared else WishlistDetailSerializer
    return serializer(wishlist, context={"request": request}).data


class WishlistListCreateView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: WishlistSerializer(many=True)})
    def get(self, request):
        """Your wishlists, most recently changed first."""
        wishlists = wishlist_list_for_user(user=request.user)
        return Response(WishlistSerializer(wishlists, many=True, context={"request": request}).data)

    @extend_schema(request=WishlistWriteSerializer, responses={201: WishlistSerializer})
    def post(self, request):
        data = WishlistWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        wishlist = wishlist_services.wishlist_create(owner=request.user, **data.validated_data)
        return Response(WishlistSerializer(wishlist, context={"request": request}).data, status=201)


class WishlistDetailView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: WishlistDetailSerializer})
    def get(self, request, pk: int):
        """The list with its saved listings; with dates, each has its total price and availability."""
        return Response(_wishlist_body(request, access_wishlist(request.user, pk)))

    @extend_schema(request=WishlistWriteSerializer, responses={200: WishlistSerializer})
    def patch(self, request, pk: int):
        wishlist = access_wishlist(request.user, pk)
        data = WishlistWriteSerializer(wishlist, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        wishlist_services.wishlist_update(wishlist=wishlist, actor=request.user, **data.validated_data)
        return Response(WishlistSerializer(wishlist, context={"request": request}).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        wishlist_services.wishlist_delete(wishlist=access_wishlist(request.user, pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WishlistItemsView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=WishlistItemInputSerializer, responses={201: WishlistItemSavedSerializer})
    def post(self, request, pk: int):
        """Save a published listing in this list (saving twice is harmless)."""
        wishlist = access_wishlist(request.user, pk)
        data = WishlistItemInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        listing = Listing.objects.filter(pk=data.validated_data["listing"], status=ListingStatus.PUBLISHED).first()
        if listing is None:
            raise serializers.ValidationError({"listing": [gettext("No published listing with this id.")]})
        wishlist_services.wishlist_add(wishlist=wishlist, actor=request.user, listing=listing)
        saved = {"wishlist": wishlist.pk, "listing": listing.pk, "saved": True}
        return Response(WishlistItemSavedSerializer(saved).data, status=201)


class WishlistItemDetailView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int, listing_id: int):
        wishlist = access_wishlist(request.user, pk)
        if not wishlist_services.wishlist_remove(wishlist=wishlist, actor=request.user, listing_id=listing_id):
            raise Http404
        return Response(status=status.HTTP_204_NO_CONTENT)


class WishlistShareView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={200: WishlistSerializer})
    def post(self, request, pk: int):
        """Turn on the private read-only link (``share_url``)."""
        wishlist = wishlist_services.wishlist_share(wishlist=access_wishlist(request.user, pk), actor=request.user)
        return Response(WishlistSerializer(wishlist, context={"request": request}).data)

    @extend_schema(responses={200: WishlistSerializer})
    def delete(self, request, pk: int):
        """Revoke the link; sharing again makes a new one."""
        wishlist = wishlist_services.wishlist_unshare(wishlist=access_wishlist(request.user, pk), actor=request.user)
        return Response(WishlistSerializer(wishlist, context={"request": request}).data)


class SharedWishlistView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses={200: SharedWishlistSerializer})
    def get(self, request, token: str):
        """A shared list, read-only, for anyone with its link."""
        if "\x00" in token:
            # Not a token we hand out, and PostgreSQL text cannot hold NUL (the lookup would be a 500).
            raise Http404
        try:
            wishlist = wishlist_get_shared(token=token)
        except Wishlist.DoesNotExist:
            raise Http404 from None
        return Response(_wishlist_body(request, wishlist, shared=True))
