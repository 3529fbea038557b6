"""Moving the payment tables out of bookings keeps every row (bookings 0009, payments 0001).

The test database is migrated back to just before the move, rows are written into
the old tables (``bookings_payment``, ``bookings_payoutentry``,
``bookings_payoutaccount``, ``bookings_processedwebhookevent``) through the models
as they were then, and the database is migrated forward again: every row is
there under payments' models with the same values, the id sequences go on where
they were, and the content types (the admin permissions) followed the models.

Transactional (the migrations run DDL and commit); under xdist every worker has
its own database. Whatever happens, the database ends at the latest migration,
as the tests after this one expect.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from bookings.models import Booking
from payments.models import Payment, PayoutAccount, PayoutEntry, ProcessedWebhookEvent
from tests.accounts.factories import UserFactory
from tests.listings.factories import ListingFactory

pytestmark = pytest.mark.django_db(transaction=True)

MODELS = {
    "payment": Payment,
    "payoutentry": PayoutEntry,
    "payoutaccount": PayoutAccount,
    "processedwebhookevent": ProcessedWebhookEvent,
}


def _executor() -> MigrationExecutor:
    return MigrationExecutor(connection)  # a fresh loader: it reads what is applied now


def _move() -> tuple[str, str]:
    """bookings' migration that hands the models over (found by name: a merge may renumber it)."""
    nodes = [key for key in _executor().loader.graph.nodes if key[0] == "bookings"]
    return next(key for key in nodes if key[1].endswith("_move_payments_out"))


def _before_move() -> list[tuple[str, str | None]]:
    """Targets that leave the database as it was just before the move: bookings' previous migration, no payments."""
    parents = _executor().loader.graph.node_map[_move()].parents
    previous = next(parent.key for parent in parents if parent.key[0] == "bookings")
    return [previous, ("payments", None)]


def _migrate_to_latest() -> None:
    executor = _executor()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _table_names() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def _row(model, pk: int) -> dict:
    """Every column of a row, by attribute name (``booking_id``, not the booking)."""
    return model.objects.values(*(field.attname for field in model._meta.concrete_fields)).get(pk=pk)


def _booking(*, listing, guest, start: int, total: str) -> Booking:
    check_in = timezone.localdate() + dt.timedelta(days=start)
    return Booking.objects.create(
        listing=listing,
        guest=guest,
        check_in=check_in,
        check_out=check_in + dt.timedelta(days=3),
        guests=2,
        status="confirmed",
        currency="EUR",
        total=Decimal(total),
        price_breakdown={"host_payout": total},
    )


def _write_old_rows(old_apps, *, host, guest, bookings) -> dict[str, dict[int, dict]]:
    """One or two rows per old table, every column set (no defaults): what the migration must keep."""
    OldPayment = old_apps.get_model("bookings", "Payment")
    OldPayoutEntry = old_apps.get_model("bookings", "PayoutEntry")
    OldPayoutAccount = old_apps.get_model("bookings", "PayoutAccount")
    OldEvent = old_apps.get_model("bookings", "ProcessedWebhookEvent")
    assert OldPayment._meta.db_table == "bookings_payment"
    now = timezone.now().replace(microsecond=0)
    first, second = bookings
    rows = [
        OldPayment.objects.create(
            booking_id=first.pk,
            gateway="stripe",
            intent_id="pi_moved_1",
            payment_method="pm_card_visa",
            status="partially_refunded",
            amount=Decimal("300.00"),
            currency="EUR",
            amount_refunded=Decimal("25.50"),
            capture_before=now + dt.timedelta(days=7),
            failure_code="",
            failure_message="",
        ),
        OldPayment.objects.create(
            booking_id=second.pk,
            gateway="local",
            intent_id="pi_moved_2",
            payment_method="pm_card_chargeDeclined",
            status="failed",
            amount=Decimal("120.00"),
            currency="EUR",
            amount_refunded=Decimal("0.00"),
            capture_before=None,
            failure_code="card_declined",
            failure_message="Your card was declined.",
        ),
        OldPayoutEntry.objects.create(
            booking_id=first.pk,
            host_id=host.pk,
            amount=Decimal("250.00"),
            currency="EUR",
            release_at=now - dt.timedelta(days=2),
            status="reversing",
            released_at=now - dt.timedelta(days=2),
            transfer_id="tr_moved_1",
            transfer_key="payout-1-retry-1",
            attempts=3,
            last_attempt_at=now - dt.timedelta(hours=5),
            paid_at=now - dt.timedelta(days=1),
            failure_code="",
            failure_message="",
            reversal_due=Decimal("40.00"),
            amount_reversed=Decimal("10.00"),
            reversal_id="trr_moved_1",
            reversal_key="payout-1-reversal-10.00",
        ),
        OldPayoutEntry.objects.create(
            booking_id=second.pk,
            host_id=host.pk,
            amount=Decimal("100.00"),
            currency="EUR",
            release_at=now + dt.timedelta(days=9),
            status="failed",
            released_at=None,
            transfer_id="",
            transfer_key="",
            attempts=1,
            last_attempt_at=now,
            paid_at=None,
            failure_code="account_closed",
            failure_message="The destination account is closed.",
            reversal_due=Decimal("0"),
            amount_reversed=Decimal("0"),
            reversal_id="",
            reversal_key="",
        ),
        OldPayoutAccount.objects.create(
            host_id=host.pk,
            gateway="stripe",
            account_id="acct_moved_host",
            charges_enabled=False,
            payouts_enabled=True,
            details_submitted=True,
            requirements_due=["external_account", "tos_acceptance.date"],
            disabled_reason="requirements.past_due",
        ),
        OldPayoutAccount.objects.create(
            host_id=guest.pk, gateway="local", account_id="acct_moved_guest", requirements_due=[]
        ),
        OldEvent.objects.create(event_id="evt_moved_1", event_type="payment_intent.succeeded"),
        OldEvent.objects.create(event_id="evt_moved_2", event_type="account.updated"),
    ]
    written: dict[str, dict[int, dict]] = {name: {} for name in MODELS}
    for row in rows:
        written[row._meta.model_name][row.pk] = _row(row._meta.model, row.pk)
    return written


def test_moving_the_tables_to_payments_keeps_every_row_and_sequence():
    host, guest = UserFactory(), UserFactory()
    listing = ListingFactory(host=host)
    bookings = [
        _booking(listing=listing, guest=guest, start=30, total="300.00"),
        _booking(listing=listing, guest=guest, start=40, total="120.00"),
    ]
    content_types = {name: ContentType.objects.get_for_model(model).pk for name, model in MODELS.items()}
    try:
        executor = _executor()
        executor.migrate(_before_move())
        tables = _table_names()
        assert {f"bookings_{name}" for name in MODELS} <= tables
        assert not {f"payments_{name}" for name in MODELS} & tables
        # The models as they were just before the move (applied migrations only).
        old_apps = _executor().loader.project_state(list(_executor().loader.applied_migrations)).apps
        written = _write_old_rows(old_apps, host=host, guest=guest, bookings=bookings)
    finally:
        _migrate_to_latest()
    ContentType.objects.clear_cache()

    tables = _table_names()
    assert not {f"bookings_{name}" for name in MODELS} & tables
    for name, model in MODELS.items():
        assert len(written[name]) == 2, name
        assert model._meta.db_table == f"payments_{name}"
        kept = {row["id"]: row for row in model.objects.values(*(f.attname for f in model._meta.concrete_fields))}
        assert kept == written[name], name  # every row, every column, nothing added
        # The id sequence moved with its table and goes on after the moved rows.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [model._meta.db_table])
            assert cursor.fetchone()[0] == f"public.payments_{name}_id_seq"
        # The admin permissions' content type is the same row, now labelled payments.
        content_type = ContentType.objects.get_for_model(model)
        assert (content_type.pk, content_type.app_label) == (content_types[name], "payments")
    assert not ContentType.objects.filter(app_label="bookings", model__in=list(MODELS)).exists()

    newer = ProcessedWebhookEvent.objects.create(event_id="evt_after_the_move", event_type="charge.refunded")
    assert newer.pk > max(written["processedwebhookevent"])
    account = PayoutAccount.objects.get(account_id="acct_moved_host")
    assert (account.host, account.ready, account.status) == (host, True, "enabled")
    assert Booking.objects.get(pk=bookings[0].pk).payment.intent_id == "pi_moved_1"
    assert Booking.objects.get(pk=bookings[0].pk).payout.amount_kept == Decimal("240.00")


def test_the_move_can_be_undone_without_losing_a_row():
    """Migrating back renames the tables to bookings_* again, rows included (then forward again)."""
    host, guest = UserFactory(), UserFactory()
    booking = _booking(listing=ListingFactory(host=host), guest=guest, start=30, total="80.00")
    Payment.objects.create(booking=booking, gateway="local", intent_id="pi_back", amount=booking.total, currency="EUR")
    PayoutAccount.objects.create(host=host, gateway="local", account_id="acct_back")
    try:
        _executor().migrate(_before_move())
        with connection.cursor() as cursor:
            cursor.execute("SELECT booking_id, intent_id, amount FROM bookings_payment")
            assert cursor.fetchall() == [(booking.pk, "pi_back", Decimal("80.00"))]
            cursor.execute("SELECT host_id, account_id FROM bookings_payoutaccount")
            assert cursor.fetchall() == [(host.pk, "acct_back")]
            cursor.execute("SELECT pg_get_serial_sequence('bookings_payment', 'id')")
            assert cursor.fetchone()[0] == "public.bookings_payment_id_seq"
    finally:
        _migrate_to_latest()
    ContentType.objects.clear_cache()
    assert Payment.objects.get(booking=booking).intent_id == "pi_back"
    assert PayoutAccount.objects.get(host=host).account_id == "acct_back"
