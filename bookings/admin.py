from django.contrib import admin

from .models import (
    Booking,
    BookingEvent,
    HostCancellation,
    IdempotencyRecord,
    Payment,
    PayoutAccount,
    PayoutEntry,
    ProcessedWebhookEvent,
)


class BookingEventInline(admin.TabularInline):
    model = BookingEvent
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "reason", "created_at", "processed_at"]


class PaymentInline(admin.StackedInline):
    model = Payment
    extra = 0
    can_delete = False
    readonly_fields = ["gateway", "intent_id", "status", "amount", "amount_refunded", "currency", "failure_code"]


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


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["booking", "gateway", "intent_id", "status", "amount", "amount_refunded", "currency"]
    list_filter = ["status", "gateway"]
    search_fields = ["intent_id"]
    readonly_fields = [f.name for f in Payment._meta.fields]


@admin.register(PayoutEntry)
class PayoutEntryAdmin(admin.ModelAdmin):
    """Read-only: payouts change through bookings.services.payouts (money sent must match the ledger)."""

    list_display = ["booking", "host", "amount", "amount_reversed", "currency", "release_at", "status", "transfer_id"]
    list_filter = ["status"]
    search_fields = ["transfer_id", "booking__id"]
    readonly_fields = [f.name for f in PayoutEntry._meta.fields]
    actions = ["retry_reversals"]

    @admin.action(description="Send refused reversals again (new idempotency key)")
    def retry_reversals(self, request, queryset):
        from .services.payouts import payouts_retry_failed_reversals

        queued = payouts_retry_failed_reversals(payout_ids=queryset.values_list("pk", flat=True))
        skipped = queryset.count() - queued
        self.message_user(
            request,
            f"{queued} reversal(s) queued again."
            + (f" {skipped} selected payout(s) were not refused reversals and were left alone." if skipped else ""),
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PayoutAccount)
class PayoutAccountAdmin(admin.ModelAdmin):
    """Read-only mirror of the host's connected account (the gateway is the source of truth)."""

    list_display = ["host", "gateway", "account_id", "payouts_enabled", "details_submitted", "updated_at"]
    list_filter = ["gateway", "payouts_enabled"]
    search_fields = ["account_id", "host__email"]
    readonly_fields = [f.name for f in PayoutAccount._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(BookingEvent)
class BookingEventAdmin(admin.ModelAdmin):
    list_display = ["booking", "from_status", "to_status", "actor", "reason", "created_at", "processed_at"]
    list_filter = ["to_status"]
    raw_id_fields = ["booking", "actor"]


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    list_display = ["key", "user", "scope", "response_status", "booking", "created_at", "completed_at"]
    raw_id_fields = ["user", "booking"]


@admin.register(HostCancellation)
class HostCancellationAdmin(admin.ModelAdmin):
    list_display = ["host", "booking", "reason", "created_at"]
    raw_id_fields = ["host", "booking"]


@admin.register(ProcessedWebhookEvent)
class ProcessedWebhookEventAdmin(admin.ModelAdmin):
    list_display = ["event_id", "event_type", "received_at"]
