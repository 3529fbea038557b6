"""Let a booking's rewrite of ``listings_listing.unavailable`` be a HOT update.

Every booking, cancellation and host block rewrites the listing's ``unavailable``
multirange. The GiST index on it served date search before search got its own
table (``search_listing``, kept in step by triggers, with its own GiST index);
nothing queries it through the index any more, yet it made every rewrite a
non-HOT update: a new entry in each of the listing table's eight indexes.
Without it, and with free room on each page (fillfactor 90; pages written
before this migration get it when the table is rewritten, e.g. ``VACUUM FULL``),
the rewrite stays on its page and touches no index.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("listings", "0004_listing_editing_photos_wishlists"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="listing", name="listing_unavailable_gist"),
        migrations.RunSQL(
            "ALTER TABLE listings_listing SET (fillfactor = 90)",
            "ALTER TABLE listings_listing RESET (fillfactor)",
        ),
    ]
