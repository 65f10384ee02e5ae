"""The audit anchors (hole 5): a table of chain positions, append-only like the log; the log's
DELETE trigger now lets retention remove rows up to the newest trim anchor and nothing else."""

from django.db import migrations, models

from qiaomen.core.audit_triggers import create_audit_triggers, drop_audit_triggers


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    create_audit_triggers(schema_editor.connection, anchors=True)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    drop_audit_triggers(schema_editor.connection)
    create_audit_triggers(schema_editor.connection, anchors=False)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_transitionevent'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditAnchor',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField()),
                ('kind', models.CharField(choices=[('head', 'chain head'), ('trim', 'rows removed by retention')], default='head', max_length=8)),
                ('entry_count', models.PositiveBigIntegerField()),
                ('last_entry_id', models.BigIntegerField()),
                ('last_hash', models.CharField(max_length=64)),
            ],
            options={
                'ordering': ['pk'],
                'indexes': [models.Index(fields=['kind', 'last_entry_id'], name='core_audita_kind_71ef3c_idx')],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
