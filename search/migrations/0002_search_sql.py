"""Text search configuration, the triggers that keep ``search_listing`` in step, the gazetteer tables.

Why triggers: ``listings_listing.unavailable`` is rewritten by the bookings
calendar service in the same transaction as every booking and host block; an
AFTER trigger copies the change into ``search_listing`` inside that same
transaction, so date search is never stale and no application code has to
remember to call search. The triggers are statement-level with transition tables
(one bulk statement for a COPY of a million rows, one small one for a booking),
and their statements are planned per call (``EXECUTE``): a plan cached from a
single-row booking must never be reused for a bulk load, nor the reverse.

Synonyms ("jacuzzi" -> "hot tub", "whirlpool") are not a PostgreSQL dictionary:
a synonym dictionary needs a file in the server's share directory, which a
migration cannot install (nor can managed PostgreSQL services). They are
expanded in Python when the query is built (``search.text``).
"""

from django.db import migrations

# Rows search keeps: published, placed on the map, priced.
PUBLISHED = "{t}.status = 'published' AND {t}.location IS NOT NULL AND {t}.base_price IS NOT NULL"

# search_listing column <- expression over a listings_listing row aliased "l" and its host "u".
COPIED = {
    "host_id": "l.host_id",
    "location": "l.location",
    "unavailable": "l.unavailable",
    "property_type": "l.property_type",
    "room_type": "l.room_type",
    "cancellation_policy": "l.cancellation_policy",
    "max_guests": "l.max_guests",
    "bedrooms": "l.bedrooms",
    "beds": "l.beds",
    "bathrooms": "l.bathrooms",
    "amenity_ids": "ARRAY(SELECT a.id::smallint FROM listings_amenity a WHERE a.code = ANY(l.amenities) ORDER BY a.id)",
    "instant_book": "l.instant_book",
    "currency": "l.currency",
    "base_price": "l.base_price",
    "cleaning_fee": "l.cleaning_fee",
    "weekly_discount_pct": "l.weekly_discount_pct",
    "monthly_discount_pct": "l.monthly_discount_pct",
    "min_nights": "l.min_nights",
    "max_nights": "l.max_nights",
    "rating_avg": "l.rating_avg",
    "rating_count": "l.rating_count",
    "published_at": "l.published_at",
}
FROM_HOST = {"is_superhost": "u.is_superhost", "host_response_rate": "u.response_rate"}
DOCUMENT = (
    "search_listing_document(l.title, concat_ws(' ', l.neighbourhood, l.city, l.region), l.description, "
    "l.amenities::text[])"
)
# Listing columns whose change rewrites the text document (or may add/remove the row).
FULL_COLUMNS = ("status", "host_id", "title", "description", "neighbourhood", "city", "region", "amenities")
LIGHT_COLUMNS = tuple(c for c in COPIED if c not in FULL_COLUMNS and c != "amenity_ids")


def _columns(alias: str, names) -> str:
    return ", ".join(f"{alias}.{name}" for name in names)


UPSERT = f"""
    INSERT INTO search_listing AS s (listing_id, {", ".join(COPIED)}, {", ".join(FROM_HOST)}, has_overrides)
    SELECT l.id, {", ".join(COPIED.values())}, {", ".join(FROM_HOST.values())},
           EXISTS (SELECT 1 FROM bookings_calendarnight c
                    WHERE c.listing_id = l.id AND (c.price IS NOT NULL OR c.min_nights IS NOT NULL))
      FROM {{source}} AS l JOIN accounts_user u ON u.id = l.host_id
     WHERE {PUBLISHED.format(t="l")} {{condition}}
    ON CONFLICT (listing_id) DO UPDATE SET
        {", ".join(f"{c} = EXCLUDED.{c}" for c in (*COPIED, *FROM_HOST))},
        has_overrides = s.has_overrides OR EXCLUDED.has_overrides
"""
UPSERT_TEXT = f"""
    INSERT INTO search_listing_text AS t (listing_id, document)
    SELECT l.id, {DOCUMENT} FROM {{source}} AS l WHERE {PUBLISHED.format(t="l")} {{condition}}
    ON CONFLICT (listing_id) DO UPDATE SET document = EXCLUDED.document
"""

FORWARD = f"""
CREATE TEXT SEARCH CONFIGURATION search_english (COPY = pg_catalog.english);
ALTER TEXT SEARCH CONFIGURATION search_english
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;

-- Weights: A title, B neighbourhood / city / region, C description, D amenity names.
CREATE FUNCTION search_listing_document(title text, places text, description text, amenity_codes text[])
RETURNS tsvector LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('search_english', coalesce(title, '')), 'A')
        || setweight(to_tsvector('search_english', coalesce(places, '')), 'B')
        || setweight(to_tsvector('search_english', coalesce(description, '')), 'C')
        || setweight(to_tsvector('search_english', coalesce(
               (SELECT string_agg(a.name, ' ' ORDER BY a.name) FROM listings_amenity a
                 WHERE a.code = ANY(amenity_codes)), '')), 'D')
$$;

-- Room on each page for a booking's rewrite of "unavailable" to stay a HOT update.
ALTER TABLE search_listing SET (fillfactor = 85);
-- Read on every candidate row: inline and never compressed.
ALTER TABLE search_listing ALTER COLUMN unavailable SET STORAGE PLAIN,
                           ALTER COLUMN amenity_ids SET STORAGE PLAIN,
                           ALTER COLUMN location SET STORAGE PLAIN;

CREATE FUNCTION search_listing_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE $q${UPSERT.format(source="new_rows", condition="")}$q$;
    EXECUTE $q${UPSERT_TEXT.format(source="new_rows", condition="")}$q$;
    RETURN NULL;
END $$;

CREATE FUNCTION search_listing_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    full_ids bigint[];
    light_ids bigint[];
    gone_ids bigint[];
BEGIN
    EXECUTE $q$
    SELECT array_agg(id) FILTER (WHERE NOT published),
           array_agg(id) FILTER (WHERE published AND full_change),
           array_agg(id) FILTER (WHERE published AND NOT full_change)
      FROM (SELECT n.id, ({PUBLISHED.format(t="n")}) AS published,
                   ({PUBLISHED.format(t="o")}) IS DISTINCT FROM ({PUBLISHED.format(t="n")})
                   OR ({_columns("n", FULL_COLUMNS)}) IS DISTINCT FROM ({_columns("o", FULL_COLUMNS)}) AS full_change
              FROM new_rows n JOIN old_rows o ON o.id = n.id
             WHERE ({_columns("n", (*FULL_COLUMNS, *LIGHT_COLUMNS))})
                   IS DISTINCT FROM ({_columns("o", (*FULL_COLUMNS, *LIGHT_COLUMNS))})) AS changed
    $q$ INTO gone_ids, full_ids, light_ids;
    IF gone_ids IS NOT NULL THEN
        EXECUTE 'DELETE FROM search_listing WHERE listing_id = ANY($1)' USING gone_ids;
        EXECUTE 'DELETE FROM search_listing_text WHERE listing_id = ANY($1)' USING gone_ids;
    END IF;
    IF full_ids IS NOT NULL THEN
        EXECUTE $q${UPSERT.format(source="listings_listing", condition="AND l.id = ANY($1)")}$q$ USING full_ids;
        EXECUTE $q${UPSERT_TEXT.format(source="listings_listing", condition="AND l.id = ANY($1)")}$q$
            USING full_ids;
    END IF;
    IF light_ids IS NOT NULL THEN
        EXECUTE $q$
            UPDATE search_listing AS s SET {", ".join(f"{c} = {COPIED[c]}" for c in LIGHT_COLUMNS)}
              FROM listings_listing l
             WHERE l.id = s.listing_id AND s.listing_id = ANY($1)
        $q$ USING light_ids;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION search_listing_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE 'DELETE FROM search_listing WHERE listing_id IN (SELECT id FROM old_rows)';
    EXECUTE 'DELETE FROM search_listing_text WHERE listing_id IN (SELECT id FROM old_rows)';
    RETURN NULL;
END $$;

CREATE FUNCTION search_listing_after_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM search_listing;
    DELETE FROM search_listing_text;
    RETURN NULL;
END $$;

CREATE FUNCTION search_host_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    host_ids bigint[];
BEGIN
    EXECUTE $q$
        SELECT array_agg(n.id) FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE (n.is_superhost, n.response_rate) IS DISTINCT FROM (o.is_superhost, o.response_rate)
    $q$ INTO host_ids;
    IF host_ids IS NOT NULL THEN
        EXECUTE $q$
            UPDATE search_listing AS s SET is_superhost = u.is_superhost, host_response_rate = u.response_rate
              FROM accounts_user u
             WHERE u.id = s.host_id AND s.host_id = ANY($1)
        $q$ USING host_ids;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION search_calendar_after_write() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    listing_ids bigint[];
BEGIN
    EXECUTE $q$
        SELECT array_agg(DISTINCT listing_id) FROM new_rows WHERE price IS NOT NULL OR min_nights IS NOT NULL
    $q$ INTO listing_ids;
    IF listing_ids IS NOT NULL THEN
        EXECUTE 'UPDATE search_listing SET has_overrides = true WHERE listing_id = ANY($1) AND NOT has_overrides'
            USING listing_ids;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER search_listing_insert AFTER INSERT ON listings_listing
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_listing_after_insert();
CREATE TRIGGER search_listing_update AFTER UPDATE ON listings_listing
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION search_listing_after_update();
CREATE TRIGGER search_listing_delete AFTER DELETE ON listings_listing
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_listing_after_delete();
CREATE TRIGGER search_listing_truncate AFTER TRUNCATE ON listings_listing
    FOR EACH STATEMENT EXECUTE FUNCTION search_listing_after_truncate();
CREATE TRIGGER search_host_update AFTER UPDATE ON accounts_user
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION search_host_after_update();
CREATE TRIGGER search_calendar_insert AFTER INSERT ON bookings_calendarnight
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_calendar_after_write();
CREATE TRIGGER search_calendar_update AFTER UPDATE ON bookings_calendarnight
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_calendar_after_write();

-- Existing listings (a no-op on a fresh database), loaded in spatial order with the
-- indexes built afterwards: a city's rows land on neighbouring pages.
DROP INDEX search_listing_location_gist;
DROP INDEX search_listing_text_gin;
INSERT INTO search_listing (listing_id, {", ".join(COPIED)}, {", ".join(FROM_HOST)}, has_overrides)
SELECT l.id, {", ".join(COPIED.values())}, {", ".join(FROM_HOST.values())},
       l.id IN (SELECT listing_id FROM bookings_calendarnight WHERE price IS NOT NULL OR min_nights IS NOT NULL)
  FROM listings_listing l JOIN accounts_user u ON u.id = l.host_id
 WHERE {PUBLISHED.format(t="l")}
 ORDER BY ST_GeoHash(l.location, 8), l.id;
{UPSERT_TEXT.format(source="listings_listing", condition="")};
CREATE INDEX search_listing_location_gist ON search_listing USING gist (location);
CREATE INDEX search_listing_text_gin ON search_listing_text USING gin (document);
ANALYZE search_listing;
ANALYZE search_listing_text;

-- The gazetteer (unmanaged models search.Place / search.PlaceName; filled by 0003).
CREATE TABLE search_place (
    id bigint PRIMARY KEY,
    name varchar(200) NOT NULL,
    kind varchar(10) NOT NULL,
    country_code varchar(2) NOT NULL,
    admin1_code varchar(20) NOT NULL DEFAULT '',
    population bigint NOT NULL,
    location geometry(Point, 4326) NOT NULL,
    west double precision NOT NULL,
    south double precision NOT NULL,
    east double precision NOT NULL,
    north double precision NOT NULL,
    currency varchar(3) NOT NULL
);
CREATE INDEX search_place_location_gist ON search_place USING gist (location);
CREATE TABLE search_placename (
    id bigserial PRIMARY KEY,
    place_id bigint NOT NULL REFERENCES search_place (id) ON DELETE CASCADE,
    name varchar(200) NOT NULL,
    is_own boolean NOT NULL
);
CREATE INDEX search_placename_name ON search_placename (name varchar_pattern_ops);
CREATE INDEX search_placename_place ON search_placename (place_id);
CREATE INDEX search_placename_trgm ON search_placename USING gin (name gin_trgm_ops);
"""

BACKWARD = """
DROP TABLE IF EXISTS search_placename;
DROP TABLE IF EXISTS search_place;
DROP TRIGGER IF EXISTS search_calendar_update ON bookings_calendarnight;
DROP TRIGGER IF EXISTS search_calendar_insert ON bookings_calendarnight;
DROP TRIGGER IF EXISTS search_host_update ON accounts_user;
DROP TRIGGER IF EXISTS search_listing_truncate ON listings_listing;
DROP TRIGGER IF EXISTS search_listing_delete ON listings_listing;
DROP TRIGGER IF EXISTS search_listing_update ON listings_listing;
DROP TRIGGER IF EXISTS search_listing_insert ON listings_listing;
DROP FUNCTION IF EXISTS search_calendar_after_write();
DROP FUNCTION IF EXISTS search_host_after_update();
DROP FUNCTION IF EXISTS search_listing_after_truncate();
DROP FUNCTION IF EXISTS search_listing_after_delete();
DROP FUNCTION IF EXISTS search_listing_after_update();
DROP FUNCTION IF EXISTS search_listing_after_insert();
DELETE FROM search_listing;
DELETE FROM search_listing_text;
DROP FUNCTION IF EXISTS search_listing_document(text, text, text, text[]);
DROP TEXT SEARCH CONFIGURATION IF EXISTS search_english;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_search_tables"),
        ("accounts", "0001_initial"),
        ("bookings", "0002_booking_engine"),
        ("listings", "0003_listing_unavailable"),
    ]

    operations = [
        migrations.RunSQL("CREATE EXTENSION IF NOT EXISTS unaccent; CREATE EXTENSION IF NOT EXISTS pg_trgm;", ""),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
