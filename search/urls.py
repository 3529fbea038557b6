"""Search pages (``/search/``, ``/s/<place>/``) and the search API (included under ``/api/v1/``)."""

from django.urls import path

from . import api, views

app_name = "search"

urlpatterns = [
    path("", views.results, name="results"),
]

place_urlpatterns = [
    path("s/<str:place>/", views.results_in_place, name="search-place"),
]

api_urlpatterns = [
    path("search/", api.SearchView.as_view(), name="search-api"),
    path("search/availability/", api.AvailabilityView.as_view(), name="search-availability-api"),
    path("search/places/", api.PlaceSuggestView.as_view(), name="search-places-api"),
]
