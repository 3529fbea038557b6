"""Bookings and the booking outbox.

A booking's nights are rows of the availability calendar (``availability.models``,
``CalendarNight.booking``): held while it is being paid or awaits the host, booked
once confirmed. A booking's payment and payout are the payments app's
(``payments.models``); ``booking.payment`` and ``booking.payout`` are their
reverse relations.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from listings.models import MONEY, Listing


class BookingStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Pending payment")
    PAYMENT_FAILED = "payment_failed", _("Payment failed")
    AWAITING_HOST = "awaiting_host", _("Awaiting host")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    CANCELLED_BY_GUEST = "cancelled_by_guest", _("Cancelled by guest")
    CANCELLED_BY_HOST = "cancelled_by_host", _("Cancelled by host")
    COMPLETED = "completed", _("Completed")


# States in which a booking holds its nights on the calendar.
ACTIVE_STATUSES = (BookingStatus.PENDING_PAYMENT, BookingStatus.AWAITING_HOST, BookingStatus.CONFIRMED)


class Booking(models.Model):
    # Both are the first column of a composite index below; a second index each would only slow inserts.
    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="bookings", db_index=False)
    guest = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="trips", db_index=False)
    code = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, db_default=models.Func(function="gen_random_uuid")
    )
    check_in = models.DateField()
    check_out = models.DateField()
    guests = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=BookingStatus.choices, default=BookingStatus.PENDING_PAYMENT)
    instant_book = models.BooleanField(default=False, db_default=False)
    currency = models.CharField(max_length=3)
    total = models.DecimalField(**MONEY)
    price_breakdown = models.JSONField(default=dict, help_text="The frozen quote: nightly lines, fees, total.")
    message_to_host = models.TextField(max_length=2000, blank=True, db_default="")
    expires_at = models.DateTimeField(null=True, blank=True, help_text="When a hold or a host request lapses.")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    refund_amount = models.DecimalField(**MONEY, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["guest", "check_in"], name="booking_guest_checkin"),
            models.Index(fields=["listing", "check_in"], name="booking_listing_checkin"),
            models.Index(fields=["status", "check_out"], name="booking_status_checkout"),
            models.Index(
                fields=["expires_at"],
                name="booking_open_expiry",
                condition=Q(status__in=["pending_payment", "awaiting_host"]),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(check_out__gt=F("check_in")), name="booking_checkout_after_checkin"),
            models.CheckConstraint(condition=Q(guests__gte=1), name="booking_guests_positive"),
            models.CheckConstraint(condition=Q(total__gte=0), name="booking_total_nonneg"),
        ]

    def __str__(self) -> str:
        return f"Booking {self.pk}: listing {self.listing_id} {self.check_in}..{self.check_out}"

    @property
    def nights(self) -> int:
        return (self.check_out - self.check_in).days

    @property
    def reference(self) -> str:
        """Short human reference shown on receipts ("HM4K2QXZ" style)."""
        return str(self.code).replace("-", "")[:8].upper()


class BookingEvent(models.Model):
    """Every state transition (who, when, why): the outbox Celery consumes for notifications."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["id"], name="bookingevent_unprocessed", condition=Q(processed_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.booking_id}: {self.from_status or '-'} -> {self.to_status}"


class HostCancellation(models.Model):
    """A penalty recorded when a host cancels a confirmed booking (feeds cancellation rate)."""

    host = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="host_cancellations")
    booking = models.OneToOneField(Booking, on_delete=models.CASCADE)
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Host {self.host_id} cancelled booking {self.booking_id}"
