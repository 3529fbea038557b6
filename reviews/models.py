"""Two-way reviews of completed stays (guest reviews the stay, host reviews the guest)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from bookings.models import Booking
from listings.models import Listing

RATING = [MinValueValidator(1), MaxValueValidator(5)]


class Review(models.Model):
    class Direction(models.TextChoices):
        GUEST_TO_HOST = "guest_to_host", "Guest reviews the stay"
        HOST_TO_GUEST = "host_to_guest", "Host reviews the guest"

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="reviews")
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="reviews")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews_written")
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews_received")
    direction = models.CharField(max_length=16, choices=Direction.choices)
    overall = models.PositiveSmallIntegerField(validators=RATING)
    categories = models.JSONField(default=dict, blank=True, help_text='e.g. {"cleanliness": 5, "value": 4}')
    comment = models.TextField(max_length=5000)
    private_note = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["booking", "direction"], name="review_once_per_side"),
            models.CheckConstraint(condition=Q(overall__gte=1, overall__lte=5), name="review_overall_1_5"),
        ]
        indexes = [models.Index(fields=["listing", "-published_at"], name="review_listing_published")]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} for booking {self.booking_id}"
