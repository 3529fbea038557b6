"""Recompute every listing's and person's rating from the reviews table (after bulk loads)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from reviews.services.aggregates import review_aggregates_rebuild


class Command(BaseCommand):
    help = "Recompute ListingRating, UserRating and Listing.rating_avg/rating_count from the published reviews."

    def handle(self, *args, **options):
        with transaction.atomic():
            counts = review_aggregates_rebuild()
        self.stdout.write(f"Ratings rebuilt: {counts.get('listings', 0)} listings, {counts.get('users', 0)} people.")
