from django.urls import path

from . import views

app_name = "listings"

urlpatterns = [
    path("<int:pk>/", views.listing_detail, name="detail_short"),
    path("<int:pk>/<slug:slug>/", views.listing_detail, name="detail"),
]
