"""Money records: a booking's card payment, the host's payouts and connected accounts, Stripe's events.

A ``Payment`` is the guest's side of a booking (one per booking: authorised, then
captured, released or refunded); a ``PayoutEntry`` the host's share (scheduled at
confirmation, transferred when due); a ``PayoutAccount`` where a host's transfers
go; a ``ProcessedWebhookEvent`` a Stripe event already applied. They point at
``bookings.Booking`` by name: payments sits below bookings and never imports it
(``payments.hooks``). Only ``payments.services`` changes these rows, except the
booking hot path's two statements (``bookings/services/booking_statements.py``),
which insert the payment row and the payout entry in the booking's own statement.

The tables were ``bookings_*`` until the move to this app (migration 0001).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from listings.models import MONEY


class PaymentStatus(models.TextChoices):
    CREATED = "created", _("Created")
    AUTHORIZED = "authorized", _("Authorised (held on card)")
    CAPTURED = "captured", _("Captured")
    RELEASED = "released", _("Authorisation released")
    FAILED = "failed", _("Failed")
    REFUNDED = "refunded", _("Refunded")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")


class Payment(models.Model):
    booking = models.OneToOneField("bookings.Booking", on_delete=models.CASCADE, related_name="payment")
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
    ``payments.services.payouts`` moves entries along.
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        RELEASED = "released", _("Released, awaiting transfer")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Transfer failed")
        CANCELLED = "cancelled", pgettext_lazy("payout status", "Cancelled")
        REVERSING = "reversing", _("Paid, being taken back after a cancellation")
        REVERSED = "reversed", _("Taken back after a cancellation")
        REVERSAL_FAILED = "reversal_failed", _("Taking back failed")

    booking = models.OneToOneField("bookings.Booking", on_delete=models.CASCADE, related_name="payout")
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


class ProcessedWebhookEvent(models.Model):
    """Stripe event ids already handled: webhooks are retried and may arrive twice."""

    event_id = models.CharField(max_length=255, unique=True)
    event_type = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"
