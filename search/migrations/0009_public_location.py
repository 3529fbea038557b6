"""Search keeps each listing's public point, not its true one (``listings.0006``).

``search_listing.location`` is what the map box, the radius, the result cards
and the map pins read; it now copies ``listings_listing.public_location``. So
a search can neither show nor be made to reveal more than the listing page does:
shrinking a map box around a listing until it drops out finds the public point,
not the home (with the true point behind the filters, 40 box searches would
have found the home to a metre). The trigger functions of 0002 are rewritten from
their own definition with that one change (as 0006 did for the calendar table).
The change detection still compares ``location``: the public point changes
exactly when it does.
"""

from django.db import migrations

FUNCTIONS = ("search_listing_after_insert()", "search_listing_after_update()")


def _replace_in_functions(old: str, new: str) -> str:
    statements = "\n".join(
        f"    EXECUTE replace(pg_get_functiondef('{function}'::regprocedure), '{old}', '{new}');"
        for function in FUNCTIONS
    )
    return f"DO $$\nBEGIN\n{statements}\nEND $$;"


def _copy(column: str) -> str:
    return f"UPDATE search_listing s SET location = l.{column} FROM listings_listing l WHERE l.id = s.listing_id;"


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0008_place_search_count"),
        ("listings", "0007_listing_public_location"),
    ]

    operations = [
        migrations.RunSQL(
            _replace_in_functions("l.location,", "l.public_location,") + _copy("public_location"),
            _replace_in_functions("l.public_location,", "l.location,") + _copy("location"),
        ),
    ]
