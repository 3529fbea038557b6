"""Give the rank-tier GiST indexes their WHERE clause.

Django's PostGIS schema editor drops ``condition`` from a ``GistIndex`` on a
geometry column (0001 created both as full indexes). The model's ``Meta.indexes``
state is right; this makes the database match it.
"""

from django.db import migrations

FORWARD = """
DROP INDEX IF EXISTS search_listing_top10_gist;
DROP INDEX IF EXISTS search_listing_top1_gist;
CREATE INDEX search_listing_top10_gist ON search_listing USING gist (location) WHERE rank_tier < 10;
CREATE INDEX search_listing_top1_gist ON search_listing USING gist (location) WHERE rank_tier < 1;
"""

BACKWARD = """
DROP INDEX IF EXISTS search_listing_top10_gist;
DROP INDEX IF EXISTS search_listing_top1_gist;
CREATE INDEX search_listing_top10_gist ON search_listing USING gist (location);
CREATE INDEX search_listing_top1_gist ON search_listing USING gist (location);
"""


class Migration(migrations.Migration):
    dependencies = [("search", "0003_gazetteer_data")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
