from django.contrib import admin

from .models import CalendarExport, CalendarImport


@admin.register(CalendarImport)
class CalendarImportAdmin(admin.ModelAdmin):
    list_display = ["name", "listing", "status", "last_attempt_at", "last_success_at", "nights_blocked"]
    list_filter = ["status"]
    raw_id_fields = ["listing"]
    search_fields = ["name", "url", "listing__title"]
    readonly_fields = ["status", "last_error", "last_attempt_at", "last_success_at", "nights_blocked", "conflicts"]


@admin.register(CalendarExport)
class CalendarExportAdmin(admin.ModelAdmin):
    list_display = ["listing", "created_at", "rotated_at"]
    raw_id_fields = ["listing"]
    exclude = ["token"]  # the secret stays out of admin pages
