"""The platform takes over ``IdempotencyRecord`` from bookings (state only).

The table is bookings' own ``bookings_idempotencyrecord`` (kept by ``db_table``):
nothing is created, copied or dropped; bookings 0011 forgets the model.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("platform", "0001_extensions"),
        ("bookings", "0010_idempotency_error_code"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="IdempotencyRecord",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("key", models.CharField(max_length=255)),
                        ("scope", models.CharField(max_length=60)),
                        ("request_hash", models.CharField(max_length=64)),
                        ("error_code", models.CharField(blank=True, default="", max_length=60)),
                        ("response_body", models.JSONField(blank=True, null=True)),
                        ("response_content", models.BinaryField(blank=True, editable=False, null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("completed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "booking",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                to="bookings.booking",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL
                            ),
                        ),
                    ],
                    options={
                        "db_table": "bookings_idempotencyrecord",
                        "indexes": [models.Index(fields=["created_at"], name="idempotency_created")],
                        "constraints": [
                            models.UniqueConstraint(fields=("user", "scope", "key"), name="idempotency_unique_key")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
