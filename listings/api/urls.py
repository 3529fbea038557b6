from django.urls import path

from . import views

urlpatterns = [
    path("amenities/", views.AmenityListView.as_view(), name="amenity-list"),
    path("listings/", views.ListingListView.as_view(), name="listing-list"),
    path("listings/<int:pk>/", views.ListingDetailView.as_view(), name="listing-detail"),
]
