"""Host API, mounted at /api/v1/host/."""

from django.urls import path

from . import views

urlpatterns = [
    path("listings/<int:pk>/calendar/", views.HostCalendarView.as_view(), name="host-calendar"),
    path("listings/<int:pk>/price-suggestions/", views.PriceSuggestionListView.as_view(), name="host-suggestions"),
    path(
        "listings/<int:pk>/price-suggestions/accept/",
        views.PriceSuggestionAcceptView.as_view(),
        name="host-suggestions-accept",
    ),
    path("listings/<int:pk>/pricing/", views.PricingSettingsView.as_view(), name="host-pricing"),
    path("analytics/", views.AnalyticsSummaryView.as_view(), name="host-analytics"),
]
