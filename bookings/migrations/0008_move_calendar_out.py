"""``CalendarNight`` moves to the ``availability`` app.

Only the migration state changes here: the table and its rows stay where they
are, and ``availability.0001_initial`` (which depends on this migration) takes
the model over and renames the table to ``availability_calendarnight``.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0007_idempotency_response_content"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="CalendarNight")],
            database_operations=[],
        ),
    ]
