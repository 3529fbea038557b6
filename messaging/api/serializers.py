"""Input and output shapes of the messaging API. Message bodies are plain text, masked per viewer."""

from __future__ import annotations

from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Message, Notification, NotificationCategory, Thread
from ..selectors import message_body_for


class ParticipantSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class ThreadListingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class MessageSerializer(serializers.ModelSerializer):
    """Needs ``viewer`` and ``revealed`` (contact details shown) in its context."""

    sender = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()
    is_system = serializers.BooleanField()

    class Meta:
        model = Message
        fields = ["id", "sender", "is_system", "body", "created_at"]

    @extend_schema_field(ParticipantSerializer(allow_null=True, help_text="Null for system messages."))
    def get_sender(self, message: Message) -> dict | None:
        if message.sender_id is None:
            return None
        return {"id": message.sender_id, "name": message.sender.display_name}

    def get_body(self, message: Message) -> str:
        body, _ = message_body_for(message=message, viewer=self.context["viewer"], revealed=self.context["revealed"])
        return body


class ThreadSerializer(serializers.ModelSerializer):
    """A thread as the requesting user sees it (their role, unread count, last message)."""

    listing = serializers.SerializerMethodField()
    guest = ParticipantSerializer()
    host = ParticipantSerializer()
    role = serializers.SerializerMethodField()
    unread = serializers.SerializerMethodField()
    last_message = serializers.SerializerMethodField()
    contact_details_visible = serializers.BooleanField(source="revealed")

    class Meta:
        model = Thread
        fields = [
            "id",
            "listing",
            "guest",
            "host",
            "booking",
            "role",
            "unread",
            "contact_details_visible",
            "last_message",
            "last_message_at",
            "created_at",
        ]

    def _viewer(self):
        return self.context["request"].user

    @extend_schema_field(ThreadListingSerializer)
    def get_listing(self, thread: Thread) -> dict:
        return {"id": thread.listing_id, "title": thread.listing.title}

    @extend_schema_field(serializers.ChoiceField(choices=["guest", "host"], allow_null=True))
    def get_role(self, thread: Thread) -> str | None:
        return thread.role_of(self._viewer())

    def get_unread(self, thread: Thread) -> int:
        role = thread.role_of(self._viewer())
        return getattr(thread, f"{role}_unread") if role else 0

    @extend_schema_field(MessageSerializer(allow_null=True))
    def get_last_message(self, thread: Thread) -> dict | None:
        if thread.last_message_id is None:
            return None
        return MessageSerializer(
            thread.last_message, context={"viewer": self._viewer(), "revealed": thread.revealed}
        ).data


class ThreadCreateInputSerializer(serializers.Serializer):
    listing = serializers.IntegerField(min_value=1)
    body = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text="Up to 2000 characters.")


class MessageInputSerializer(serializers.Serializer):
    body = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text="Up to 2000 characters.")


class ReadInputSerializer(serializers.Serializer):
    upto = serializers.IntegerField(
        required=False, min_value=0, help_text="The last message id read (default: the latest)."
    )


class ReadOutputSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "category", "title", "body", "url", "count", "created_at", "updated_at", "read_at"]


class NotificationReadInputSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=500, help_text="Default: all."
    )


class PreferencesSerializer(serializers.Serializer):
    """Email on/off per category."""

    message = serializers.BooleanField(required=False)
    booking = serializers.BooleanField(required=False)
    review = serializers.BooleanField(required=False)

    def validate(self, attrs):
        unknown = set(self.initial_data) - set(NotificationCategory.values)
        if unknown:
            raise serializers.ValidationError({name: [gettext("Unknown category.")] for name in sorted(unknown)})
        return attrs


class NotificationsMarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="Notifications newly marked read.")
