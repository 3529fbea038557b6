"""The availability calendar: one row per (listing, night) that is not plainly available.

A row is a taken night (``held`` by a booking in progress, ``booked``, or
``blocked`` by the host) or an ``available`` night that only carries the host's
per-night price or minimum-nights override; a night without a row is available
at the listing's own price and minimum.

Invariants, kept by the database for every writer:

* UNIQUE (listing, date): the last line of defence against selling a night twice
  (writers also lock the listing row first, ``listings.locks.listing_lock``, so
  competing writes to one listing's calendar are serialised);
* a held or booked night names its booking, a blocked or available one does not;
* prices are positive, minimum stays at least one night.

The booking a night belongs to is named by string (``"bookings.Booking"``): the
calendar sits below the bookings app and never imports it.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from listings.models import MONEY, Listing


class NightStatus(models.TextChoices):
    AVAILABLE = "available", _("Available (override only)")
    HELD = "held", _("Held (pending payment or host)")
    BOOKED = "booked", _("Booked")
    BLOCKED = "blocked", _("Blocked by host")


TAKEN_NIGHT_STATUSES = (NightStatus.HELD, NightStatus.BOOKED, NightStatus.BLOCKED)


class CalendarNight(models.Model):
    # Indexed as the first column of calendar_night_unique (listing, date).
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="calendar_nights", db_index=False)
    date = models.DateField()
    status = models.CharField(max_length=10, choices=NightStatus.choices)
    booking = models.ForeignKey(
        "bookings.Booking", on_delete=models.SET_NULL, null=True, blank=True, related_name="nights_taken"
    )
    price = models.DecimalField(**MONEY, null=True, blank=True, help_text="Host's price for this night.")
    min_nights = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Minimum stay starting this night.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["listing", "date"], name="calendar_night_unique"),
            models.CheckConstraint(
                condition=Q(status__in=["held", "booked"], booking__isnull=False)
                | Q(status__in=["blocked", "available"], booking__isnull=True),
                name="calendar_night_booking_matches_status",
            ),
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(price__gt=0), name="calendar_night_price_positive"
            ),
            models.CheckConstraint(
                condition=Q(min_nights__isnull=True) | Q(min_nights__gte=1), name="calendar_night_min_nights_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.listing_id} {self.date} {self.status}"
