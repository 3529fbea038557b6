"""Point the search functions at the calendar's new table name.

``availability.0001_initial`` renamed ``bookings_calendarnight`` to
``availability_calendarnight``. The triggers on it followed the table, but two
functions of 0002 (``search_listing_after_insert`` / ``_after_update``, which set
``has_overrides`` when a listing is published) name the table in SQL they run
with ``EXECUTE``, so they are rewritten from their own definition with the new
name (and back, on reverse): nothing else in them changes.
"""

from django.db import migrations

FUNCTIONS = ("search_listing_after_insert()", "search_listing_after_update()")


def _rename_in_functions(old: str, new: str) -> str:
    statements = "\n".join(
        f"    EXECUTE replace(pg_get_functiondef('{function}'::regprocedure), '{old}', '{new}');"
        for function in FUNCTIONS
    )
    return f"DO $$\nBEGIN\n{statements}\nEND $$;"


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0005_pricing_settings_flag"),
        ("availability", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            _rename_in_functions("bookings_calendarnight", "availability_calendarnight"),
            _rename_in_functions("availability_calendarnight", "bookings_calendarnight"),
        ),
    ]
