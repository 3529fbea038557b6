"""A PostgreSQL ``datemultirange`` column (PostgreSQL 14+), which Django lacks.

Values come back from psycopg 3 as ``psycopg.types.multirange.Multirange`` of
``Range[date]`` (half-open ``[lower, upper)``).
"""

from django.db import models


class DateMultiRangeField(models.Field):
    description = "A set of date ranges (PostgreSQL datemultirange)"

    def db_type(self, connection) -> str:
        return "datemultirange"
