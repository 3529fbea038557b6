from django.urls import path

from . import views

urlpatterns = [
    path("threads/", views.ThreadListCreateView.as_view(), name="thread-list"),
    path("threads/<int:pk>/", views.ThreadDetailView.as_view(), name="thread-detail"),
    path("threads/<int:pk>/messages/", views.ThreadMessagesView.as_view(), name="thread-messages"),
    path("threads/<int:pk>/read/", views.ThreadReadView.as_view(), name="thread-read"),
    path("notifications/", views.NotificationListView.as_view(), name="notification-list"),
    path("notifications/read/", views.NotificationReadView.as_view(), name="notification-read"),
    path("notifications/preferences/", views.NotificationPreferencesView.as_view(), name="notification-preferences"),
]
