from django import forms
from django.contrib import admin
from django.contrib.gis.db import models as gis_models

from .models import Amenity, Listing, ListingPhoto


@admin.register(Amenity)
class AmenityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "category", "icon", "sort_order"]
    list_filter = ["category"]
    search_fields = ["name", "code"]


class ListingPhotoInline(admin.TabularInline):
    model = ListingPhoto
    extra = 0
    fields = ["image", "caption", "position", "width", "height"]
    readonly_fields = ["width", "height"]


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "host", "city", "country_code", "status", "base_price", "currency", "rating_avg"]
    list_filter = ["status", "property_type", "room_type", "instant_book", "cancellation_policy"]
    search_fields = ["title", "city"]
    raw_id_fields = ["host"]
    inlines = [ListingPhotoInline]
    show_full_result_count = False  # no COUNT(*) over a million rows on every page
    # GeoDjango's map widgets load OpenLayers from a CDN; we serve no third-party
    # assets, so operators edit the point as WKT ("SRID=4326;POINT(2.35 48.85)").
    formfield_overrides = {gis_models.PointField: {"widget": forms.TextInput(attrs={"size": 60})}}
