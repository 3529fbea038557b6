from django.urls import path

from . import views

urlpatterns = [
    path("amenities/", views.AmenityListView.as_view(), name="amenity-list"),
    path("listings/", views.ListingListCreateView.as_view(), name="listing-list"),
    path("listings/<int:pk>/", views.ListingDetailView.as_view(), name="listing-detail"),
    path("listings/<int:pk>/publish/", views.ListingPublishView.as_view(), name="listing-publish"),
    path("listings/<int:pk>/unlist/", views.ListingUnlistView.as_view(), name="listing-unlist"),
    path("listings/<int:pk>/photos/", views.ListingPhotoListView.as_view(), name="listing-photos"),
    path("listings/<int:pk>/photos/reorder/", views.ListingPhotoReorderView.as_view(), name="listing-photos-reorder"),
    path(
        "listings/<int:pk>/photos/<int:photo_id>/", views.ListingPhotoDetailView.as_view(), name="listing-photo-detail"
    ),
    path("wishlists/", views.WishlistListCreateView.as_view(), name="wishlist-list"),
    path("wishlists/shared/<str:token>/", views.SharedWishlistView.as_view(), name="wishlist-shared"),
    path("wishlists/<int:pk>/", views.WishlistDetailView.as_view(), name="wishlist-detail"),
    path("wishlists/<int:pk>/items/", views.WishlistItemsView.as_view(), name="wishlist-items"),
    path(
        "wishlists/<int:pk>/items/<int:listing_id>/",
        views.WishlistItemDetailView.as_view(),
        name="wishlist-item-detail",
    ),
    path("wishlists/<int:pk>/share/", views.WishlistShareView.as_view(), name="wishlist-share"),
]
