"""Seeding the demo world: one transaction around truncate, COPY, aggregates and indexes.

Everything the seed writes happens in a single transaction, including ``--reset``'s
TRUNCATE and the dropping and rebuilding of indexes: if anything fails halfway,
PostgreSQL rolls it all back and the previous state (an empty database, or the
previous world) is still there, so simply running the command again recovers.
Only the photo pool files are written outside the transaction; they are
deterministic and reused. The live flows (``flows``) run through the product's
services inside the same transaction; what those services do after commit (queue
notification emails, the payout transfer check) happens once the seed commits.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from accounts.models import User
from availability.models import CalendarNight
from bookings.models import Booking
from listings.models import Amenity, Listing, ListingPhoto
from reviews.models import Review
from reviews.services.aggregates import review_aggregates_rebuild

from . import DEMO_EMAILS, DEMO_PASSWORD
from .flows import LiveFlows, LiveSummary
from .pgcopy import CopyTarget, copy_rows, structures_suspend
from .photos import photo_pool_ensure
from .place_rules import place_rules_clear, place_rules_seed
from .stays import Stays
from .world import DemoWorld, IdBases

# Tables the demo world fills; --reset empties them (the amenity catalogue and Django's own tables stay).
SEEDED_MODELS = (User, Listing, ListingPhoto, Booking, CalendarNight, Review)


class DemoWorldError(Exception):
    """The database is not in a state the seed can work with (message says what to do)."""


@dataclass
class SeedReport:
    """What a seed produced: rows per table and seconds per phase."""

    listings: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    phases: list[tuple[str, float]] = field(default_factory=list)
    photos_drawn: int = 0
    demo_host_listings: int = 0
    live: LiveSummary = field(default_factory=LiveSummary)


def demo_world_exists() -> bool:
    """Whether the database already has a world (any listing at all counts)."""
    return Listing.objects.exists()


def demo_world_seed(
    *,
    listings: int,
    seed: int = 1,
    reset: bool = False,
    today: date | None = None,
    media_root: Path | None = None,
    report: Callable[[str], None] = lambda line: None,
) -> SeedReport:
    """Generate a demo world of ``listings`` listings (same seed and size -> same world).

    With ``reset``, existing users, listings, photos, bookings, nights and reviews
    are truncated first (in the same transaction; tables referencing them, such as
    tokens and admin log entries, are emptied too by CASCADE). Without it the
    database must have no listings and no demo accounts, or ``DemoWorldError``
    is raised. ``report`` receives progress lines. ``today`` (default: the local date)
    must be today when given: the live flows go through services that read the clock.
    """
    result = SeedReport(listings=listings)
    clock = _PhaseClock(result, report)
    today = today or timezone.localdate()
    if today != timezone.localdate():
        raise DemoWorldError("The demo world is laid out from today: its live flows go through the real services.")

    with clock.phase("photo pool"):
        pool, result.photos_drawn = photo_pool_ensure(media_root=Path(media_root or settings.MEDIA_ROOT))
        report(f"  photo pool: {len(pool)} images ({result.photos_drawn} drawn now)")

    with transaction.atomic(), connection.cursor() as cursor:
        if not reset:
            if demo_world_exists():
                raise DemoWorldError(
                    "The database already has listings: use --reset to replace them with a new demo world."
                )
            if User.objects.filter(email__in=DEMO_EMAILS).exists():
                raise DemoWorldError("Demo accounts already exist without a demo world: use --reset to start over.")
        # Loading and index builds are memory-hungry; these only last until commit.
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cursor.execute("SET LOCAL work_mem = '256MB'")
        tables = [model._meta.db_table for model in SEEDED_MODELS]
        if reset:
            with clock.phase("reset"):
                # Foreign keys are DEFERRABLE INITIALLY DEFERRED: rows written earlier in
                # an enclosing transaction (tests) leave pending checks, and PostgreSQL
                # refuses to TRUNCATE a table with pending trigger events. Run them now.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        # After a TRUNCATE in this transaction, COPY may write rows already frozen.
        freeze = reset

        with clock.phase("plan"):
            ids = IdBases(
                user=_max_id(cursor, User), listing=_max_id(cursor, Listing), booking=_max_id(cursor, Booking)
            )
            world = DemoWorld(
                listings=listings,
                seed=seed,
                today=today,
                ids=ids,
                password_hash=make_password(DEMO_PASSWORD),
                amenity_codes=set(Amenity.objects.values_list("code", flat=True)),
                photo_pool=pool,
            )
            if not world.amenity_codes:
                report("  warning: the amenity catalogue is empty (migrations not applied?): listings get no amenities")
            flows = LiveFlows(world=world)
            stays = Stays(world=world, history_end=flows.history_end, demo_guest_busy=flows.demo_guest_busy)
            result.demo_host_listings = world.demo_host_listings
            report(
                f"  plan: {listings:,} listings in {world.city_count:,} cities, "
                f"{world.host_count:,} hosts, {world.guest_count:,} guests"
            )

        with clock.phase("drop indexes"):
            restore = structures_suspend(cursor, tables=tables)

        def load(model: type, columns: tuple[str, ...], lines: Iterator[str], total: int | None = None) -> None:
            table = model._meta.db_table
            with clock.phase(table):
                target = CopyTarget.for_model(model, columns=columns)
                count = copy_rows(cursor, target=target, lines=lines, freeze=freeze, total=total, report=report)
                result.counts[table] = count
                report(f"  {table}: {count:,} rows")

        load(User, DemoWorld.USER_COLUMNS, world.user_lines(), world.user_rows)
        load(Listing, DemoWorld.LISTING_COLUMNS, world.listing_lines(), listings)
        load(ListingPhoto, DemoWorld.PHOTO_COLUMNS, world.photo_lines())
        load(Booking, Stays.BOOKING_COLUMNS, stays.booking_lines())
        load(CalendarNight, Stays.NIGHT_COLUMNS, stays.night_lines())
        load(Review, Stays.REVIEW_COLUMNS, stays.review_lines())

        with clock.phase("aggregates"):
            _aggregates_update(cursor)
            # Per-category listing averages and person ratings (the reviews app's tables).
            review_aggregates_rebuild()
            for model in (User, Listing, Booking, ListingPhoto, CalendarNight, Review):
                _sequence_sync(cursor, model)

        with clock.phase("rebuild indexes"):
            for statement in restore:
                started = time.monotonic()
                cursor.execute(statement)
                if (seconds := time.monotonic() - started) >= 1:
                    report(f"    {_statement_name(statement)}: {seconds:.1f} s")

        with clock.phase("analyze"):
            cursor.execute(f"ANALYZE {', '.join(tables)}")

        with clock.phase("live flows"):
            # The place rules come after the flows; an earlier world's must not price them.
            place_rules_clear()
            # Through the product's services, on the finished history (indexes and constraints back).
            result.live = flows.run(report=report)
            live = result.live
            report(
                f"  live flows: {live.bookings} bookings, {live.messages} messages, {live.payouts_paid} payouts paid, "
                f"{live.reports} reported reviews, {live.view_days:,} days of page views"
            )

        with clock.phase("place rules"):
            # Last, from their own random generator: every table above is the same with or without them.
            result.counts.update(place_rules_seed(seed=seed, today=today, report=report))

    if not connection.in_atomic_block:
        # The rating and superhost UPDATEs left old row versions behind and cleared the
        # visibility map that COPY FREEZE had set; VACUUM restores both (index-only scans
        # work from the first query). It cannot run inside a transaction, so callers that
        # wrap the seed in one (tests) skip it and leave it to autovacuum.
        with clock.phase("vacuum"), connection.cursor() as cursor:
            cursor.execute(f"VACUUM {Listing._meta.db_table}, {User._meta.db_table}")

    return result


def _max_id(cursor: CursorWrapper, model: type) -> int:
    cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{model._meta.db_table}"')
    return cursor.fetchone()[0]


def _aggregates_update(cursor: CursorWrapper) -> None:
    """Rating aggregates from the published guest reviews, then superhosts, all in SQL."""
    cursor.execute(
        """
        UPDATE listings_listing AS l
        SET rating_avg = s.avg, rating_count = s.n
        FROM (
            SELECT listing_id, round(avg(overall), 2) AS avg, count(*) AS n
            FROM reviews_review
            WHERE direction = 'guest_to_host' AND published_at IS NOT NULL
            GROUP BY listing_id
        ) AS s
        WHERE l.id = s.listing_id
        """
    )
    cursor.execute(
        """
        UPDATE accounts_user AS u
        SET is_superhost = true
        FROM (
            SELECT host_id
            FROM listings_listing
            WHERE rating_count > 0
            GROUP BY host_id
            HAVING sum(rating_count) >= 3 AND sum(rating_avg * rating_count) / sum(rating_count) >= 4.8
        ) AS s
        WHERE u.id = s.host_id
        """
    )


def _sequence_sync(cursor: CursorWrapper, model: type) -> None:
    """Move the id sequence past the ids the generator assigned itself."""
    table = model._meta.db_table
    cursor.execute(
        f"""
        SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE(MAX(id), 0) + 1, false) FROM "{table}"
        """,
        [table],
    )


def _statement_name(statement: str) -> str:
    words = statement.split()
    if words[:2] == ["CREATE", "INDEX"] or words[:3] == ["CREATE", "UNIQUE", "INDEX"]:
        return "index " + words[words.index("INDEX") + 1]
    return f"constraint {words[5]} on {words[2]}"


class _PhaseClock:
    """Times named phases into the report and prints one line per finished phase."""

    def __init__(self, result: SeedReport, report: Callable[[str], None]) -> None:
        self.result, self.report = result, report

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        started = time.monotonic()
        yield
        seconds = time.monotonic() - started
        self.result.phases.append((name, seconds))
        self.report(f"[{name}] {seconds:.1f} s")
