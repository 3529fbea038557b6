from django.contrib import admin

from .models import IdempotencyRecord


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    list_display = ["key", "user", "scope", "error_code", "booking", "created_at", "completed_at"]
    raw_id_fields = ["user", "booking"]
