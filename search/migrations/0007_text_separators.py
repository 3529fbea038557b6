"""Words joined by punctuation are words: normalise text before ``to_tsvector``.

PostgreSQL's default parser reads ``w/balcony`` as one file-path token,
``www.oslo-flat.no`` as one host, ``90sqm`` as one "numword" and ``2.5`` as one
number, so a search for "balcony", "oslo", "sqm" or "5" missed the listing
(issue 17: 18 of 1,478 title words of a real city's listings). The document
function now runs every part through ``search_text_normalise`` first:

1. NFKC (``m²`` -> ``m2``, full-width letters -> ASCII, a decomposed ``é`` composed);
2. every run of characters that are not letters or digits -> one space (slashes,
   ``& + | · — – _``, emoji, the dots and ``@`` of hosts and addresses, apostrophes);
3. a space between digits and letters (``90sqm`` -> ``90 sqm``, ``4PPL`` -> ``4 PPL``).

The query side applies the same rule in Python (``search.text``), so a guest
typing ``w/balcony``, ``balcony`` or ``90sqm`` gets the same lexemes as the
document holds. Existing documents are rebuilt here with the GIN index dropped
and recreated afterwards (one pass over ``search_listing_text``; measured in
docs/benchmarks.md).
"""

from django.db import migrations

NORMALISE = r"""
CREATE FUNCTION search_text_normalise(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT regexp_replace(regexp_replace(regexp_replace(
               normalize(t, NFKC),
               '[^[:alnum:]]+', ' ', 'g'),
               '([0-9])([^0-9 ])', '\1 \2', 'g'),
               '([^0-9 ])([0-9])', '\1 \2', 'g')
$$;
"""

DOCUMENT = """
CREATE OR REPLACE FUNCTION search_listing_document(title text, places text, description text, amenity_codes text[])
RETURNS tsvector LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('search_english', {wrap}(coalesce(title, ''))), 'A')
        || setweight(to_tsvector('search_english', {wrap}(coalesce(places, ''))), 'B')
        || setweight(to_tsvector('search_english', {wrap}(coalesce(description, ''))), 'C')
        || setweight(to_tsvector('search_english', {wrap}(coalesce(
               (SELECT string_agg(a.name, ' ' ORDER BY a.name) FROM listings_amenity a
                 WHERE a.code = ANY(amenity_codes)), ''))), 'D')
$$;
"""

REBUILD = """
DROP INDEX search_listing_text_gin;
UPDATE search_listing_text t
   SET document = search_listing_document(l.title, concat_ws(' ', l.neighbourhood, l.city, l.region),
                                          l.description, l.amenities::text[])
  FROM listings_listing l
 WHERE l.id = t.listing_id;
CREATE INDEX search_listing_text_gin ON search_listing_text USING gin (document);
ANALYZE search_listing_text;
"""

FORWARD = NORMALISE + DOCUMENT.format(wrap="search_text_normalise") + REBUILD
BACKWARD = DOCUMENT.format(wrap="") + REBUILD + "DROP FUNCTION search_text_normalise(text);"


class Migration(migrations.Migration):
    dependencies = [("search", "0006_calendar_table_moved")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
