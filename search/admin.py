"""Read-only admin views of the booking-likelihood fits and the calendar seed runs."""

from django.contrib import admin

from .models import BookingModel, CalendarSeedRun


@admin.register(BookingModel)
class BookingModelAdmin(admin.ModelAdmin):
    list_display = ["id", "fitted_at", "active", "samples", "positives", "log_loss", "baseline_log_loss", "note"]
    readonly_fields = [f.name for f in BookingModel._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(CalendarSeedRun)
class CalendarSeedRunAdmin(admin.ModelAdmin):
    list_display = ["id", "seed", "start_date", "days", "listings", "bookings", "nights", "created_at"]
    readonly_fields = [f.name for f in CalendarSeedRun._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
