"""``manage.py seed_calendars``: realistic future bookings, host blocks and overrides (see search/demo_calendars.py)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from availability.selectors import BOOKING_WINDOW_DAYS
from search.demo_calendars import calendars_clear, calendars_seed


class Command(BaseCommand):
    help = "Fill the next year of every published listing's calendar with bookings, blocks and overrides."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed; same seed, date and world, same calendars."
        )
        parser.add_argument("--days", type=int, default=365, help="How many nights ahead to fill (default 365).")
        parser.add_argument("--start", type=dt.date.fromisoformat, default=None, help="First night (default today).")
        parser.add_argument("--chunk", type=int, default=25_000, help="Listings per transaction (default 25,000).")
        parser.add_argument("--clear", action="store_true", help="Remove what earlier runs added, then stop.")

    def handle(self, *args, seed: int, days: int, start, chunk: int, clear: bool, **options) -> None:
        if clear:
            cleared = calendars_clear(report=self.stdout.write)
            self.stdout.write(self.style.SUCCESS(f"Cleared {cleared} calendar seed run(s)."))
            return
        if not 1 <= days <= BOOKING_WINDOW_DAYS:
            raise CommandError(f"--days must be between 1 and {BOOKING_WINDOW_DAYS} (the booking window).")
        if chunk < 1:
            raise CommandError("--chunk must be positive.")
        self.stdout.write(f"Seeding {days} nights of calendars (seed {seed})...")
        result = calendars_seed(seed=seed, days=days, start=start, chunk=chunk, report=self.stdout.write)
        run = result.run
        self.stdout.write(
            self.style.SUCCESS(
                f"Done in {result.seconds:.0f} s: {run.listings:,} listings, {run.bookings:,} bookings, "
                f"{run.nights:,} taken nights. Run VACUUM ANALYZE (or wait for autovacuum) before benchmarking."
            )
        )
