"""The host dashboard, mounted at /hosting/ (reservations live at /hosting/reservations/, bookings app;
the listing editor at /hosting/listings/, listings app)."""

from django.urls import path

from . import views

app_name = "hosttools"

urlpatterns = [
    path("", views.today, name="today"),
    path("calendar/", views.calendar_all, name="calendar_all"),
    path("calendar/<int:listing_id>/", views.calendar_listing, name="calendar_listing"),
    path("manage/", views.listings, name="listings"),
    path("manage/<int:listing_id>/pricing/", views.pricing_settings, name="pricing_settings"),
    path("manage/<int:listing_id>/pricing/smart/", views.smart_pricing_toggle, name="smart_pricing_toggle"),
    path("manage/<int:listing_id>/sync/", views.calendar_sync, name="calendar_sync"),
    path("manage/<int:listing_id>/sync/rotate/", views.calendar_export_rotate, name="calendar_export_rotate"),
    path(
        "manage/<int:listing_id>/sync/<int:feed_id>/remove/",
        views.calendar_import_remove,
        name="calendar_import_remove",
    ),
    path("manage/<int:listing_id>/sync/<int:feed_id>/sync/", views.calendar_import_sync, name="calendar_import_sync"),
    path("earnings/", views.earnings, name="earnings"),
    path("earnings/payouts/setup/", views.payouts_setup, name="payouts_setup"),
    path("earnings/payouts/refresh/", views.payouts_refresh, name="payouts_refresh"),
    path("earnings/payouts/return/", views.payouts_return, name="payouts_return"),
    path("analytics/", views.analytics, name="analytics"),
    path("analytics.csv", views.analytics_csv, name="analytics_csv"),
    path("ical/<str:token>.ics", views.ical_feed, name="ical_feed"),
]
