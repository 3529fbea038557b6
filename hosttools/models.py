"""Host tools: calendar sync with other platforms (iCal).

* ``CalendarExport``: the secret token of a listing's public iCal feed of
  unavailable nights. Rotating the token cuts off everyone who had the old URL.
* ``CalendarImport``: an external iCal URL (another platform's calendar of the
  same home) whose busy ranges are imported as blocks, with the outcome of the
  last sync shown on the dashboard.
* ``ImportedNight``: a night a feed blocked. Only these nights are ever unblocked
  by a later sync of that feed, so a sync never touches bookings made here or
  blocks the host made by hand.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from listings.models import Listing


def new_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarExport(models.Model):
    listing = models.OneToOneField(Listing, on_delete=models.CASCADE, primary_key=True, related_name="ical_export")
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"iCal export of listing {self.listing_id}"


class CalendarImport(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Not synced yet")
        OK = "ok", _("Synced")
        ERROR = "error", _("Failed")

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="ical_imports")
    name = models.CharField(max_length=80, help_text='Where it comes from, e.g. "Vrbo".')
    url = models.URLField(max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    last_error = models.CharField(max_length=500, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    nights_blocked = models.PositiveIntegerField(default=0, help_text="Nights this feed blocks now.")
    conflicts = models.JSONField(
        default=list, blank=True, help_text="Busy nights in the feed that are booked here (ISO dates)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["listing", "created_at"]
        constraints = [models.UniqueConstraint(fields=["listing", "url"], name="calendar_import_unique_url")]
        indexes = [models.Index(fields=["last_attempt_at"], name="calendar_import_due")]

    def __str__(self) -> str:
        return f"{self.name} -> listing {self.listing_id}"


class ImportedNight(models.Model):
    feed = models.ForeignKey(CalendarImport, on_delete=models.CASCADE, related_name="nights")
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["feed", "date"], name="imported_night_unique")]
        indexes = [models.Index(fields=["listing", "date"], name="imported_night_listing_date")]

    def __str__(self) -> str:
        return f"{self.date} from feed {self.feed_id}"


# A listing has at most a handful of feeds; the dashboard refuses more.
MAX_IMPORTS_PER_LISTING = 10
