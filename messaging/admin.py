"""Read-only views of conversations and notifications for support staff."""

from django.contrib import admin

from .models import Message, Notification, NotificationEmail, NotificationPreference, ReplyWindow, Thread


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    can_delete = False
    fields = ["created_at", "sender", "body"]
    readonly_fields = fields
    ordering = ["-id"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Thread)
class ThreadAdmin(ReadOnlyAdmin):
    list_display = ["id", "listing", "guest", "host", "booking", "last_message_at", "guest_unread", "host_unread"]
    search_fields = ["guest__email", "host__email", "listing__title"]
    raw_id_fields = ["guest", "host", "listing", "booking", "last_message"]
    inlines = [MessageInline]


@admin.register(ReplyWindow)
class ReplyWindowAdmin(ReadOnlyAdmin):
    list_display = ["id", "thread", "host", "kind", "opened_at", "replied_at"]
    list_filter = ["kind"]
    raw_id_fields = ["thread", "host", "booking"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["id", "user", "category", "title", "count", "updated_at", "read_at"]
    list_filter = ["category"]
    search_fields = ["user__email", "title"]
    raw_id_fields = ["user"]


@admin.register(NotificationEmail)
class NotificationEmailAdmin(ReadOnlyAdmin):
    list_display = ["id", "user", "category", "subject", "items", "status", "send_after", "sent_at"]
    list_filter = ["status", "category"]
    search_fields = ["user__email", "subject"]
    raw_id_fields = ["user"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyAdmin):
    list_display = ["user", "category", "email"]
    list_filter = ["category", "email"]
    raw_id_fields = ["user"]
