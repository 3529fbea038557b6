"""Bookings and the availability calendar.

The calendar keeps one row per (listing, night) that is not plainly available.
The UNIQUE (listing, date) constraint is the last line of defence against double
booking; the booking service also locks the listing row so competing writes to
one listing's calendar are serialised.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from listings.models import MONEY, Listing


class BookingStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", "Pending payment"
    AWAITING_HOST = "awaiting_host", "Awaiting host"
    CONFIRMED = "confirmed", "Confirmed"
    DECLINED = "declined", "Declined"
    EXPIRED = "expired", "Expired"
    CANCELLED_BY_GUEST = "cancelled_by_guest", "Cancelled by guest"
    CANCELLED_BY_HOST = "cancelled_by_host", "Cancelled by host"
    COMPLETED = "completed", "Completed"


class Booking(models.Model):
    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="bookings")
    guest = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="trips")
    check_in = models.DateField()
    check_out = models.DateField()
    guests = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=BookingStatus.choices, default=BookingStatus.PENDING_PAYMENT)
    currency = models.CharField(max_length=3)
    total = models.DecimalField(**MONEY)
    price_breakdown = models.JSONField(default=dict, help_text="The frozen quote: nightly lines, fees, total.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["guest", "check_in"], name="booking_guest_checkin"),
            models.Index(fields=["listing", "check_in"], name="booking_listing_checkin"),
            models.Index(fields=["status", "check_out"], name="booking_status_checkout"),
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


class NightStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    HELD = "held", "Held (pending payment or host)"
    BLOCKED = "blocked", "Blocked by host"


class CalendarNight(models.Model):
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="calendar_nights")
    date = models.DateField()
    status = models.CharField(max_length=10, choices=NightStatus.choices)
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, null=True, blank=True, related_name="nights_taken")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["listing", "date"], name="calendar_night_unique"),
            models.CheckConstraint(
                condition=Q(status="blocked") | Q(booking__isnull=False),
                name="calendar_night_booked_has_booking",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.listing_id} {self.date} {self.status}"
