"""Conversations between guests and hosts, and the notifications users receive.

* ``Thread``: one conversation per guest and listing (the inquiry before a booking
  and every booking of that guest there). Unread counters and read positions
  for both participants live on the thread row, so the inbox and the header
  badge read a few rows instead of counting messages.
* ``Message``: plain text from a participant, or a system line (``sender`` is
  NULL) about a booking's state. Stored as written; contact details are masked
  when shown to the other participant until a booking between them is confirmed.
  System lines also store their kind and parameters and are shown in each
  reader's language (``messaging.system_lines``).
* ``ReplyWindow``: opened by an inquiry or a booking request, closed by the
  host's first reply; the host response rate and time are computed from them.
* ``Notification`` (in-app), ``NotificationPreference`` (email opt-outs per
  category) and ``NotificationEmail`` (the email outbox, throttled per thread).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length, Trim
from django.db.models.lookups import GreaterThan, LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from bookings.models import Booking
from listings.models import Listing

MESSAGE_MAX_LENGTH = 2000


class Thread(models.Model):
    guest = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guest_threads")
    host = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="host_threads")
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="threads")
    # The latest booking of this guest at this listing, if any.
    booking = models.ForeignKey(Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_message = models.ForeignKey("Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    last_message_at = models.DateTimeField(null=True, blank=True)
    # Per-participant read state: messages from the other side after ``*_read_upto`` (a message id).
    guest_unread = models.PositiveIntegerField(default=0)
    host_unread = models.PositiveIntegerField(default=0)
    guest_read_upto = models.BigIntegerField(default=0)
    host_read_upto = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["guest", "listing"], name="thread_one_per_guest_listing"),
            models.CheckConstraint(condition=~Q(guest=F("host")), name="thread_guest_not_host"),
        ]
        indexes = [
            models.Index(F("guest"), F("last_message_at").desc(nulls_last=True), name="thread_guest_recent"),
            models.Index(F("host"), F("last_message_at").desc(nulls_last=True), name="thread_host_recent"),
        ]

    def __str__(self) -> str:
        return f"Thread {self.pk}: guest {self.guest_id} / listing {self.listing_id}"

    def role_of(self, user) -> str | None:
        """'guest', 'host' or None for anyone else (staff included)."""
        if user.pk == self.guest_id:
            return "guest"
        if user.pk == self.host_id:
            return "host"
        return None

    def other_party(self, user):
        return self.host if user.pk == self.guest_id else self.guest


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    # NULL for system messages (booking state changes).
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="messages_sent"
    )
    body = models.TextField(max_length=MESSAGE_MAX_LENGTH)
    # System lines only: what happened (a ``messaging.system_lines`` kind and its parameters), rendered
    # in each reader's language; ``body`` holds the English. Blank on participants' messages and on
    # system lines written before kinds existed (shown from ``body``).
    system_kind = models.CharField(max_length=40, blank=True, default="", db_default="")
    system_params = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(GreaterThan(Length(Trim("body")), 0))
                & Q(LessThanOrEqual(Length("body"), MESSAGE_MAX_LENGTH)),
                name="message_body_1_2000",
            ),
        ]
        indexes = [
            models.Index(fields=["thread", "id"], name="message_thread_id"),
            models.Index(fields=["sender", "created_at"], name="message_sender_recent"),
        ]

    def __str__(self) -> str:
        return f"Message {self.pk} in thread {self.thread_id}"

    @property
    def is_system(self) -> bool:
        return self.sender_id is None


class ReplyWindow(models.Model):
    """A guest's inquiry or booking request waiting for the host's first reply."""

    class Kind(models.TextChoices):
        INQUIRY = "inquiry", _("Inquiry")
        REQUEST = "request", _("Booking request")

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="reply_windows")
    host = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    booking = models.ForeignKey(Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    opened_at = models.DateTimeField()
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # A thread waits for at most one reply at a time.
            models.UniqueConstraint(
                fields=["thread"], condition=Q(replied_at__isnull=True), name="reply_window_one_open_per_thread"
            ),
            models.CheckConstraint(
                condition=Q(replied_at__isnull=True) | Q(replied_at__gte=F("opened_at")),
                name="reply_window_replied_after_opened",
            ),
        ]
        indexes = [models.Index(fields=["host", "opened_at"], name="reply_window_host_opened")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} in thread {self.thread_id}"


class NotificationCategory(models.TextChoices):
    MESSAGE = "message", _("Messages")
    BOOKING = "booking", _("Bookings")
    REVIEW = "review", _("Reviews")


class Notification(models.Model):
    """An in-app notification. Events of one ``group_key`` (a thread) share one unread row."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    category = models.CharField(max_length=10, choices=NotificationCategory.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=2000, blank=True)
    url = models.CharField(max_length=500, blank=True)
    group_key = models.CharField(max_length=100, blank=True)
    count = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "group_key"],
                condition=Q(read_at__isnull=True) & ~Q(group_key=""),
                name="notification_one_unread_per_group",
            ),
        ]
        indexes = [
            models.Index(F("user"), F("updated_at").desc(), name="notification_user_recent"),
            models.Index(fields=["user"], name="notification_user_unread", condition=Q(read_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.category} for {self.user_id}: {self.title}"


class NotificationPreference(models.Model):
    """A user's choice for one category's emails; no row means emails are on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    category = models.CharField(max_length=10, choices=NotificationCategory.choices)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "category"], name="notification_preference_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.category}: email {'on' if self.email else 'off'}"


class NotificationEmail(models.Model):
    """An email waiting to be sent (or sent): the outbox the Celery task drains.

    Emails of one ``group_key`` (a thread) are throttled: while one is pending,
    new events are added to it, and it is not sent before ``send_after``.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=10, choices=NotificationCategory.choices)
    group_key = models.CharField(max_length=100, blank=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    url = models.CharField(max_length=500, blank=True)
    items = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    send_after = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "group_key"],
                condition=Q(status="pending") & ~Q(group_key=""),
                name="notification_email_one_pending_per_group",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="notification_email_sent_has_time"
            ),
        ]
        indexes = [
            models.Index(fields=["send_after"], name="notification_email_due", condition=Q(status="pending")),
            models.Index(fields=["user", "group_key", "-sent_at"], name="notification_email_last_sent"),
        ]

    def __str__(self) -> str:
        return f"Email to {self.user_id}: {self.subject} ({self.status})"
