"""Load the platform's default seasons (high / shoulder / low) for the countries of the demo world.

Idempotent: periods are matched by (country, region, name) and updated in place;
periods added by staff in the admin are left alone. Run after ``seed_demo``:

    ./manage.py pricing_seed_seasons
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from pricing.models import SeasonPeriod

# (name, level, (start month, day), (end month, day)), both ends included.
NORTHERN_EUROPE = [
    ("Summer holidays", "high", (7, 1), (8, 31)),
    ("Christmas and New Year", "high", (12, 20), (1, 3)),
    ("Late spring", "shoulder", (5, 1), (6, 30)),
    ("Early autumn", "shoulder", (9, 1), (10, 15)),
    ("Winter lull", "low", (1, 4), (2, 28)),
    ("Late autumn", "low", (11, 1), (12, 10)),
]
MEDITERRANEAN = [
    ("Summer", "high", (6, 15), (9, 10)),
    ("Christmas and New Year", "high", (12, 20), (1, 3)),
    ("Spring", "shoulder", (4, 1), (6, 14)),
    ("Autumn", "shoulder", (9, 11), (10, 31)),
    ("Winter", "low", (1, 4), (2, 28)),
]
NORTH_AMERICA = [
    ("Summer", "high", (6, 15), (8, 31)),
    ("Holidays", "high", (12, 20), (1, 2)),
    ("Spring", "shoulder", (4, 1), (6, 14)),
    ("Fall", "shoulder", (9, 1), (10, 31)),
    ("Winter", "low", (1, 3), (2, 28)),
]
SOUTHERN = [
    ("Summer holidays", "high", (12, 15), (1, 31)),
    ("Autumn", "shoulder", (3, 1), (4, 30)),
    ("Spring", "shoulder", (9, 15), (11, 30)),
    ("Winter", "low", (6, 1), (8, 31)),
]
TROPICAL = [
    ("Dry season", "high", (12, 15), (4, 15)),
    ("Rainy season", "low", (6, 1), (10, 31)),
]

SEASONS = {
    **{code: NORTHERN_EUROPE for code in ("FR", "DE", "GB", "NL", "BE", "AT", "CH", "IE", "DK", "SE", "NO", "CZ")},
    "PL": NORTHERN_EUROPE,
    **{code: MEDITERRANEAN for code in ("ES", "IT", "PT", "GR", "HR", "TR", "MT", "CY")},
    **{code: NORTH_AMERICA for code in ("US", "CA")},
    **{code: SOUTHERN for code in ("AU", "NZ", "AR", "CL", "ZA", "UY")},
    **{code: TROPICAL for code in ("MX", "TH", "ID", "VN", "PH", "CR", "CO", "BR", "IN", "SG", "MY")},
}
# Regions whose seasons differ from their country's (matched to Listing.region, case-insensitive).
REGIONAL = {
    ("FR", "Auvergne-Rhône-Alpes"): [("Ski season", "high", (12, 15), (4, 5))],
    ("CH", "Valais"): [("Ski season", "high", (12, 15), (4, 10))],
    ("AT", "Tyrol"): [("Ski season", "high", (12, 15), (4, 10))],
    ("US", "Colorado"): [("Ski season", "high", (12, 15), (3, 31))],
}


class Command(BaseCommand):
    help = "Load the platform's default seasons per country (and a few regions)."

    def handle(self, *args, **options):
        created = updated = 0
        plan = [((code, ""), periods) for code, periods in SEASONS.items()] + list(REGIONAL.items())
        with transaction.atomic():
            for (country, region), periods in plan:
                for name, level, (sm, sd), (em, ed) in periods:
                    _, was_created = SeasonPeriod.objects.update_or_create(
                        country_code=country,
                        region=region,
                        name=name,
                        defaults={
                            "level": level,
                            "start_month": sm,
                            "start_day": sd,
                            "end_month": em,
                            "end_day": ed,
                        },
                    )
                    created += was_created
                    updated += not was_created
        self.stdout.write(f"Seasons: {created} created, {updated} updated.")
