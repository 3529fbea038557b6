"""``search_listing.country_code`` and ``region_key``: where the place-based price rules find a listing.

The search statement prices stays with every rule ``price_quote`` applies
(``search.pricing_sql``), and seasons are chosen by the listing's country and
region (``pricing.SeasonPeriod``; the region compared lowercased, as the quote's
rules query does). Reading them from ``listings_listing`` would touch the wide rows
the search table exists to avoid, so the search row carries them.

Kept by triggers with their own functions (the 0002 ones are left as they are): a
``search_listing`` row inserted for a listing being published gets them from the
listing, and a listing whose country or region changes updates its search row.
"""

from django.db import migrations, models

PLACE = "country_code = l.country_code, region_key = lower(l.region)"
CHANGED = "(s.country_code, s.region_key) IS DISTINCT FROM (l.country_code, lower(l.region))"

FORWARD = f"""
CREATE FUNCTION search_listing_place_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE 'UPDATE search_listing s SET {PLACE}
               FROM listings_listing l
              WHERE l.id = s.listing_id AND s.listing_id IN (SELECT listing_id FROM new_rows) AND {CHANGED}';
    RETURN NULL;
END $$;

CREATE FUNCTION search_listing_place_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE 'UPDATE search_listing s SET {PLACE}
               FROM new_rows l JOIN old_rows o ON o.id = l.id
              WHERE s.listing_id = l.id AND (l.country_code, l.region) IS DISTINCT FROM (o.country_code, o.region)
                AND {CHANGED}';
    RETURN NULL;
END $$;

CREATE TRIGGER search_listing_row_place AFTER INSERT ON search_listing
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_listing_place_after_insert();
CREATE TRIGGER search_listing_place_update AFTER UPDATE ON listings_listing
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION search_listing_place_after_update();

UPDATE search_listing s SET {PLACE} FROM listings_listing l WHERE l.id = s.listing_id AND {CHANGED};
"""

BACKWARD = """
DROP TRIGGER IF EXISTS search_listing_row_place ON search_listing;
DROP TRIGGER IF EXISTS search_listing_place_update ON listings_listing;
DROP FUNCTION IF EXISTS search_listing_place_after_insert();
DROP FUNCTION IF EXISTS search_listing_place_after_update();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0009_public_location"),
        ("listings", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchlisting",
            name="country_code",
            field=models.CharField(db_default="", max_length=2),
        ),
        migrations.AddField(
            model_name="searchlisting",
            name="region_key",
            field=models.CharField(db_default="", max_length=120),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
