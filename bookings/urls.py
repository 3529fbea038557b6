"""Booking pages, mounted at the site root: checkout under /rooms/, /trips/ and /hosting/."""

from django.urls import path

from . import views

app_name = "bookings"

urlpatterns = [
    path("rooms/<int:pk>/book/", views.checkout, name="checkout"),
    path("trips/", views.trips, name="trips"),
    path("trips/<int:pk>/", views.trip_detail, name="trip_detail"),
    path("trips/<int:pk>/cancel/", views.trip_cancel, name="trip_cancel"),
    path("hosting/reservations/", views.host_reservations, name="host_reservations"),
    path("hosting/reservations/<int:pk>/", views.host_reservation_detail, name="host_reservation_detail"),
    path("hosting/reservations/<int:pk>/accept/", views.host_accept, name="host_accept"),
    path("hosting/reservations/<int:pk>/decline/", views.host_decline, name="host_decline"),
    path("hosting/reservations/<int:pk>/cancel/", views.host_cancel, name="host_cancel"),
]
