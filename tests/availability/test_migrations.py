"""Moving the calendar to the availability app keeps every row, on a real database.

The test database is migrated back to just before the move, calendar rows are
written into ``bookings_calendarnight``, and it is migrated forward again. Each
xdist worker has its own database; whatever happens, the database is left fully
migrated.
"""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from availability.models import CalendarNight
from availability.services import calendar_set_nights
from bookings.models import Booking
from listings.models import Listing, ListingStatus
from tests.accounts.factories import UserFactory
from tests.bookings.helpers import days
from tests.listings.factories import ListingFactory

COLUMNS = "id, listing_id, date, status, booking_id, price, min_nights"


def _migrate(targets) -> None:
    MigrationExecutor(connection).migrate(targets)


def _before_the_move() -> list[tuple[str, str]]:
    """The bookings migration just before ``bookings.NNNN_move_calendar_out`` (found by name: merges renumber)."""
    graph = MigrationExecutor(connection).loader.graph
    [move] = [key for key in graph.nodes if key[0] == "bookings" and key[1].endswith("_move_calendar_out")]
    return [parent.key for parent in graph.node_map[move].parents if parent.key[0] == "bookings"]


def _latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _rows(table: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {COLUMNS} FROM {table} ORDER BY id")
        return cursor.fetchall()


@pytest.mark.django_db(transaction=True)
def test_moving_the_calendar_table_keeps_every_row():
    listing, other = ListingFactory(), ListingFactory()
    booking, held = (
        Booking.objects.create(
            listing=place,
            guest=UserFactory(),
            check_in=days(10),
            check_out=days(12),
            guests=2,
            currency="EUR",
            total=Decimal("240.00"),
        )
        for place in (listing, other)
    )
    try:
        _migrate(_before_the_move())
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('availability_calendarnight') IS NULL")
            assert cursor.fetchone() == (True,)
            cursor.execute(
                """
                INSERT INTO bookings_calendarnight (listing_id, date, status, booking_id, price, min_nights) VALUES
                    (%(l)s, %(d10)s, 'booked', %(b)s, 150.00, NULL),
                    (%(l)s, %(d11)s, 'booked', %(b)s, NULL, NULL),
                    (%(l)s, %(d20)s, 'blocked', NULL, NULL, NULL),
                    (%(l)s, %(d21)s, 'available', NULL, 99.99, 3),
                    (%(o)s, %(d10)s, 'available', NULL, NULL, 7),
                    (%(o)s, %(d11)s, 'held', %(h)s, 1234.56, 2)
                """,
                {
                    "l": listing.pk,
                    "o": other.pk,
                    "b": booking.pk,
                    "h": held.pk,
                    "d10": days(10),
                    "d11": days(11),
                    "d20": days(20),
                    "d21": days(21),
                },
            )
        before = _rows("bookings_calendarnight")
        assert len(before) == 6
    finally:
        _migrate(_latest())

    assert _rows("availability_calendarnight") == before
    orm = list(CalendarNight.objects.order_by("id").values_list(*[c.strip() for c in COLUMNS.split(",")]))
    assert orm == before
    assert sorted(booking.nights_taken.values_list("date", flat=True)) == [days(10), days(11)]

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bookings_calendarnight') IS NULL")
        assert cursor.fetchone() == (True,)
        # The identity sequence, constraints and indexes moved with the table, under their new names.
        cursor.execute(
            """
            SELECT conname FROM pg_constraint WHERE conrelid = 'availability_calendarnight'::regclass
            UNION ALL SELECT indexrelid::regclass::text FROM pg_index
             WHERE indrelid = 'availability_calendarnight'::regclass
            UNION ALL SELECT pg_get_serial_sequence('availability_calendarnight', 'id')
            """
        )
        names = [name for (name,) in cursor.fetchall()]
        assert "calendar_night_unique" in names and "public.availability_calendarnight_id_seq" in names
        assert not [name for name in names if "bookings_calendarni" in name]
        # No database function still reads the old table (search's triggers run SQL naming it).
        cursor.execute("SELECT proname FROM pg_proc WHERE prosrc LIKE '%bookings_calendarnight%'")
        assert cursor.fetchall() == []

    # The sequence goes on after the moved rows and the constraints still hold.
    calendar_set_nights(listing=other, start=days(30), end=days(31), price=Decimal("120"))
    assert CalendarNight.objects.get(listing=other, date=days(30)).pk > max(row[0] for row in before)
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarNight.objects.create(listing=listing, date=days(20), status="blocked")
    # Search follows the moved table: its calendar trigger, and publishing, which reads the calendar in SQL.
    priced, draft = ListingFactory(), ListingFactory(status=ListingStatus.DRAFT, published_at=None)
    for place in (priced, draft):
        calendar_set_nights(listing=place, start=days(40), end=days(41), price=Decimal("130"))
    Listing.objects.filter(pk=draft.pk).update(status=ListingStatus.PUBLISHED)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT listing_id, has_overrides FROM search_listing WHERE listing_id = ANY(%s)", [[priced.pk, draft.pk]]
        )
        assert dict(cursor.fetchall()) == {priced.pk: True, draft.pk: True}
