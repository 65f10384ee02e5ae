"""The SQL that makes the points ledger append-only (R-PAR-1), like the audit log's triggers
(core/audit_triggers.py): no UPDATE, no DELETE; a correction is a new row.

Used by the migration, and by the test suite: a transactional test ends by emptying every table,
which the triggers rightly refuse, so the suite lifts and restores them around such tests.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

LEDGER = "participation_pointsentry"
_REFUSE = "SELECT RAISE(ABORT, 'points ledger is append-only');"

_SQLITE_CREATE = [
    f"CREATE TRIGGER IF NOT EXISTS {LEDGER}_no_update BEFORE UPDATE ON {LEDGER} BEGIN {_REFUSE} END;",
    f"CREATE TRIGGER IF NOT EXISTS {LEDGER}_no_delete BEFORE DELETE ON {LEDGER} BEGIN {_REFUSE} END;",
]
_SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {LEDGER}_no_update;", f"DROP TRIGGER IF EXISTS {LEDGER}_no_delete;"]
_POSTGRES_CREATE = [
    """
    CREATE OR REPLACE FUNCTION participation_ledger_refuse() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'points ledger is append-only';
    END;
    $$ LANGUAGE plpgsql;
    """,
    f"DROP TRIGGER IF EXISTS {LEDGER}_append_only ON {LEDGER};",
    f"CREATE TRIGGER {LEDGER}_append_only BEFORE UPDATE OR DELETE ON {LEDGER} "
    "FOR EACH ROW EXECUTE FUNCTION participation_ledger_refuse();",
]
_POSTGRES_DROP = [f"DROP TRIGGER IF EXISTS {LEDGER}_append_only ON {LEDGER};"]


def _execute(connection: BaseDatabaseWrapper, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _ledger_exists(connection: BaseDatabaseWrapper) -> bool:
    with connection.cursor() as cursor:
        return LEDGER in connection.introspection.table_names(cursor)


def create_ledger_triggers(connection: BaseDatabaseWrapper) -> None:
    if not _ledger_exists(connection):
        return
    _execute(connection, {"sqlite": _SQLITE_CREATE, "postgresql": _POSTGRES_CREATE}.get(connection.vendor, []))


def drop_ledger_triggers(connection: BaseDatabaseWrapper) -> None:
    if not _ledger_exists(connection):
        return
    _execute(connection, {"sqlite": _SQLITE_DROP, "postgresql": _POSTGRES_DROP}.get(connection.vendor, []))
