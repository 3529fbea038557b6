"""``manage.py search_maintain``: refresh ranking features, refit the booking model, re-cluster the table."""

import time

from django.core.management.base import BaseCommand, CommandParser

from search import services


class Command(BaseCommand):
    help = "Refresh search ranking features (and optionally refit the booking model and CLUSTER the search table)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fit", action="store_true", help="Refit the booking-likelihood model first.")
        parser.add_argument(
            "--cluster", action="store_true", help="Rewrite search_listing in spatial order (exclusive lock)."
        )

    def handle(self, *args, fit: bool, cluster: bool, **options) -> None:
        started = time.monotonic()
        if fit:
            model = services.search_booking_model_fit()
            state = "active" if model.active else f"inactive: {model.note}"
            self.stdout.write(f"booking model {model.pk}: {model.positives:,} booked of {model.samples:,} ({state})")
        counts = services.search_features_refresh()
        self.stdout.write(", ".join(f"{name} {n:,} rows" for name, n in counts.items()))
        if cluster:
            services.search_table_maintain()
            self.stdout.write("search_listing clustered and analysed")
        self.stdout.write(self.style.SUCCESS(f"Done in {time.monotonic() - started:.1f} s."))
