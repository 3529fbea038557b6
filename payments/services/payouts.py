"""Host payouts: connected accounts (Stripe Connect, Express) and transfers of due payouts.

A host's share of a booking is a ``PayoutEntry``, scheduled when the booking is
confirmed (``payout_schedule``, or the Instant Book statement of
``bookings.services.booking_statements``) and due 24 h after check-in
(``payout_release_at``). This module moves it on:

* **Onboarding**: ``payout_account_onboard`` creates the host's connected account
  (once: the idempotency key derives from the host) and returns the gateway's
  onboarding link; ``payout_account_refresh`` re-reads the account when the host
  comes back and, once it is enabled, transfers what was waiting for it.
* **Release**: ``payouts_release_due`` (Celery beat) hands every due entry to
  ``payout_release``: ``scheduled`` -> ``released`` (due) -> ``paid`` (transferred)
  or ``failed`` (refused for good, with the gateway's code). Without an enabled
  account an entry waits as ``released``.

Money is only sent for bookings that are confirmed or completed and whose payment
was captured (``BookingStates.payable``, registered by bookings); an entry a
cancellation set to ``cancelled`` (or a booking cancelled while its entry was
still waiting) is never transferred. A cancellation calls
``payout_adjust_for_cancellation`` in its own transaction.

Every transfer carries the idempotency key ``payout-<id>``: a retry after a
timeout, a crash before the result was recorded or a transient error repeats the
same request, and the gateway answers it with the same transfer. Only after a
permanent refusal (no transfer exists) does a retry get a new key
(``payout-<id>-retry-<n>``). Stripe keeps keys for at least 24 h; the hourly task
retries long before that.

Locks: the booking row, then the entry row (the booking services lock listing,
booking, then the entry: the same order). Moving an entry out of ``scheduled``
happens under the booking lock. The network call holds only the entry row
(``skip_locked`` for other workers), never the booking or listing; a cancellation
meanwhile waits for that row lock, then finds the entry either still unpaid
(and cuts or cancels it) or paid (and takes back what the host no longer keeps:
``payout_take_back``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext

from airbnb.errors import ApplicationError
from listings.localtime import listing_check_in_at
from listings.models import Listing

from ..errors import NotAHost, PayoutGatewayError, PayoutsUnavailable
from ..gateways.base import ConnectedAccount, GatewayUnavailable, PaymentError, breaker_is_open, get_gateway
from ..hooks import booking_states
from ..models import Payment, PaymentStatus, PayoutAccount, PayoutEntry

logger = logging.getLogger(__name__)
E = PayoutEntry.Status

COLLECTED_PAYMENT_STATES = (PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED)
# Not transferred yet: a cancellation can still cut or cancel these.
UNPAID_PAYOUT_STATES = (E.SCHEDULED, E.RELEASED, E.FAILED)
PAYOUT_DELAY = dt.timedelta(hours=24)
RELEASE_BATCH = 500

# Refusals the host can fix by updating their payout details; anything else is ours to look at.
ACCOUNT_FAILURE_CODES = {
    "resource_missing",
    "account_invalid",
    "account_closed",
    "insufficient_capabilities_for_transfer",
    "transfers_not_allowed",
    "payouts_not_allowed",
}


@dataclass(frozen=True)
class Onboarding:
    account: PayoutAccount
    url: str
    expires_at: object  # datetime | None


# --- reads ------------------------------------------------------------------------------


def host_can_receive_payouts(user) -> bool:
    """Whether ``user`` hosts (has a listing, or has earned payouts): only hosts get a payout account."""
    return Listing.objects.filter(host=user).exists() or PayoutEntry.objects.filter(host=user).exists()


def payout_account_get(*, host) -> PayoutAccount | None:
    return PayoutAccount.objects.filter(host=host).first()


def payout_list_for_host(*, host) -> QuerySet[PayoutEntry]:
    """The host's payout entries, newest due date first, with the booking and listing title for display."""
    return (
        PayoutEntry.objects.filter(host=host)
        .select_related("booking", "booking__listing")
        .only(
            *(f.name for f in PayoutEntry._meta.concrete_fields),
            "booking__id",
            "booking__code",
            "booking__check_in",
            "booking__check_out",
            "booking__status",
            "booking__listing__id",
            "booking__listing__title",
        )
        .order_by("-release_at", "-pk")
    )


def payout_failure_explanation(entry: PayoutEntry) -> str:
    """What a failed transfer means for the host, in words (the gateway's own message is for us)."""
    if entry.status != E.FAILED:
        return ""
    if entry.failure_code in ACCOUNT_FAILURE_CODES:
        return gettext(
            "Your payout account can't receive this transfer. Update your payout details and we'll send it again."
        )
    return gettext("The transfer was refused (%(reason)s). Our team will look into it.") % {
        "reason": entry.failure_code or gettext("unknown error")
    }


# --- scheduling and cancellations (called by bookings) ----------------------------------


def payout_release_at(*, listing, check_in: dt.date) -> dt.datetime:
    """When a stay's payout is due: ``PAYOUT_DELAY`` after check-in (the listing's check-in time, local)."""
    return listing_check_in_at(listing, check_in) + PAYOUT_DELAY


def payout_schedule(
    *, booking_id: int, host_id: int, amount: Decimal, currency: str, release_at: dt.datetime
) -> PayoutEntry:
    """Schedule the host's share of a booking just confirmed (in the confirmation's transaction)."""
    return PayoutEntry.objects.create(
        booking_id=booking_id, host_id=host_id, amount=amount, currency=currency, release_at=release_at
    )


def payout_adjust_for_cancellation(*, booking_id: int, keep: Decimal) -> None:
    """A booking was cancelled: from now on the host keeps ``keep`` of its payout (0 after a host cancellation).

    Runs inside the cancellation's transaction (listing and booking locked). An entry
    not transferred yet now carries only ``keep`` (paid at the usual release time),
    or is ``cancelled`` when nothing is kept. The entry is locked: a transfer in
    flight holds its row; once it commits the entry is paid, no longer matches, and
    what it overpaid is taken back (``payout_take_back``).
    """
    entry = (
        PayoutEntry.objects.select_for_update().filter(booking_id=booking_id, status__in=UNPAID_PAYOUT_STATES).first()
    )
    if entry is None:
        # Already transferred (a stay cut short after its payout): take back the rest.
        payout_take_back(booking_id=booking_id, keep=keep)
    elif keep > 0:
        entry.amount = keep
        entry.save(update_fields=["amount"])
    else:
        entry.status = E.CANCELLED
        entry.save(update_fields=["status"])


# --- onboarding -------------------------------------------------------------------------


def _account_fields(remote: ConnectedAccount) -> dict:
    return {
        "account_id": remote.account_id,
        "charges_enabled": remote.charges_enabled,
        "payouts_enabled": remote.payouts_enabled,
        "details_submitted": remote.details_submitted,
        "requirements_due": list(remote.requirements_due),
        "disabled_reason": remote.disabled_reason[:100],
    }


def _gateway_errors(exc: PaymentError) -> ApplicationError:
    if exc.transient:
        return PayoutsUnavailable()
    logger.error("payout gateway refused a request: %s (%s)", exc.message, exc.code)
    return PayoutGatewayError(
        message=gettext("The payment provider refused the request (%(code)s).") % {"code": exc.code}
    )


def payout_account_onboard(*, host, refresh_url: str, return_url: str) -> Onboarding:
    """Create the host's connected account if there is none, and return a fresh onboarding link.

    The account is created with the idempotency key ``host-<id>-payout-account``, so
    two clicks (or a retry after a timeout) give the same account. An account made
    with another gateway (dev data under a new ``PAYMENT_GATEWAY``) is replaced.
    ``refresh_url`` is where the gateway sends an expired link, ``return_url`` where
    it sends the host when done. No database transaction spans the network calls.

    Raises ``NotAHost`` (403), ``PayoutsUnavailable`` (503, transient) or
    ``PayoutGatewayError`` (502, the gateway refused).
    """
    if not host_can_receive_payouts(host):
        raise NotAHost()
    gateway = get_gateway()
    account = payout_account_get(host=host)
    try:
        if account is None or account.gateway != gateway.name:
            remote = gateway.create_account(
                email=host.email,
                idempotency_key=f"host-{host.pk}-payout-account",
                metadata={"host_id": host.pk},
            )
            account, _ = PayoutAccount.objects.update_or_create(
                host=host, defaults={"gateway": gateway.name, **_account_fields(remote)}
            )
        link = gateway.create_account_link(
            account_id=account.account_id, refresh_url=refresh_url, return_url=return_url
        )
    except PaymentError as exc:
        raise _gateway_errors(exc) from exc
    return Onboarding(account=account, url=link.url, expires_at=link.expires_at)


def payout_account_refresh(*, host, retry_failed: bool = False) -> PayoutAccount | None:
    """Re-read the host's account from the gateway and store its flags. Returns it (None if there is none).

    Once the account is enabled, payouts waiting for it (``released``) are
    transferred, after this transaction commits. With ``retry_failed`` (the host
    came back from updating their details), or when the account has just become
    enabled, transfers refused for good are queued again under a new key.

    Raises ``PayoutsUnavailable`` or ``PayoutGatewayError`` as ``payout_account_onboard``.
    """
    account = payout_account_get(host=host)
    if account is None:
        return None
    gateway = get_gateway()
    if account.gateway != gateway.name:
        return account  # made with another gateway: onboarding again replaces it
    try:
        remote = gateway.retrieve_account(account_id=account.account_id)
    except PaymentError as exc:
        raise _gateway_errors(exc) from exc
    was_ready = account.ready
    for field, value in _account_fields(remote).items():
        setattr(account, field, value)
    account.save()
    if account.ready:
        if retry_failed or not was_ready:
            payouts_requeue_failed(host_id=host.pk)
        from ..tasks import payouts_transfer_for_host_task

        transaction.on_commit(lambda: payouts_transfer_for_host_task.delay(host.pk))
    return account


def payout_account_updated(*, remote: ConnectedAccount) -> bool:
    """Apply an account's state pushed by the gateway (Stripe's ``account.updated`` webhook).

    Returns False for an account that is not one of ours. When the account has just
    become able to receive transfers, payouts refused for good are queued again and
    the host's waiting payouts are sent after the caller's transaction commits.
    """
    account = PayoutAccount.objects.select_for_update().filter(account_id=remote.account_id).first()
    if account is None:
        return False
    was_ready = account.ready
    for field, value in _account_fields(remote).items():
        setattr(account, field, value)
    account.save()
    if account.ready and not was_ready:
        payouts_requeue_failed(host_id=account.host_id)
        from ..tasks import payouts_transfer_for_host_task

        host_id = account.host_id
        transaction.on_commit(lambda: payouts_transfer_for_host_task.delay(host_id))
    return True


# --- release and transfer ---------------------------------------------------------------


def _due_entries(now) -> QuerySet[PayoutEntry]:
    ready_account = Q(host__payout_account__payouts_enabled=True, host__payout_account__details_submitted=True)
    return PayoutEntry.objects.filter(
        Q(status=E.SCHEDULED, release_at__lte=now) | Q(status=E.RELEASED) & ready_account,
        booking__status__in=booking_states().payable,
        booking__payment__status__in=COLLECTED_PAYMENT_STATES,
    )


def payouts_release_due(*, now=None, limit: int = RELEASE_BATCH) -> Counter:
    """Release every due payout and transfer it where the host's account allows (Celery beat, hourly).

    Returns how many entries ended ``paid``, ``released`` (waiting for the host's
    account), ``retry`` (transient failure: the next run repeats the same
    request), ``failed`` and ``skipped`` (changed under us). Stops early when the
    gateway's circuit breaker opens: the next run picks up where this one stopped.
    """
    now = now or timezone.now()
    outcomes: Counter = Counter()
    for payout_id in list(_due_entries(now).order_by("release_at", "pk").values_list("pk", flat=True)[:limit]):
        outcome = payout_release(payout_id=payout_id, now=now)
        outcomes[outcome] += 1
        if outcome == "retry" and breaker_is_open():
            break
    return outcomes


def payouts_transfer_for_host(*, host_id: int) -> Counter:
    """Transfer the host's released payouts (their account has just been enabled)."""
    now = timezone.now()
    outcomes: Counter = Counter()
    ids = _due_entries(now).filter(host_id=host_id).order_by("release_at", "pk").values_list("pk", flat=True)
    for payout_id in list(ids[:RELEASE_BATCH]):
        outcomes[payout_release(payout_id=payout_id, now=now)] += 1
    return outcomes


def payouts_requeue_failed(*, host_id: int) -> int:
    """Queue the host's refused transfers again (``failed`` -> ``released``), each under a new key.

    A refusal means the gateway made no transfer, so a new key cannot pay twice.
    An ``idempotency_error`` is the exception (the first request may have gone
    through with other parameters): those stay failed for an operator.
    """
    return (
        PayoutEntry.objects.filter(host_id=host_id, status=E.FAILED, booking__status__in=booking_states().payable)
        .exclude(failure_code="idempotency_error")
        .update(
            status=E.RELEASED,
            transfer_key=Concat(
                Value("payout-"), Cast("id", CharField()), Value("-retry-"), Cast("attempts", CharField())
            ),
            failure_code="",
            failure_message="",
        )
    )


def payout_release(*, payout_id: int, now=None) -> str:
    """Release one payout if it is due, then transfer it to the host's account if that is enabled.

    Returns ``paid``, ``released`` (no enabled account yet), ``retry`` (transient
    gateway failure; the entry stays released and the same request is repeated
    later), ``failed`` (the gateway refused: code and message recorded on the
    entry) or ``skipped`` (not due, not payable, or being handled by another worker).
    """
    now = now or timezone.now()
    if not _release(payout_id=payout_id, now=now):
        return "skipped"
    return _transfer(payout_id=payout_id, now=now)


def _release(*, payout_id: int, now) -> bool:
    """``scheduled`` -> ``released`` under the booking lock. Whether the entry is released (now or before)."""
    booking_id = PayoutEntry.objects.filter(pk=payout_id).values_list("booking_id", flat=True).first()
    if booking_id is None:
        return False
    with transaction.atomic():
        # The booking row is locked through its payment (payments never imports bookings);
        # a booking without a payment is not payable and needs no lock.
        payment = (
            Payment.objects.select_for_update(of=("booking",))
            .select_related("booking")
            .only("status", "booking__status")
            .filter(booking_id=booking_id)
            .first()
        )
        entry = PayoutEntry.objects.select_for_update().get(pk=payout_id)
        payable = (
            payment is not None
            and payment.booking.status in booking_states().payable
            and payment.status in COLLECTED_PAYMENT_STATES
        )
        if not payable:
            return False
        if entry.status == E.SCHEDULED and entry.release_at <= now:
            entry.status = E.RELEASED
            entry.released_at = now
            entry.save(update_fields=["status", "released_at"])
        return entry.status == E.RELEASED


def _attempt(entry: PayoutEntry, *, what: str, refused: str, now, call: Callable[[], str]) -> tuple[str, str | None]:
    """One gateway call for ``entry`` (its row locked), counted in ``attempts``.

    Returns ``(answer, None)``, or ``(None, "retry")`` after a transient failure (the
    entry stays as it is: the same request, same key, is made again later), or
    ``(None, "failed")`` after a refusal (the entry becomes ``refused`` with the
    gateway's code and message).
    """
    entry.attempts += 1
    entry.last_attempt_at = now
    try:
        return call(), None
    except GatewayUnavailable as exc:
        logger.warning("payout %s: %s failed for now (%s), retried later", entry.pk, what, exc.code)
        entry.save(update_fields=["attempts", "last_attempt_at"])
        return None, "retry"
    except PaymentError as exc:
        logger.error("payout %s: %s refused: %s (%s)", entry.pk, what, exc.message, exc.code)
        entry.status = refused
        entry.failure_code = (exc.code or "payment_error")[:60]
        entry.failure_message = exc.message[:300]
        entry.save(update_fields=["status", "failure_code", "failure_message", "attempts", "last_attempt_at"])
        return None, "failed"


def _transfer(*, payout_id: int, now) -> str:
    gateway = get_gateway()
    with transaction.atomic():
        entry = (
            PayoutEntry.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("booking")
            .filter(pk=payout_id, status=E.RELEASED)
            .first()
        )
        if entry is None:
            return "skipped"  # another worker has it, or it moved on
        account = PayoutAccount.objects.filter(host_id=entry.host_id).first()
        if account is None or not account.ready or account.gateway != gateway.name:
            return "released"
        booking = entry.booking
        transfer_id, failed = _attempt(
            entry,
            what="transfer",
            refused=E.FAILED,
            now=now,
            call=lambda: gateway.transfer(
                amount=entry.amount,
                currency=entry.currency,
                destination=account.account_id,
                idempotency_key=entry.idempotency_key,
                transfer_group=booking.reference,
                metadata={
                    "payout_id": entry.pk,
                    "booking_id": booking.pk,
                    "booking_reference": booking.reference,
                    "host_id": entry.host_id,
                },
            ),
        )
        if failed:
            return failed
        entry.status = E.PAID
        entry.transfer_id = transfer_id
        entry.paid_at = timezone.now()
        entry.failure_code = entry.failure_message = ""
        entry.save(
            update_fields=[
                "status",
                "transfer_id",
                "paid_at",
                "failure_code",
                "failure_message",
                "attempts",
                "last_attempt_at",
            ]
        )
        return "paid"


# --- taking back a transfer already made --------------------------------------------------


def payout_take_back(*, booking_id: int, keep: Decimal) -> PayoutEntry | None:
    """A cancellation of a stay whose payout was already transferred: the host now keeps ``keep``.

    Runs inside the cancellation's transaction (booking locked). If the host was paid
    more than ``keep``, the entry becomes ``reversing`` with the difference due back,
    and the reversal is sent after commit (Celery; the hourly run retries). Returns
    the entry when something is to be taken back.
    """
    entry = PayoutEntry.objects.select_for_update().filter(booking_id=booking_id, status=E.PAID).first()
    if entry is None:
        return None
    due = entry.amount - entry.amount_reversed - max(keep, Decimal("0"))
    if due <= 0:
        return None
    entry.status = E.REVERSING
    entry.reversal_due = due
    entry.failure_code = entry.failure_message = ""
    entry.save(update_fields=["status", "reversal_due", "failure_code", "failure_message"])
    payout_id = entry.pk
    transaction.on_commit(lambda: _enqueue_reversal(payout_id))
    return entry


def _enqueue_reversal(payout_id: int) -> None:
    from .. import tasks

    try:
        tasks.payout_reverse_task.delay(payout_id)
    except Exception:  # noqa: BLE001 - broker down: the hourly payouts run sends it
        logger.warning("could not enqueue the reversal of payout %s; the hourly run sends it", payout_id, exc_info=True)


def payouts_reverse_due(*, limit: int = RELEASE_BATCH) -> Counter:
    """Send every pending reversal (the hourly run; normally they went out right after the cancellation)."""
    outcomes: Counter = Counter()
    pending = PayoutEntry.objects.filter(status=E.REVERSING).order_by("pk").values_list("pk", flat=True)
    for payout_id in list(pending[:limit]):
        outcome = payout_reverse(payout_id=payout_id)
        outcomes[outcome] += 1
        if outcome == "retry" and breaker_is_open():
            break
    return outcomes


def payout_reverse(*, payout_id: int) -> str:
    """Take ``reversal_due`` back from the entry's transfer. Returns what happened.

    ``reversed`` (done: the entry is ``paid`` with ``amount_reversed`` if the host keeps
    a share, else ``reversed``), ``retry`` (transient failure: stays ``reversing``; the
    same request, same key, is repeated later), ``failed`` (refused for good:
    ``reversal_failed`` with the gateway's code, for an operator) or ``skipped``.

    The key ``payout-<id>-reversal-<amount reversed so far>`` is the same for every
    retry of one reversal, so the gateway takes the money back once (an operator's
    retry after a refusal uses ``reversal_key``, a new one).
    """
    gateway = get_gateway()
    with transaction.atomic():
        entry = (
            PayoutEntry.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("booking")
            .filter(pk=payout_id, status=E.REVERSING)
            .first()
        )
        if entry is None:
            return "skipped"
        reversal_id, failed = _attempt(
            entry,
            what="reversal",
            refused=E.REVERSAL_FAILED,
            now=timezone.now(),
            call=lambda: gateway.reverse_transfer(
                transfer_id=entry.transfer_id,
                amount=entry.reversal_due,
                currency=entry.currency,
                idempotency_key=entry.reversal_key or f"payout-{entry.pk}-reversal-{entry.amount_reversed}",
                metadata={
                    "payout_id": entry.pk,
                    "booking_id": entry.booking_id,
                    "booking_reference": entry.booking.reference,
                    "reason": f"booking {entry.booking.status}",
                },
            ),
        )
        if failed:
            return failed
        entry.amount_reversed += entry.reversal_due
        entry.reversal_due = Decimal("0")
        entry.reversal_id = reversal_id
        entry.reversal_key = ""
        entry.status = E.REVERSED if entry.amount_reversed >= entry.amount else E.PAID
        entry.save(
            update_fields=[
                "status",
                "amount_reversed",
                "reversal_due",
                "reversal_id",
                "reversal_key",
                "attempts",
                "last_attempt_at",
            ]
        )
        return "reversed"


def payouts_retry_failed_reversals(*, payout_ids) -> int:
    """An operator sends refused reversals again (``reversal_failed`` -> ``reversing``), each under a new key.

    A refusal took nothing back, so a new key cannot take twice; the gateway stored
    the refusal under the old key, which would only replay it. For the operator,
    after fixing the cause (e.g. the host's balance). Returns how many were queued.
    """
    queued = 0
    for entry in PayoutEntry.objects.filter(pk__in=list(payout_ids), status=E.REVERSAL_FAILED):
        with transaction.atomic():
            updated = PayoutEntry.objects.filter(pk=entry.pk, status=E.REVERSAL_FAILED).update(
                status=E.REVERSING,
                reversal_key=f"payout-{entry.pk}-reversal-{entry.amount_reversed}-retry-{entry.attempts}",
                failure_code="",
                failure_message="",
            )
            if updated:
                queued += 1
                transaction.on_commit(lambda payout_id=entry.pk: _enqueue_reversal(payout_id))
    return queued
