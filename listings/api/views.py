from rest_framework import generics, permissions

from ..models import Amenity
from ..selectors import listing_public_queryset
from .serializers import AmenitySerializer, ListingPublicSerializer


class AmenityListView(generics.ListAPIView):
    """The amenity catalogue (codes used by listings and search filters)."""

    queryset = Amenity.objects.all()
    serializer_class = AmenitySerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = None


class ListingListView(generics.ListAPIView):
    """Published listings, newest first. Search with filters is ``/api/v1/search/``."""

    serializer_class = ListingPublicSerializer
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        return listing_public_queryset().order_by("-pk")


class ListingDetailView(generics.RetrieveAPIView):
    serializer_class = ListingPublicSerializer
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        return listing_public_queryset()
