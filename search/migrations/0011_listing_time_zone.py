"""``search_listing.time_zone``: what "today" is where a listing is, read without the listing row.

Two rules of the search statement depend on the listing's own date: a check-in
date already past where the listing is ("tonight" near midnight UTC), and the
days ahead that area demand counts from (``pricing.rules.demand_adjustment``:
the quote counts from the listing's today, so search must too, to the cent).
Both read the zone from the narrow search row instead of joining
``listings_listing`` per candidate.

Kept by the place triggers of migration 0010, replaced here to carry the zone as
well (same functions, one more column): a search row inserted for a listing being
published gets it from the listing, and a listing whose zone changes (moved, or
corrected by the host) updates its search row. An empty zone reads as UTC, as
``listings.localtime.zone`` does.
"""

from django.db import migrations, models

FORWARD = """
CREATE OR REPLACE FUNCTION search_listing_place_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE $q$
        UPDATE search_listing s
           SET country_code = l.country_code, region_key = lower(l.region),
               time_zone = coalesce(nullif(l.time_zone, ''), 'UTC')
          FROM listings_listing l
         WHERE l.id = s.listing_id AND s.listing_id IN (SELECT listing_id FROM new_rows)
           AND (s.country_code, s.region_key, s.time_zone)
               IS DISTINCT FROM (l.country_code, lower(l.region), coalesce(nullif(l.time_zone, ''), 'UTC'))
    $q$;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION search_listing_place_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE $q$
        UPDATE search_listing s
           SET country_code = l.country_code, region_key = lower(l.region),
               time_zone = coalesce(nullif(l.time_zone, ''), 'UTC')
          FROM new_rows l JOIN old_rows o ON o.id = l.id
         WHERE s.listing_id = l.id
           AND (l.country_code, l.region, l.time_zone) IS DISTINCT FROM (o.country_code, o.region, o.time_zone)
           AND (s.country_code, s.region_key, s.time_zone)
               IS DISTINCT FROM (l.country_code, lower(l.region), coalesce(nullif(l.time_zone, ''), 'UTC'))
    $q$;
    RETURN NULL;
END $$;

UPDATE search_listing s SET time_zone = coalesce(nullif(l.time_zone, ''), 'UTC')
  FROM listings_listing l
 WHERE l.id = s.listing_id AND s.time_zone IS DISTINCT FROM coalesce(nullif(l.time_zone, ''), 'UTC');
"""

# Migration 0010's functions, as they were.
PLACE = "country_code = l.country_code, region_key = lower(l.region)"
CHANGED = "(s.country_code, s.region_key) IS DISTINCT FROM (l.country_code, lower(l.region))"
BACKWARD = f"""
CREATE OR REPLACE FUNCTION search_listing_place_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE 'UPDATE search_listing s SET {PLACE}
               FROM listings_listing l
              WHERE l.id = s.listing_id AND s.listing_id IN (SELECT listing_id FROM new_rows) AND {CHANGED}';
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION search_listing_place_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE 'UPDATE search_listing s SET {PLACE}
               FROM new_rows l JOIN old_rows o ON o.id = l.id
              WHERE s.listing_id = l.id AND (l.country_code, l.region) IS DISTINCT FROM (o.country_code, o.region)
                AND {CHANGED}';
    RETURN NULL;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0010_price_place"),
        ("listings", "0008_listing_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchlisting",
            name="time_zone",
            field=models.CharField(db_default="UTC", max_length=64),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
