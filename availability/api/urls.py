from django.urls import path

from . import views

urlpatterns = [
    path("listings/<int:pk>/calendar/", views.ListingCalendarView.as_view(), name="listing-calendar"),
    path("listings/<int:pk>/calendar/block/", views.CalendarBlockView.as_view(), name="listing-calendar-block"),
    path("listings/<int:pk>/calendar/unblock/", views.CalendarUnblockView.as_view(), name="listing-calendar-unblock"),
    path("listings/<int:pk>/calendar/nights/", views.CalendarNightsView.as_view(), name="listing-calendar-nights"),
]
