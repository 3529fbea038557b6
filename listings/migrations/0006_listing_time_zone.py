"""Each listing gets its IANA time zone, derived offline from its map point (tzfpy).

The backfill reads the points in id order, a batch at a time, and writes one
UPDATE per zone and batch; the search trigger ignores the column, so at 1M
listings this is a read and a write of the table, not a search rebuild.
"""

from collections import defaultdict

from django.conf import settings
from django.db import migrations, models

BATCH = 20_000


def backfill(apps, schema_editor):
    from listings.localtime import DEFAULT_ZONE, zone_for_point

    with schema_editor.connection.cursor() as cursor:
        last = 0
        while True:
            cursor.execute(
                "SELECT id, ST_Y(location::geometry), ST_X(location::geometry) FROM listings_listing"
                " WHERE id > %s ORDER BY id LIMIT %s",
                [last, BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            by_zone = defaultdict(list)
            for pk, lat, lng in rows:
                by_zone[DEFAULT_ZONE if lat is None else zone_for_point(lat=lat, lng=lng)].append(pk)
            for name, ids in by_zone.items():
                cursor.execute("UPDATE listings_listing SET time_zone = %s WHERE id = ANY(%s)", [name, ids])
            last = rows[-1][0]


class Migration(migrations.Migration):

    dependencies = [
        ('listings', '0005_listing_drop_unavailable_gist'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='listing',
            name='time_zone',
            field=models.CharField(blank=True, help_text='IANA time zone, e.g. Europe/Oslo.', max_length=64),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name='listing',
            constraint=models.CheckConstraint(condition=models.Q(('time_zone', ''), _negated=True), name='listing_time_zone_set'),
        ),
    ]
