"""Payments move out of bookings: the four tables become payments' own, every row kept.

The models' state is created here (bookings 0008 forgot it); in the database
nothing is created or copied: the tables ``bookings_payment``,
``bookings_payoutentry``, ``bookings_payoutaccount`` and
``bookings_processedwebhookevent`` are renamed to ``payments_*``, and so are
their id sequences and the constraints and indexes Django named after the old
table (``bookings_payment_pkey`` -> ``payments_payment_pkey``, ...). Names given
in the models (``payment_intent``, ``payout_due``, ...) stay. The content types
(and so the admin permissions) follow the models. Reversible: the same renames
backwards.
"""

import django.db.models.deletion
import django.db.models.expressions
from django.conf import settings
from django.db import migrations, models

MODELS = ("payment", "payoutentry", "payoutaccount", "processedwebhookevent")


def rename_sql(old: str, new: str) -> str:
    """Rename ``<old>_<model>`` to ``<new>_<model>`` with its sequence, constraints and indexes."""
    models_array = ", ".join(f"'{model}'" for model in MODELS)
    return f"""
    DO $$
    DECLARE
        model text;
        old_table text;
        new_table text;
        sequence text;
        item record;
    BEGIN
        FOREACH model IN ARRAY ARRAY[{models_array}] LOOP
            old_table := '{old}_' || model;
            new_table := '{new}_' || model;
            EXECUTE format('ALTER TABLE %I RENAME TO %I', old_table, new_table);
            sequence := pg_get_serial_sequence(new_table, 'id');
            IF sequence IS NOT NULL THEN
                EXECUTE format('ALTER SEQUENCE %s RENAME TO %I', sequence, new_table || '_id_seq');
            END IF;
            -- Renaming a constraint backed by an index (primary key, unique) renames the index too.
            FOR item IN
                SELECT conname AS name FROM pg_constraint
                 WHERE conrelid = new_table::regclass AND starts_with(conname, old_table || '_')
            LOOP
                EXECUTE format('ALTER TABLE %I RENAME CONSTRAINT %I TO %I',
                               new_table, item.name, new_table || substr(item.name, length(old_table) + 1));
            END LOOP;
            FOR item IN
                SELECT indexname AS name FROM pg_indexes
                 WHERE schemaname = current_schema() AND tablename = new_table
                   AND starts_with(indexname, old_table || '_')
            LOOP
                EXECUTE format('ALTER INDEX %I RENAME TO %I',
                               item.name, new_table || substr(item.name, length(old_table) + 1));
            END LOOP;
        END LOOP;
    END
    $$;
    """


def move_content_types(apps, schema_editor, old: str, new: str) -> None:
    """Point the models' content types (and their permissions) at the new app label."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_types = ContentType.objects.using(schema_editor.connection.alias)
    for model in MODELS:
        if not content_types.filter(app_label=new, model=model).exists():
            content_types.filter(app_label=old, model=model).update(app_label=new)


def content_types_forward(apps, schema_editor):
    move_content_types(apps, schema_editor, "bookings", "payments")


def content_types_backward(apps, schema_editor):
    move_content_types(apps, schema_editor, "payments", "bookings")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("bookings", "0009_move_payments_out"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(rename_sql("bookings", "payments"), reverse_sql=rename_sql("payments", "bookings")),
            ],
            state_operations=[
                migrations.CreateModel(
                    name='ProcessedWebhookEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('event_id', models.CharField(max_length=255, unique=True)),
                        ('event_type', models.CharField(max_length=100)),
                        ('received_at', models.DateTimeField(auto_now_add=True)),
                    ],
                ),
                migrations.CreateModel(
                    name='PayoutAccount',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('gateway', models.CharField(max_length=20)),
                        ('account_id', models.CharField(max_length=255, unique=True)),
                        ('charges_enabled', models.BooleanField(default=False)),
                        ('payouts_enabled', models.BooleanField(default=False)),
                        ('details_submitted', models.BooleanField(default=False)),
                        ('requirements_due', models.JSONField(blank=True, default=list, help_text='What the gateway still needs.')),
                        ('disabled_reason', models.CharField(blank=True, max_length=100)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('host', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='payout_account', to=settings.AUTH_USER_MODEL)),
                    ],
                ),
                migrations.CreateModel(
                    name='Payment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('gateway', models.CharField(max_length=20)),
                        ('intent_id', models.CharField(blank=True, max_length=255)),
                        ('payment_method', models.CharField(blank=True, max_length=255)),
                        ('status', models.CharField(choices=[('created', 'Created'), ('authorized', 'Authorised (held on card)'), ('captured', 'Captured'), ('released', 'Authorisation released'), ('failed', 'Failed'), ('refunded', 'Refunded'), ('partially_refunded', 'Partially refunded')], default='created', max_length=20)),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=10)),
                        ('currency', models.CharField(max_length=3)),
                        ('amount_refunded', models.DecimalField(db_default=models.Value(0), decimal_places=2, default=0, max_digits=10)),
                        ('capture_before', models.DateTimeField(blank=True, null=True)),
                        ('failure_code', models.CharField(blank=True, max_length=60)),
                        ('failure_message', models.CharField(blank=True, max_length=300)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('booking', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='payment', to='bookings.booking')),
                    ],
                    options={
                        'indexes': [models.Index(fields=['intent_id'], name='payment_intent')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('amount_refunded__lte', models.F('amount'))), name='payment_refund_le_amount')],
                    },
                ),
                migrations.CreateModel(
                    name='PayoutEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=10)),
                        ('currency', models.CharField(max_length=3)),
                        ('release_at', models.DateTimeField()),
                        ('status', models.CharField(choices=[('scheduled', 'Scheduled'), ('released', 'Released, awaiting transfer'), ('paid', 'Paid'), ('failed', 'Transfer failed'), ('cancelled', 'Cancelled'), ('reversing', 'Paid, being taken back after a cancellation'), ('reversed', 'Taken back after a cancellation'), ('reversal_failed', 'Taking back failed')], default='scheduled', max_length=20)),
                        ('released_at', models.DateTimeField(blank=True, null=True)),
                        ('transfer_id', models.CharField(blank=True, db_default='', default='', max_length=255)),
                        ('transfer_key', models.CharField(blank=True, db_default='', default='', help_text='Idempotency key of the next transfer attempt; empty means payout-<id>.', max_length=100)),
                        ('attempts', models.PositiveIntegerField(db_default=0, default=0, help_text='Transfer calls made so far.')),
                        ('last_attempt_at', models.DateTimeField(blank=True, null=True)),
                        ('paid_at', models.DateTimeField(blank=True, null=True)),
                        ('failure_code', models.CharField(blank=True, db_default='', default='', max_length=60)),
                        ('failure_message', models.CharField(blank=True, db_default='', default='', max_length=300)),
                        ('reversal_due', models.DecimalField(db_default=models.Value(0), decimal_places=2, default=0, help_text='To take back from the transfer (while reversing).', max_digits=10)),
                        ('amount_reversed', models.DecimalField(db_default=models.Value(0), decimal_places=2, default=0, help_text='Taken back from the transfer so far.', max_digits=10)),
                        ('reversal_id', models.CharField(blank=True, db_default='', default='', max_length=255)),
                        ('reversal_key', models.CharField(blank=True, db_default='', default='', help_text='Idempotency key of the next reversal attempt; empty means payout-<id>-reversal-<amount reversed>.', max_length=100)),
                        ('booking', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='payout', to='bookings.booking')),
                        ('host', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='payouts', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'indexes': [models.Index(fields=['status', 'release_at'], name='payout_due')],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('status__in', ('paid', 'reversing', 'reversed', 'reversal_failed')), _negated=True), models.Q(models.Q(('transfer_id', ''), _negated=True), ('paid_at__isnull', False)), _connector='OR'), name='payout_paid_has_transfer'), models.CheckConstraint(condition=models.Q(('amount_reversed__gte', 0), ('reversal_due__gte', 0), ('amount_reversed__lte', django.db.models.expressions.CombinedExpression(models.F('amount'), '-', models.F('reversal_due'))), models.Q(('status__in', ['reversing', 'reversal_failed']), ('reversal_due', 0), _connector='OR')), name='payout_reversal_within_amount'), models.UniqueConstraint(condition=models.Q(('transfer_id', ''), _negated=True), fields=('transfer_id',), name='payout_transfer_unique')],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
