"""The host's listing pages, mounted at /hosting/listings/."""

from django.urls import path

from .views import hosting

app_name = "hosting"

urlpatterns = [
    path("", hosting.my_listings, name="listings"),
    path("new/", hosting.listing_new, name="new"),
    path("<int:pk>/edit/<slug:step>/", hosting.listing_edit, name="edit"),
    path("<int:pk>/photos/", hosting.listing_photos, name="photos"),
    path("<int:pk>/photos/<int:photo_id>/<slug:action>/", hosting.photo_action, name="photo_action"),
    path("<int:pk>/review/", hosting.listing_review, name="review"),
    path("<int:pk>/publish/", hosting.listing_publish, name="publish"),
    path("<int:pk>/unlist/", hosting.listing_unlist, name="unlist"),
    path("<int:pk>/delete/", hosting.listing_delete, name="delete"),
]
