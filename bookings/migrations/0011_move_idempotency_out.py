"""Idempotency keys move to the platform (``airbnb.models.IdempotencyRecord``): bookings forgets the model.

State only: the table stays as it is (``bookings_idempotencyrecord``, kept by the
model's ``db_table``), so no row is copied or lost (tests/platform/test_migrations.py).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0010_idempotency_error_code"),
        ("platform", "0002_idempotencyrecord"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="IdempotencyRecord")],
            database_operations=[],
        ),
    ]
