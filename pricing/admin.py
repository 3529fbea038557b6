from django import forms
from django.contrib import admin
from django.contrib.gis.geos import Point

from .models import ListingCompetitiveness, ListingPricing, LocalEvent, PriceSuggestion, SeasonPeriod


@admin.register(ListingPricing)
class ListingPricingAdmin(admin.ModelAdmin):
    list_display = ["listing", "smart_pricing", "min_price", "max_price", "guests_included", "extra_guest_fee"]
    list_filter = ["smart_pricing"]
    raw_id_fields = ["listing"]
    search_fields = ["listing__id", "listing__title"]


@admin.register(SeasonPeriod)
class SeasonPeriodAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "country_code", "region", "start_month", "start_day", "end_month", "end_day"]
    list_filter = ["level", "country_code"]
    search_fields = ["name", "region", "country_code"]


class LocalEventForm(forms.ModelForm):
    """Coordinates as two numbers: the admin's map widget loads scripts from a CDN, which the CSP forbids."""

    latitude = forms.FloatField(min_value=-90, max_value=90)
    longitude = forms.FloatField(min_value=-180, max_value=180)

    class Meta:
        model = LocalEvent
        fields = ["name", "latitude", "longitude", "radius_km", "starts_on", "ends_on", "uplift_pct"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.location:
            self.initial["latitude"] = self.instance.location.y
            self.initial["longitude"] = self.instance.location.x

    def save(self, commit=True):
        self.instance.location = Point(self.cleaned_data["longitude"], self.cleaned_data["latitude"], srid=4326)
        return super().save(commit=commit)


@admin.register(LocalEvent)
class LocalEventAdmin(admin.ModelAdmin):
    form = LocalEventForm
    list_display = ["name", "starts_on", "ends_on", "uplift_pct", "radius_km"]
    date_hierarchy = "starts_on"
    search_fields = ["name"]


@admin.register(PriceSuggestion)
class PriceSuggestionAdmin(admin.ModelAdmin):
    list_display = ["listing", "date", "price", "base_price", "applied_price", "accepted_at", "computed_at"]
    raw_id_fields = ["listing"]
    date_hierarchy = "date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ListingCompetitiveness)
class ListingCompetitivenessAdmin(admin.ModelAdmin):
    list_display = ["listing", "percentile", "comparables", "median_price", "computed_at"]
    raw_id_fields = ["listing"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
