"""Messaging pages, mounted at the site root: /inbox/, /hosting/inbox/ (hosting mode) and /notifications/."""

from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/", views.thread_detail, name="thread"),
    path("inbox/<int:pk>/poll/", views.thread_poll, name="thread_poll"),
    path("inbox/contact/<int:listing_id>/", views.contact_host, name="contact_host"),
    path("inbox/booking/<int:booking_id>/", views.booking_thread, name="booking_thread"),
    # Hosting mode's inbox: inside the host layout, next to the dashboard's other pages.
    path("hosting/inbox/", views.host_inbox, name="host_inbox"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("notifications/settings/", views.notification_settings, name="notification_settings"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
]
