"""Review pages, mounted at /reviews/."""

from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("", views.to_write, name="to_write"),
    path("write/<int:booking_id>/", views.write, name="write"),
    path("<int:pk>/respond/", views.respond, name="respond"),
    path("<int:pk>/report/", views.report, name="report"),
    path("users/<int:pk>/", views.profile, name="profile"),
]
