"""Django's PostGIS backend, able to sit behind a transaction pooler (PgBouncer).

Behind PgBouncer in transaction mode the app must not rely on session state:
settings turn server-side cursors off (``DISABLE_SERVER_SIDE_CURSORS``); psycopg
3 with Django's default client-side binding prepares nothing; nothing here uses
session-level advisory locks or plain ``SET``. What the pooler cannot do is
create and drop databases reliably: a ``DROP DATABASE`` fails while the pooler
still keeps idle server connections to it. So when the settings name PostgreSQL
itself (``DIRECT``: host and port from ``DATABASE_DIRECT_URL``), the connection
Django uses for creating and dropping test databases goes there, and a drop
ends those pooled sessions (``WITH (FORCE)``, PostgreSQL 13+; the pooler opens
new ones when asked).
"""

from __future__ import annotations

from contextlib import contextmanager

from django.contrib.gis.db.backends.postgis import base as postgis
from django.db.backends.base.base import NO_DB_ALIAS
from django.db.backends.postgresql import creation as postgresql_creation


class DatabaseCreation(postgresql_creation.DatabaseCreation):
    def _destroy_test_db(self, test_database_name, verbosity):
        self.connection.close_pool()
        with self._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE {self._quote_name(test_database_name)} WITH (FORCE)")


class DatabaseWrapper(postgis.DatabaseWrapper):
    creation_class = DatabaseCreation

    @contextmanager
    def _nodb_cursor(self):
        direct = self.settings_dict.get("DIRECT")
        if not direct:
            with super()._nodb_cursor() as cursor:
                yield cursor
            return
        conn = self.__class__({**self.settings_dict, **direct, "NAME": None, "DIRECT": None}, alias=NO_DB_ALIAS)
        try:
            with conn.cursor() as cursor:
                yield cursor
        finally:
            conn.close()
