"""Payments move to their own app (``payments``): bookings forgets the four models.

State only: the tables stay as they are here, and payments' 0001_initial, which
runs next, renames them to ``payments_*`` and takes the models over. Nothing is
dropped, so no row is lost (tests/payments/test_migrations.py).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0008_move_calendar_out"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="payment", name="booking"),
                migrations.RemoveField(model_name="payoutaccount", name="host"),
                migrations.RemoveField(model_name="payoutentry", name="booking"),
                migrations.RemoveField(model_name="payoutentry", name="host"),
                migrations.DeleteModel(name="ProcessedWebhookEvent"),
                migrations.DeleteModel(name="Payment"),
                migrations.DeleteModel(name="PayoutAccount"),
                migrations.DeleteModel(name="PayoutEntry"),
            ],
            database_operations=[],
        ),
    ]
