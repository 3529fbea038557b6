"""Bookings, payments and the booking outbox.

A booking's nights are rows of the availability calendar (``availability.models``,
``CalendarNight.booking``): held while it is being paid or awaits the host, booked
once confirmed.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value

from listings.models import MONEY, Listing


class BookingStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", "Pending payment"
    PAYMENT_FAILED = "payment_failed", "Payment failed"
    AWAITING_HOST = "awaiting_host", "Awaiting host"
    CONFIRMED = "confirmed", "Confirmed"
    DECLINED = "declined", "Declined"
    EXPIRED = "expired", "Expired"
    CANCELLED_BY_GUEST = "cancelled_by_guest", "Cancelled by guest"
    CANCELLED_BY_HOST = "cancelled_by_host", "Cancelled by host"
    COMPLETED = "completed", "Completed"


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


class PaymentStatus(models.TextChoices):
    CREATED = "created", "Created"
    AUTHORIZED = "authorized", "Authorised (held on card)"
    CAPTURED = "captured", "Captured"
    RELEASED = "released", "Authorisation released"
    FAILED = "failed", "Failed"
    REFUNDED = "refunded", "Refunded"
    PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"


class Payment(models.Model):
    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="payment")
    gateway = models.CharField(max_length=20)
    intent_id = models.CharField(max_length=255, blank=True)  # indexed in Meta (equality only, no LIKE index)
    payment_method = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.CREATED)
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    amount_refunded = models.DecimalField(**MONEY, default=0, db_default=Value(0))
    capture_before = models.DateTimeField(null=True, blank=True)
    failure_code = models.CharField(max_length=60, blank=True)
    failure_message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["intent_id"], name="payment_intent")]
        constraints = [
            models.CheckConstraint(condition=Q(amount_refunded__lte=F("amount")), name="payment_refund_le_amount"),
        ]

    def __str__(self) -> str:
        return f"Payment {self.intent_id or self.pk} ({self.status})"


class IdempotencyRecord(models.Model):
    """A client's ``Idempotency-Key``: the first request's fingerprint and final response.

    Lives in PostgreSQL (not Redis) so a replay after a Redis restart still returns
    the original booking instead of creating a second one.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key = models.CharField(max_length=255)
    scope = models.CharField(max_length=60)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    # The exact bytes of the first answer: a replay sends these, not ``response_body`` re-rendered
    # (jsonb reorders keys). Null on rows written before it existed.
    response_content = models.BinaryField(null=True, blank=True, editable=False)
    booking = models.ForeignKey(Booking, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "scope", "key"], name="idempotency_unique_key")]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key} ({'done' if self.completed_at else 'in progress'})"


# Entries whose money went to the host (a transfer exists), whatever was taken back since.
TRANSFERRED_PAYOUT_STATES = ("paid", "reversing", "reversed", "reversal_failed")


class PayoutEntry(models.Model):
    """The host's share of a booking: scheduled at confirmation, due 24 h after check-in.

    When due it is transferred to the host's payout account (``paid``); without an
    enabled account it waits as ``released`` and is transferred once the host has
    finished onboarding. A transfer the gateway refuses for good is ``failed`` with
    the gateway's code. A stay cancelled after its payout was transferred takes back
    what the host no longer keeps: ``reversing`` (``reversal_due`` to go back), then
    ``paid`` with ``amount_reversed`` (the host keeps a share) or ``reversed`` (all of
    it); a reversal the gateway refuses is ``reversal_failed``, for an operator.
    ``bookings.services.payouts`` moves entries along.
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        RELEASED = "released", "Released, awaiting transfer"
        PAID = "paid", "Paid"
        FAILED = "failed", "Transfer failed"
        CANCELLED = "cancelled", "Cancelled"
        REVERSING = "reversing", "Paid, being taken back after a cancellation"
        REVERSED = "reversed", "Taken back after a cancellation"
        REVERSAL_FAILED = "reversal_failed", "Taking back failed"

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="payout")
    host = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payouts")
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    release_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    released_at = models.DateTimeField(null=True, blank=True)
    # The transfer (db defaults too: the demo seeder inserts entries in SQL).
    transfer_id = models.CharField(max_length=255, blank=True, default="", db_default="")
    transfer_key = models.CharField(
        max_length=100,
        blank=True,
        default="",
        db_default="",
        help_text="Idempotency key of the next transfer attempt; empty means payout-<id>.",
    )
    attempts = models.PositiveIntegerField(default=0, db_default=0, help_text="Transfer calls made so far.")
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    failure_code = models.CharField(max_length=60, blank=True, default="", db_default="")
    failure_message = models.CharField(max_length=300, blank=True, default="", db_default="")
    # Taking money back from a transfer already made (a cancellation after the payout).
    reversal_due = models.DecimalField(
        **MONEY, default=0, db_default=Value(0), help_text="To take back from the transfer (while reversing)."
    )
    amount_reversed = models.DecimalField(
        **MONEY, default=0, db_default=Value(0), help_text="Taken back from the transfer so far."
    )
    reversal_id = models.CharField(max_length=255, blank=True, default="", db_default="")
    reversal_key = models.CharField(
        max_length=100,
        blank=True,
        default="",
        db_default="",
        help_text="Idempotency key of the next reversal attempt; empty means payout-<id>-reversal-<amount reversed>.",
    )

    class Meta:
        indexes = [models.Index(fields=["status", "release_at"], name="payout_due")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=TRANSFERRED_PAYOUT_STATES) | (~Q(transfer_id="") & Q(paid_at__isnull=False)),
                name="payout_paid_has_transfer",
            ),
            models.CheckConstraint(
                condition=Q(reversal_due__gte=0, amount_reversed__gte=0)
                & Q(amount_reversed__lte=F("amount") - F("reversal_due"))
                & (Q(status__in=["reversing", "reversal_failed"]) | Q(reversal_due=0)),
                name="payout_reversal_within_amount",
            ),
            models.UniqueConstraint(
                fields=["transfer_id"], condition=~Q(transfer_id=""), name="payout_transfer_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Payout {self.amount} {self.currency} for booking {self.booking_id} ({self.status})"

    @property
    def amount_kept(self):
        """What the host has been paid net of reversals."""
        return self.amount - self.amount_reversed

    @property
    def idempotency_key(self) -> str:
        """The key of the transfer: the same for every retry of one attempt, so Stripe pays it once."""
        return self.transfer_key or f"payout-{self.pk}"


class PayoutAccount(models.Model):
    """A host's connected account at the payment gateway (Stripe Connect Express): where payouts go.

    The flags mirror the gateway's account object as last read (at onboarding, when
    the host comes back from the gateway's pages, or when the status is asked for).
    """

    host = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payout_account")
    gateway = models.CharField(max_length=20)
    account_id = models.CharField(max_length=255, unique=True)
    charges_enabled = models.BooleanField(default=False)
    payouts_enabled = models.BooleanField(default=False)
    details_submitted = models.BooleanField(default=False)
    requirements_due = models.JSONField(default=list, blank=True, help_text="What the gateway still needs.")
    disabled_reason = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.gateway} {self.account_id} ({self.status})"

    @property
    def ready(self) -> bool:
        """Whether transfers can be sent: onboarding finished and payouts enabled."""
        return self.details_submitted and self.payouts_enabled

    @property
    def status(self) -> str:
        """``enabled`` or ``needs_information`` (onboarding unfinished, or the gateway wants more)."""
        return "enabled" if self.ready else "needs_information"


class HostCancellation(models.Model):
    """A penalty recorded when a host cancels a confirmed booking (feeds cancellation rate)."""

    host = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="host_cancellations")
    booking = models.OneToOneField(Booking, on_delete=models.CASCADE)
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Host {self.host_id} cancelled booking {self.booking_id}"


class ProcessedWebhookEvent(models.Model):
    """Stripe event ids already handled: webhooks are retried and may arrive twice."""

    event_id = models.CharField(max_length=255, unique=True)
    event_type = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"
