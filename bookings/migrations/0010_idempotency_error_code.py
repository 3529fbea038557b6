"""Idempotency records keep the outcome's error code instead of an HTTP status.

Rows written before keep working: an error row's code is read from its stored
body (``{"error": {"code": ...}}``), a success row gets "". Going back, the status
is recomputed from the code through the API's table.
"""

from django.db import migrations, models


def codes_from_bodies(apps, schema_editor):
    schema_editor.execute(
        "UPDATE bookings_idempotencyrecord SET error_code = COALESCE(response_body -> 'error' ->> 'code', '') "
        "WHERE completed_at IS NOT NULL"
    )


def statuses_from_codes(apps, schema_editor):
    from airbnb.api.errors import HTTP_STATUS_BY_CODE

    Record = apps.get_model("bookings", "IdempotencyRecord")
    for record in Record.objects.filter(completed_at__isnull=False).only("pk", "error_code"):
        status = HTTP_STATUS_BY_CODE.get(record.error_code, 409) if record.error_code else 201
        Record.objects.filter(pk=record.pk).update(response_status=status)


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0009_move_payments_out"),
    ]

    operations = [
        migrations.AddField(
            model_name="idempotencyrecord",
            name="error_code",
            field=models.CharField(blank=True, default="", max_length=60),
        ),
        migrations.RunPython(codes_from_bodies, statuses_from_codes),
        migrations.RemoveField(
            model_name="idempotencyrecord",
            name="response_status",
        ),
    ]
