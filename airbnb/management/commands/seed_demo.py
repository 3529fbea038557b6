"""``manage.py seed_demo``: build the deterministic demo world (see airbnb/demo and docs/seed.md)."""

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from airbnb.demo import DEMO_ADMIN_EMAIL, DEMO_GUEST_EMAIL, DEMO_HOST_EMAIL, DEMO_PASSWORD
from airbnb.demo.place_rules import place_rules_seed
from airbnb.demo.services import DemoWorldError, demo_world_exists, demo_world_seed


class Command(BaseCommand):
    help = (
        "Seed a demo world: users, listings on real geography, photos, past bookings and reviews, and "
        "live flows for the demo users (requests, stays, messages, payouts, reports)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--listings", type=int, default=3000, help="Number of listings (default 3000).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed; same seed and size, same world.")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing (and succeed) if the database already has listings."
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Replace the existing world: truncates users, listings, bookings and reviews first.",
        )
        parser.add_argument(
            "--place-rules-only",
            action="store_true",
            help="Only replace the seasons, local events and area demand of an existing world.",
        )

    def handle(
        self, *args, listings: int, seed: int, if_empty: bool, reset: bool, place_rules_only: bool, **options
    ) -> None:
        if place_rules_only:
            with transaction.atomic():
                place_rules_seed(seed=seed, report=self.stdout.write)
            self.stdout.write(self.style.SUCCESS("Place rules replaced."))
            return
        if listings < 1:
            raise CommandError("--listings must be at least 1.")
        if if_empty and demo_world_exists():
            self.stdout.write(
                "The demo world is already there; nothing to do. Its live flows are dated from the day it was "
                "seeded: run seed_demo --reset to lay them out from today again."
            )
            self._print_logins()
            return
        started = time.monotonic()
        self.stdout.write(f"Seeding a demo world of {listings:,} listings (seed {seed})...")
        try:
            result = demo_world_seed(listings=listings, seed=seed, reset=reset, report=self.stdout.write)
        except DemoWorldError as error:
            raise CommandError(str(error)) from error
        counts = ", ".join(f"{table} {count:,}" for table, count in result.counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo world ready in {time.monotonic() - started:.1f} s: {counts}."))
        self._print_logins(host_listings=result.demo_host_listings)

    def _print_logins(self, *, host_listings: int | None = None) -> None:
        in_paris = f"{host_listings} listings in Paris" if host_listings else "listings in Paris"
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}):")
        self.stdout.write(f"  {DEMO_GUEST_EMAIL}  guest: an upcoming trip, a stay to review, an unread message")
        self.stdout.write(
            f"  {DEMO_HOST_EMAIL}   host, {in_paris}: a request to answer within 24 h, arrivals and "
            "departures this week, a guest staying now, unread messages, payouts, a year of analytics (/hosting/)"
        )
        self.stdout.write(f"  {DEMO_ADMIN_EMAIL}  staff and superuser: reported reviews to moderate (/admin/)")
