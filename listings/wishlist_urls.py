"""Wishlist pages, mounted at /wishlists/."""

from django.urls import path

from .views import wishlists

app_name = "wishlists"

urlpatterns = [
    path("", wishlists.wishlist_index, name="index"),
    path("<int:pk>/", wishlists.wishlist_detail, name="detail"),
    path("<int:pk>/edit/", wishlists.wishlist_edit, name="edit"),
    path("<int:pk>/delete/", wishlists.wishlist_delete, name="delete"),
    path("<int:pk>/share/", wishlists.wishlist_share, name="share"),
    path("<int:pk>/remove/<int:listing_id>/", wishlists.wishlist_remove, name="remove"),
    path("save/<int:listing_id>/", wishlists.wishlist_save, name="save"),
    path("toggle/<int:listing_id>/", wishlists.wishlist_toggle, name="toggle"),
    path("shared/<str:token>/", wishlists.wishlist_shared, name="shared"),
]
