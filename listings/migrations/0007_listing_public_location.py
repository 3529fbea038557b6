"""One public point per listing: ``listings_listing.public_location``, kept by the database.

Issue 17: search put a listing at a random point of a ~1 km cell (20 of 419 real
listings within 100 m of the home, one 5 m), the listing page drew a circle
around another point, and the API rounded to 0.01°; combining them narrowed a
home to 0.014 km². Now every public surface shows this one point.

The point is ``location`` moved by a distance uniform in [250 m, 700 m] along a
bearing uniform in [0, 2π), both taken from md5(key || listing id), where the key
is 256 random bits drawn here (``gen_random_uuid``, PostgreSQL's strong random
source) into ``listings_location_key``, a table no model maps (so test flushes
keep it) and nobody outside the database reads. So the offset is:

* fixed per listing: every page load, search and API call gives the same point,
  and averaging many answers reveals nothing;
* not computable from outside: without the key the id tells nothing;
* the same vector after the host moves the listing: the point moves with the
  home, and the old and new points together say no more than one of them.

A BEFORE trigger sets it on every insert and every update naming ``location`` (or
``public_location``: a stale value written back by an ORM save is recomputed), so
bulk loads (COPY in ``seed_demo``) and every service get it without code.
"""

import django.contrib.gis.db.models.fields
from django.db import migrations

FORWARD = """
CREATE TABLE listings_location_key (key text NOT NULL);
INSERT INTO listings_location_key
SELECT replace(gen_random_uuid()::text || gen_random_uuid()::text || gen_random_uuid()::text, '-', '');

CREATE FUNCTION listing_public_location(listing_id bigint, location geometry) RETURNS geometry
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN location IS NULL THEN NULL ELSE ST_SetSRID(ST_Project(
               location::geography,
               250 + 450 * (('x' || substr(h, 9, 8))::bit(32)::bigint / 4294967296.0),
               2 * pi() * (('x' || substr(h, 1, 8))::bit(32)::bigint / 4294967296.0))::geometry, 4326) END
      FROM (SELECT md5(k.key || ':' || listing_id::text) AS h FROM listings_location_key k) x
$$;

CREATE FUNCTION listings_listing_public_location() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.public_location := listing_public_location(NEW.id, NEW.location);
    RETURN NEW;
END $$;

CREATE TRIGGER listings_listing_public_location
    BEFORE INSERT OR UPDATE OF location, public_location ON listings_listing
    FOR EACH ROW EXECUTE FUNCTION listings_listing_public_location();

UPDATE listings_listing SET public_location = listing_public_location(id, location) WHERE location IS NOT NULL;
"""

BACKWARD = """
DROP TRIGGER IF EXISTS listings_listing_public_location ON listings_listing;
DROP FUNCTION IF EXISTS listings_listing_public_location();
DROP FUNCTION IF EXISTS listing_public_location(bigint, geometry);
DROP TABLE IF EXISTS listings_location_key;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("listings", "0006_listing_time_zone"),
    ]

    operations = [
        migrations.AddField(
            model_name="listing",
            name="public_location",
            field=django.contrib.gis.db.models.fields.PointField(
                blank=True, editable=False, null=True, srid=4326, spatial_index=False
            ),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
