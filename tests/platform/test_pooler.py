"""The app is safe behind PgBouncer in transaction pooling mode, and the suite runs behind it.

``./dev test`` points the suite at PgBouncer (``DATABASE_URL``) with PostgreSQL
itself in ``DATABASE_DIRECT_URL``, so every other test exercises the pooled path.
Under transaction pooling a server connection is lent for one transaction and
then serves another client: session state (a plain ``SET``, a session-level
advisory lock, ``LISTEN``, a prepared statement, a ``WITH HOLD`` or server-side
cursor) would leak to other clients or be missing on the next statement. The
source check below keeps such statements out of the code.
"""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    "accounts", "airbnb", "availability", "bookings", "hosttools", "listings", "messaging", "payments", "pricing",
    "reviews", "search",
]  # fmt: skip

# SQL keywords are upper case in this code base, setting names lower case: "Set a price" is not a match.
SESSION_STATE = [
    (re.compile(r"pg_(try_)?advisory_lock(_shared)?\s*\(", re.I), "session advisory lock: use pg_advisory_xact_lock"),
    (re.compile(r"""["']\s*SET\s+(?!LOCAL\b|CONSTRAINTS\b)[a-z_]+"""), "plain SET: use SET LOCAL in a transaction"),
    (re.compile(r"""["']\s*RESET\s+[a-z_]+"""), "RESET: use SET LOCAL in a transaction"),
    (re.compile(r"""["']\s*(LISTEN|UNLISTEN|PREPARE|DEALLOCATE)\s"""), "session feature"),
    (re.compile(r"\bWITH\s+HOLD\b"), "cursor WITH HOLD"),
    (re.compile(r"DISCARD\s+ALL"), "DISCARD ALL"),
]


def test_no_session_state_in_the_code():
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                for pattern, why in SESSION_STATE:
                    if pattern.search(line):
                        found.append(f"{path.relative_to(ROOT)}:{number}: {why}: {line.strip()}")
    assert not found, "\n".join(found)


def test_the_source_check_catches_what_it_is_for():
    bad = [
        'cursor.execute("SET jit = off")',
        "cursor.execute('SELECT pg_advisory_lock(%s)', [1])",
        'cursor.execute("SELECT pg_try_advisory_lock(1)")',
        'cursor.execute("RESET jit")',
        'cursor.execute("LISTEN outbox")',
    ]
    good = ['cursor.execute("SET LOCAL jit = off")', 'cursor.execute("SELECT pg_advisory_xact_lock(%s)", [1])']
    assert all(any(p.search(line) for p, _ in SESSION_STATE) for line in bad)
    assert not any(p.search(line) for line in good for p, _ in SESSION_STATE)


behind_pooler = pytest.mark.skipif(
    "DIRECT" not in settings.DATABASES["default"], reason="DATABASE_DIRECT_URL not set: not behind a pooler"
)


@behind_pooler
@pytest.mark.django_db
def test_the_suite_talks_to_postgresql_through_pgbouncer():
    db = settings.DATABASES["default"]
    direct = db["DIRECT"]
    assert db["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert "options" not in db["OPTIONS"]  # PgBouncer drops startup options; the role carries jit = off
    assert str(db["PORT"]) != str(direct["PORT"])
    with connection.cursor() as cursor:
        # The server behind the connection is PostgreSQL on the direct port; the client went to the pooler.
        cursor.execute("SELECT inet_server_port(), current_setting('jit')")
        server_port, jit = cursor.fetchone()
    assert str(server_port) == str(direct["PORT"])
    assert jit == "off"
    pooler = psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"], dbname="pgbouncer", autocommit=True
    )
    with pooler, pooler.cursor() as cursor:
        cursor.execute("SHOW CONFIG")
        config = {row[0]: row[1] for row in cursor.fetchall()}
    assert config["pool_mode"] == "transaction"
