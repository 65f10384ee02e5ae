"""Audit rows are append-only in the database itself (SECURITY.md line 21).

TRUNCATE stays possible for the table's owner on PostgreSQL: the application's own role should
not own its tables in production (see README, "Deploying").
"""

from __future__ import annotations

from django.db import migrations

from qiaomen.core.audit_triggers import create_audit_triggers, drop_audit_triggers


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    create_audit_triggers(schema_editor.connection)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    drop_audit_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
