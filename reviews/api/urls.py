from django.urls import path

from . import views

urlpatterns = [
    path("reviews/", views.ReviewListCreateView.as_view(), name="review-list"),
    path("reviews/pending/", views.ReviewsToWriteView.as_view(), name="review-pending"),
    path("reviews/<int:pk>/", views.ReviewDetailView.as_view(), name="review-detail"),
    path("reviews/<int:pk>/response/", views.ReviewRespondView.as_view(), name="review-response"),
    path("reviews/<int:pk>/report/", views.ReviewReportView.as_view(), name="review-report"),
    path("reviews/listings/<int:pk>/rating/", views.ListingRatingView.as_view(), name="review-listing-rating"),
]
