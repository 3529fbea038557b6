"""``CalendarNight`` taken over from the ``bookings`` app, rows and all.

State: the model as it was in ``bookings`` (``bookings.0008_move_calendar_out``
removed it there). Database: no new table; ``bookings_calendarnight`` is renamed
``availability_calendarnight`` in place (a catalogue change, no row is copied),
and the objects PostgreSQL and Django named after the old table (primary key,
identity sequence, foreign keys, the booking index, the non-negative check) get
the names Django gives them on a new ``availability_calendarnight``, so a moved
database and a new one look the same. Constraints named in ``Meta`` keep their
names; the search triggers follow the table (``search.0006`` repoints the search
functions that name it).

Depends on ``search.0002_search_sql`` only for the order: that migration's SQL
names ``bookings_calendarnight``, so it must run before the rename.
"""

import django.db.models.deletion
from django.db import migrations, models

# (old name, new name): constraints renamed with ALTER TABLE ... RENAME CONSTRAINT.
CONSTRAINTS = [
    ("bookings_calendarnight_pkey", "availability_calendarnight_pkey"),
    ("bookings_calendarnight_min_nights_check", "availability_calendarnight_min_nights_check"),
    ("bookings_calendarnig_listing_id_f5f9eaa5_fk_listings_", "availability_calenda_listing_id_2e5142b4_fk_listings_"),
    ("bookings_calendarnig_booking_id_204d1d88_fk_bookings_", "availability_calenda_booking_id_c1fe2aa3_fk_bookings_"),
]
INDEXES = [("bookings_calendarnight_booking_id_204d1d88", "availability_calendarnight_booking_id_c1fe2aa3")]
SEQUENCES = [("bookings_calendarnight_id_seq", "availability_calendarnight_id_seq")]


def _rename_sql(old_table: str, new_table: str, forward: bool) -> str:
    def pair(names):
        return names if forward else (names[1], names[0])

    statements = [f'ALTER TABLE "{old_table}" RENAME TO "{new_table}";']
    for names in SEQUENCES:
        old, new = pair(names)
        statements.append(f'ALTER SEQUENCE "{old}" RENAME TO "{new}";')
    for names in CONSTRAINTS:
        old, new = pair(names)
        statements.append(f'ALTER TABLE "{new_table}" RENAME CONSTRAINT "{old}" TO "{new}";')
    for names in INDEXES:
        old, new = pair(names)
        statements.append(f'ALTER INDEX "{old}" RENAME TO "{new}";')
    return "\n".join(statements)


FORWARD = _rename_sql("bookings_calendarnight", "availability_calendarnight", forward=True)
BACKWARD = _rename_sql("availability_calendarnight", "bookings_calendarnight", forward=False)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("bookings", "0008_move_calendar_out"),
        ("listings", "0005_listing_drop_unavailable_gist"),
        ("search", "0002_search_sql"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(FORWARD, BACKWARD)],
            state_operations=[
                migrations.CreateModel(
                    name="CalendarNight",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("date", models.DateField()),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("available", "Available (override only)"),
                                    ("held", "Held (pending payment or host)"),
                                    ("booked", "Booked"),
                                    ("blocked", "Blocked by host"),
                                ],
                                max_length=10,
                            ),
                        ),
                        (
                            "price",
                            models.DecimalField(
                                blank=True,
                                decimal_places=2,
                                help_text="Host's price for this night.",
                                max_digits=10,
                                null=True,
                            ),
                        ),
                        (
                            "min_nights",
                            models.PositiveSmallIntegerField(
                                blank=True, help_text="Minimum stay starting this night.", null=True
                            ),
                        ),
                        (
                            "booking",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="nights_taken",
                                to="bookings.booking",
                            ),
                        ),
                        (
                            "listing",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="calendar_nights",
                                to="listings.listing",
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.UniqueConstraint(fields=("listing", "date"), name="calendar_night_unique"),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("booking__isnull", False), ("status__in", ["held", "booked"])),
                                    models.Q(("booking__isnull", True), ("status__in", ["blocked", "available"])),
                                    _connector="OR",
                                ),
                                name="calendar_night_booking_matches_status",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("price__isnull", True), ("price__gt", 0), _connector="OR"),
                                name="calendar_night_price_positive",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("min_nights__isnull", True), ("min_nights__gte", 1), _connector="OR"
                                ),
                                name="calendar_night_min_nights_positive",
                            ),
                        ],
                    },
                ),
            ],
        ),
    ]
