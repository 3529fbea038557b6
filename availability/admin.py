from django.contrib import admin

from .models import CalendarNight


@admin.register(CalendarNight)
class CalendarNightAdmin(admin.ModelAdmin):
    list_display = ["listing", "date", "status", "booking", "price", "min_nights"]
    list_filter = ["status"]
    raw_id_fields = ["listing", "booking"]
    readonly_fields = ["listing", "date", "status", "booking"]
