"""``pricing_localevent.box``: a box around each event's circle, stored (search reads it, never computes it).

A generated column the database keeps in step with ``location`` and ``radius_km``; the
model does not declare it (nothing in Python reads or writes it). Degrees of longitude
shrink with latitude: the half-width is the radius over 111 km times 1/cos of the
latitude farthest from the equator the circle reaches (plus 0.01 degree), capped at 89
degrees. A circle that would cross the antimeridian gets NULL: search then decides by
the exact distance alone (``search/query.py``, the ``ev`` CTE).
"""

from django.db import migrations

HALF_WIDTH = (
    "radius_km / 111.0 / greatest(cos(radians(least(abs(ST_Y(location::geometry)) + radius_km / 110.0 + 0.01, "
    "89.0))), 0.01) + 0.01"
)
BOX = (
    f"CASE WHEN abs(ST_X(location::geometry)) + {HALF_WIDTH} < 180 "
    f"THEN ST_Expand(location::geometry, {HALF_WIDTH}, radius_km / 110.0 + 0.01) END"
)


class Migration(migrations.Migration):
    dependencies = [("pricing", "0002_price_bounds_in_range")]

    operations = [
        migrations.RunSQL(
            f"ALTER TABLE pricing_localevent ADD COLUMN box geometry GENERATED ALWAYS AS ({BOX}) STORED;"
            "CREATE INDEX event_box_gist ON pricing_localevent USING gist (box);",
            "DROP INDEX event_box_gist; ALTER TABLE pricing_localevent DROP COLUMN box;",
        ),
    ]
