from django.contrib import admin

from payments.admin import PaymentInline

from .models import Booking, BookingEvent, HostCancellation


class BookingEventInline(admin.TabularInline):
    model = BookingEvent
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "reason", "created_at", "processed_at"]


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Read-mostly: state changes go through the booking services, never by editing rows."""

    list_display = ["id", "reference", "listing", "guest", "check_in", "check_out", "status", "total", "currency"]
    list_filter = ["status", "instant_book"]
    search_fields = ["code", "guest__email", "listing__title"]
    raw_id_fields = ["listing", "guest"]
    readonly_fields = [f.name for f in Booking._meta.fields]
    inlines = [PaymentInline, BookingEventInline]
    date_hierarchy = "check_in"


@admin.register(BookingEvent)
class BookingEventAdmin(admin.ModelAdmin):
    list_display = ["booking", "from_status", "to_status", "actor", "reason", "created_at", "processed_at"]
    list_filter = ["to_status"]
    raw_id_fields = ["booking", "actor"]


@admin.register(HostCancellation)
class HostCancellationAdmin(admin.ModelAdmin):
    list_display = ["host", "booking", "reason", "created_at"]
    raw_id_fields = ["host", "booking"]
