"""Idempotency keys keep every row when they start keeping codes (bookings 0010) and move to the platform (0011).

The test database is migrated back to just before ``bookings 0010``, rows are
written the old way (an HTTP status, no code), and it is migrated forward again:
each row is still there, under ``airbnb.models.IdempotencyRecord``, with its code
read from its stored body; and back again, the statuses come back from the codes.
Whatever happens, the database is left fully migrated.
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from airbnb.models import IdempotencyRecord
from tests.accounts.factories import UserFactory

BEFORE = [("bookings", "0009_move_payments_out")]


def _migrate(targets) -> None:
    MigrationExecutor(connection).migrate(targets)


def _latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_old_idempotency_rows_keep_working_after_the_code_and_the_move():
    user = UserFactory()
    try:
        _migrate(BEFORE)
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO bookings_idempotencyrecord
                    (user_id, scope, key, request_hash, response_status, response_body, response_content,
                     created_at, completed_at)
                VALUES
                    (%(u)s, 'booking_create', 'ok', 'h1', 201, '{"id": 7}', '\\x7b226964223a377d', now(), now()),
                    (%(u)s, 'booking_create', 'declined', 'h2', 402,
                     '{"error": {"code": "insufficient_funds", "message": "Declined."}}', NULL, now(), now()),
                    (%(u)s, 'booking_create_web', 'running', 'h3', NULL, NULL, NULL, now(), NULL)
                """,
                {"u": user.pk},
            )
        _migrate(_latest())
        rows = {r.key: r for r in IdempotencyRecord.objects.filter(user=user)}
        assert set(rows) == {"ok", "declined", "running"}
        assert (rows["ok"].error_code, rows["ok"].response_body, bytes(rows["ok"].response_content)) == (
            "",
            {"id": 7},
            b'{"id":7}',
        )
        assert rows["declined"].error_code == "insufficient_funds"
        assert rows["running"].error_code == "" and rows["running"].completed_at is None

        _migrate(BEFORE)  # and back: the status is computed from the code
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT key, response_status FROM bookings_idempotencyrecord WHERE user_id = %s ORDER BY key",
                [user.pk],
            )
            assert cursor.fetchall() == [("declined", 402), ("ok", 201), ("running", None)]
    finally:
        _migrate(_latest())
