"""The SQL that makes the audit table append-only (SECURITY.md line 21).

Used by the migration, and by the test suite: a transactional test ends by emptying every table,
which the triggers rightly refuse, so the suite lifts and restores them around such tests.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

SQLITE_CREATE = [
    "CREATE TRIGGER IF NOT EXISTS core_auditentry_no_update BEFORE UPDATE ON core_auditentry "
    "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;",
    "CREATE TRIGGER IF NOT EXISTS core_auditentry_no_delete BEFORE DELETE ON core_auditentry "
    "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS core_auditentry_no_update;",
    "DROP TRIGGER IF EXISTS core_auditentry_no_delete;",
]
POSTGRES_CREATE = [
    """
    CREATE OR REPLACE FUNCTION core_auditentry_refuse() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'audit log is append-only';
    END;
    $$ LANGUAGE plpgsql;
    """,
    "DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;",
    "CREATE TRIGGER core_auditentry_append_only BEFORE UPDATE OR DELETE ON core_auditentry "
    "FOR EACH ROW EXECUTE FUNCTION core_auditentry_refuse();",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;",
    "DROP FUNCTION IF EXISTS core_auditentry_refuse();",
]


def _execute(connection: BaseDatabaseWrapper, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def create_audit_triggers(connection: BaseDatabaseWrapper) -> None:
    _execute(connection, {"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}.get(connection.vendor, []))


def drop_audit_triggers(connection: BaseDatabaseWrapper) -> None:
    _execute(connection, {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(connection.vendor, []))
