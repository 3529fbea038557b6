"""The platform's own tables: what every app may use and none owns."""

from django.conf import settings
from django.db import models


class IdempotencyRecord(models.Model):
    """A client's ``Idempotency-Key``: the first request's fingerprint and final outcome (``airbnb.idempotency``).

    Lives in PostgreSQL (not Redis) so a replay after a Redis restart still returns
    the original booking instead of creating a second one. ``booking`` links the
    attempt to what it made (the booking saga links it in its hold's transaction),
    so an abandoned attempt can be settled; it names bookings by string only.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key = models.CharField(max_length=255)
    scope = models.CharField(max_length=60)
    request_hash = models.CharField(max_length=64)
    # The outcome's error code ("" for a success, e.g. the booking). Never an HTTP status: the
    # API maps codes to statuses (``airbnb.api.errors.HTTP_STATUS_BY_CODE``), pages to forms.
    error_code = models.CharField(max_length=60, blank=True, default="")
    response_body = models.JSONField(null=True, blank=True)
    # The exact bytes of the first answer: a replay sends these, not ``response_body`` re-rendered
    # (jsonb reorders keys). Null on rows written before it existed.
    response_content = models.BinaryField(null=True, blank=True, editable=False)
    booking = models.ForeignKey("bookings.Booking", on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table kept its name when the model moved from bookings (platform 0002): no copy, no lost row.
        db_table = "bookings_idempotencyrecord"
        constraints = [models.UniqueConstraint(fields=["user", "scope", "key"], name="idempotency_unique_key")]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key} ({'done' if self.completed_at else 'in progress'})"
