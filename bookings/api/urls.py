from django.urls import path

from . import views

urlpatterns = [
    path("bookings/", views.BookingListCreateView.as_view(), name="booking-list"),
    path("bookings/<int:pk>/", views.BookingDetailView.as_view(), name="booking-detail"),
    path(
        "bookings/<int:pk>/cancellation/", views.BookingCancellationPreviewView.as_view(), name="booking-cancellation"
    ),
    path("bookings/<int:pk>/cancel/", views.BookingCancelView.as_view(), name="booking-cancel"),
    path("bookings/<int:pk>/accept/", views.BookingAcceptView.as_view(), name="booking-accept"),
    path("bookings/<int:pk>/decline/", views.BookingDeclineView.as_view(), name="booking-decline"),
    path("listings/<int:pk>/quote/", views.ListingQuoteView.as_view(), name="listing-quote"),
]
