"""A published review cannot change (database trigger); aggregates backfilled from existing reviews.

The trigger refuses any UPDATE of a published review's content, and of a
response once posted; moderation (``hidden_at``) stays possible. The backfill
computes ``ListingRating`` / ``UserRating`` (and the listing's overall rating)
from the reviews already in the table, e.g. the demo world's. The SQL is frozen
here on purpose: ``reviews.services.aggregates.review_aggregates_rebuild`` is
the living version.
"""

from django.db import migrations

TRIGGER = """
CREATE OR REPLACE FUNCTION reviews_review_published_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.published_at IS NOT NULL AND (
        NEW.booking_id, NEW.listing_id, NEW.author_id, NEW.subject_id, NEW.direction, NEW.overall,
        NEW.categories, NEW.comment, NEW.private_note, NEW.created_at, NEW.published_at
    ) IS DISTINCT FROM (
        OLD.booking_id, OLD.listing_id, OLD.author_id, OLD.subject_id, OLD.direction, OLD.overall,
        OLD.categories, OLD.comment, OLD.private_note, OLD.created_at, OLD.published_at
    ) THEN
        RAISE EXCEPTION 'review % is published and cannot be changed', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF OLD.responded_at IS NOT NULL
       AND (NEW.response, NEW.responded_at) IS DISTINCT FROM (OLD.response, OLD.responded_at) THEN
        RAISE EXCEPTION 'the response to review % cannot be changed', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER review_published_immutable
    BEFORE UPDATE ON reviews_review
    FOR EACH ROW EXECUTE FUNCTION reviews_review_published_immutable();
"""

DROP_TRIGGER = """
DROP TRIGGER IF EXISTS review_published_immutable ON reviews_review;
DROP FUNCTION IF EXISTS reviews_review_published_immutable();
"""

BACKFILL = """
INSERT INTO reviews_listingrating (
    listing_id, review_count, overall, cleanliness, accuracy, check_in, communication, location, value, updated_at
)
SELECT listing_id, count(*), round(avg(overall), 2),
       round(avg((categories->>'cleanliness')::numeric), 2), round(avg((categories->>'accuracy')::numeric), 2),
       round(avg((categories->>'check_in')::numeric), 2), round(avg((categories->>'communication')::numeric), 2),
       round(avg((categories->>'location')::numeric), 2), round(avg((categories->>'value')::numeric), 2), now()
  FROM reviews_review
 WHERE direction = 'guest_to_host' AND published_at IS NOT NULL AND hidden_at IS NULL
 GROUP BY listing_id
ON CONFLICT (listing_id) DO NOTHING;

UPDATE listings_listing AS l
   SET rating_avg = r.overall, rating_count = r.review_count
  FROM reviews_listingrating AS r
 WHERE r.listing_id = l.id
   AND (l.rating_avg, l.rating_count) IS DISTINCT FROM (r.overall, r.review_count);

INSERT INTO reviews_userrating (
    user_id, host_review_count, host_rating, guest_review_count, guest_rating,
    guest_cleanliness, guest_communication, guest_house_rules, updated_at
)
SELECT subject_id,
       count(*) FILTER (WHERE direction = 'guest_to_host'),
       round(avg(overall) FILTER (WHERE direction = 'guest_to_host'), 2),
       count(*) FILTER (WHERE direction = 'host_to_guest'),
       round(avg(overall) FILTER (WHERE direction = 'host_to_guest'), 2),
       round(avg((categories->>'cleanliness')::numeric) FILTER (WHERE direction = 'host_to_guest'), 2),
       round(avg((categories->>'communication')::numeric) FILTER (WHERE direction = 'host_to_guest'), 2),
       round(avg((categories->>'house_rules')::numeric) FILTER (WHERE direction = 'host_to_guest'), 2),
       now()
  FROM reviews_review
 WHERE published_at IS NOT NULL AND hidden_at IS NULL
 GROUP BY subject_id
ON CONFLICT (user_id) DO NOTHING;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0002_responses_moderation_aggregates"),
    ]

    operations = [
        migrations.RunSQL(TRIGGER, DROP_TRIGGER),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop, elidable=True),
    ]
