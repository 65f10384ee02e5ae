"""The Open311 tables move here from the api app, rows and all.

The models are created in the migration state only, still pointing at the api app's tables;
then AlterModelTable renames the tables to this app's names (ALTER TABLE … RENAME on SQLite and
PostgreSQL alike, foreign keys follow) and RenameIndex gives the one index that was named after
the old table a name of its own. api 0002 then drops the old models from the state, again
without touching the database. Reversible: backwards the tables get their old names again.
"""

import django.db.models.deletion
import qiaomen.core.fields
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('api', '0001_initial'),
        ('places', '0001_initial'),
        ('tickets', '0005_resident_channels'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Open311Key',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, unique=True, verbose_name='name')),
                        ('key_hash', models.CharField(editable=False, max_length=64, unique=True)),
                        ('created_at', models.DateTimeField(verbose_name='created at')),
                        ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='revoked at')),
                        ('street', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='places.street', verbose_name='street')),
                    ],
                    options={
                        'verbose_name': 'Open311 key',
                        'ordering': ['name'],
                        'db_table': 'api_open311key',
                    },
                ),
                migrations.CreateModel(
                    name='Open311Request',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField()),
                        ('lat', models.FloatField(blank=True, null=True)),
                        ('long', models.FloatField(blank=True, null=True)),
                        ('address_string', models.CharField(blank=True, max_length=500)),
                        ('address_id', models.CharField(blank=True, max_length=200)),
                        ('device_id', models.CharField(blank=True, max_length=200)),
                        ('account_id', models.CharField(blank=True, max_length=200)),
                        ('media_url', models.URLField(blank=True, max_length=1000)),
                        ('email', qiaomen.core.fields.EncryptedTextField(blank=True, default='', purpose='open311_request.email')),
                        ('first_name', qiaomen.core.fields.EncryptedTextField(blank=True, default='', purpose='open311_request.first_name')),
                        ('last_name', qiaomen.core.fields.EncryptedTextField(blank=True, default='', purpose='open311_request.last_name')),
                        ('phone', qiaomen.core.fields.EncryptedTextField(blank=True, default='', purpose='open311_request.phone')),
                        ('key', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='requests', to='open311.open311key')),
                        ('ticket', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='open311_request', to='tickets.ticket')),
                    ],
                    options={
                        'verbose_name': 'Open311 request',
                        'db_table': 'api_open311request',
                        'indexes': [models.Index(fields=['key', 'created_at'], name='api_open311_key_id_fdd817_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('lat__isnull', True), ('long__isnull', True)), models.Q(('lat__isnull', False), ('long__isnull', False)), _connector='OR'), name='open311_request_lat_long_together')],
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name='open311key', table=None),
        migrations.AlterModelTable(name='open311request', table=None),
        migrations.RenameIndex(
            model_name='open311request',
            new_name='open311_request_key_created',
            old_name='api_open311_key_id_fdd817_idx',
        ),
    ]
