"""Exit non-zero with one clear line when PostgreSQL or Redis cannot be reached.

Used by ./dev before migrating so a wrong DATABASE_URL/REDIS_URL is named, not
buried in a traceback.
"""

from urllib.parse import urlparse

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from airbnb.health import check_database, check_redis


class Command(BaseCommand):
    help = "Check that the database (with PostGIS) and Redis answer."
    requires_system_checks: list = []  # only the one line matters here

    def handle(self, *args, **options):
        db = settings.DATABASES["default"]
        ok, detail = check_database()
        if not ok:
            raise CommandError(
                f"cannot use PostgreSQL at {db.get('HOST') or 'socket'}:{db.get('PORT') or 5432}/{db.get('NAME')}: "
                f"{detail} — start it, or fix DATABASE_URL"
            )
        ok, redis_detail = check_redis()
        if not ok:
            where = urlparse(settings.REDIS_URL).netloc
            raise CommandError(f"cannot reach Redis at {where}: {redis_detail} — start it, or fix REDIS_URL")
        if options["verbosity"] > 1:
            self.stdout.write(f"database {detail}; redis {redis_detail}")
