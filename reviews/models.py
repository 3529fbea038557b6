"""Two-way reviews of completed stays (guest reviews the stay, host reviews the guest).

A review is written once per side of a booking and stays private to its author
until it is *published*: when both sides have written theirs, or when the 14-day
window after check-out closes (``reviews.tasks.reviews_publish_due_task``). A
published review never changes (a database trigger refuses edits); its subject
may add one public response. Staff hide reviews that break the rules
(``hidden_at``) after a ``ReviewReport``.

Aggregates are kept in ``ListingRating`` / ``UserRating`` (and the listing's
``rating_avg`` / ``rating_count``) by the service that publishes or hides a
review, in the same transaction; pages only read them.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.utils.translation import gettext_lazy as _

from bookings.models import Booking
from listings.models import Listing

RATING = [MinValueValidator(1), MaxValueValidator(5)]

# Days after check-out during which each side may write a review.
REVIEW_WINDOW_DAYS = 14

# What a guest rates about the stay, and what a host rates about the guest, in display order.
STAY_CATEGORIES: dict[str, str] = {
    "cleanliness": _("Cleanliness"),
    "accuracy": _("Accuracy"),
    "check_in": _("Check-in"),
    "communication": _("Communication"),
    "location": _("Location"),
    "value": _("Value"),
}
GUEST_CATEGORIES: dict[str, str] = {
    "cleanliness": _("Cleanliness"),
    "communication": _("Communication"),
    "house_rules": _("Respect for house rules"),
}


class Review(models.Model):
    class Direction(models.TextChoices):
        GUEST_TO_HOST = "guest_to_host", _("Guest reviews the stay")
        HOST_TO_GUEST = "host_to_guest", _("Host reviews the guest")

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
    # The reviewed party's one public answer (only once the review is published).
    response = models.TextField(max_length=2000, blank=True, default="", db_default=Value(""))
    responded_at = models.DateTimeField(null=True, blank=True)
    # Set by staff after a report: a hidden review is shown to nobody and counts in no average.
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["booking", "direction"], name="review_once_per_side"),
            models.CheckConstraint(condition=Q(overall__gte=1, overall__lte=5), name="review_overall_1_5"),
            models.CheckConstraint(condition=~Q(author=F("subject")), name="review_author_not_subject"),
            models.CheckConstraint(
                condition=Q(responded_at__isnull=True, response="")
                | (Q(responded_at__isnull=False, published_at__isnull=False) & ~Q(response="")),
                name="review_response_only_when_published",
            ),
        ]
        indexes = [
            models.Index(fields=["listing", "-published_at"], name="review_listing_published"),
            models.Index(fields=["subject", "direction", "-published_at"], name="review_subject_published"),
            models.Index(fields=["booking"], name="review_unpublished", condition=Q(published_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} for booking {self.booking_id}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def category_labels(self) -> dict[str, str]:
        return STAY_CATEGORIES if self.direction == self.Direction.GUEST_TO_HOST else GUEST_CATEGORIES

    def category_ratings(self) -> list[tuple[str, int]]:
        """(label, rating) pairs in display order, for the categories this review has."""
        return [
            (label, self.categories[code]) for code, label in self.category_labels.items() if code in self.categories
        ]


class ReviewReport(models.Model):
    """Someone flagged a published review for moderation; staff resolve it in the admin."""

    class Reason(models.TextChoices):
        INAPPROPRIATE = "inappropriate", _("It's offensive, discriminatory or inappropriate")
        FAKE = "fake", _("It's not about a real stay, or it's fake")
        PRIVATE_INFO = "private_info", _("It shares private information")
        IRRELEVANT = "irrelevant", _("It's not about the stay or the guest")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        HIDDEN = "hidden", _("Review hidden")
        DISMISSED = "dismissed", _("Dismissed")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_reports")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    details = models.TextField(max_length=1000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "reporter"], name="review_report_once_per_user"),
            models.CheckConstraint(
                condition=Q(status="open", resolved_at__isnull=True)
                | (~Q(status="open") & Q(resolved_at__isnull=False)),
                name="review_report_resolved_has_time",
            ),
        ]
        indexes = [models.Index(fields=["created_at"], name="review_report_open", condition=Q(status="open"))]

    def __str__(self) -> str:
        return f"Report on review {self.review_id} ({self.get_status_display()})"


RATING_AVG = {"max_digits": 3, "decimal_places": 2, "null": True, "blank": True}


class ListingRating(models.Model):
    """Per-listing averages of the published, visible guest reviews (overall is also on Listing)."""

    listing = models.OneToOneField(Listing, on_delete=models.CASCADE, primary_key=True, related_name="rating")
    review_count = models.PositiveIntegerField(default=0)
    overall = models.DecimalField(**RATING_AVG)
    cleanliness = models.DecimalField(**RATING_AVG)
    accuracy = models.DecimalField(**RATING_AVG)
    check_in = models.DecimalField(**RATING_AVG)
    communication = models.DecimalField(**RATING_AVG)
    location = models.DecimalField(**RATING_AVG)
    value = models.DecimalField(**RATING_AVG)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Listing {self.listing_id}: {self.overall} ({self.review_count})"

    def categories(self) -> list[tuple[str, str, object]]:
        """(code, label, average) in display order."""
        return [(code, label, getattr(self, code)) for code, label in STAY_CATEGORIES.items()]


class UserRating(models.Model):
    """A person's ratings: as a host (from guests' reviews) and as a guest (from hosts' reviews)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="rating"
    )
    host_review_count = models.PositiveIntegerField(default=0)
    host_rating = models.DecimalField(**RATING_AVG)
    guest_review_count = models.PositiveIntegerField(default=0)
    guest_rating = models.DecimalField(**RATING_AVG)
    guest_cleanliness = models.DecimalField(**RATING_AVG)
    guest_communication = models.DecimalField(**RATING_AVG)
    guest_house_rules = models.DecimalField(**RATING_AVG)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"User {self.user_id}: host {self.host_rating}, guest {self.guest_rating}"

    def guest_categories(self) -> list[tuple[str, str, object]]:
        return [(code, label, getattr(self, f"guest_{code}")) for code, label in GUEST_CATEGORIES.items()]
