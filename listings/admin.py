from django import forms
from django.contrib import admin
from django.contrib.gis.db import models as gis_models

from .models import Amenity, Listing, ListingPhoto, Wishlist, WishlistAlert, WishlistItem


@admin.register(Amenity)
class AmenityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "category", "icon", "sort_order"]
    list_filter = ["category"]
    search_fields = ["name", "code"]


class ListingPhotoInline(admin.TabularInline):
    """Captions and order only: uploads go through ``photo_add``, which checks and cleans every file."""

    model = ListingPhoto
    extra = 0
    fields = ["image", "caption", "position", "width", "height", "image_card"]
    readonly_fields = ["image", "width", "height", "image_card"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "host", "city", "country_code", "status", "base_price", "currency", "rating_avg"]
    list_filter = ["status", "property_type", "room_type", "instant_book", "cancellation_policy"]
    search_fields = ["title", "city"]
    raw_id_fields = ["host"]
    readonly_fields = ["published_at", "deleted_at", "rating_avg", "rating_count"]
    inlines = [ListingPhotoInline]
    show_full_result_count = False  # no COUNT(*) over a million rows on every page
    # GeoDjango's map widgets load OpenLayers from a CDN; we serve no third-party
    # assets, so operators edit the point as WKT ("SRID=4326;POINT(2.35 48.85)").
    formfield_overrides = {gis_models.PointField: {"widget": forms.TextInput(attrs={"size": 60})}}


class WishlistItemInline(admin.TabularInline):
    model = WishlistItem
    extra = 0
    raw_id_fields = ["listing"]


@admin.register(Wishlist)
class WishlistAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "owner", "check_in", "check_out", "updated_at"]
    search_fields = ["name", "owner__email"]
    raw_id_fields = ["owner"]
    readonly_fields = ["share_token"]
    inlines = [WishlistItemInline]
    show_full_result_count = False


@admin.register(WishlistAlert)
class WishlistAlertAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "listing", "changed_at", "delivered_at"]
    list_filter = ["delivered_at"]
    raw_id_fields = ["user", "listing"]
    show_full_result_count = False
