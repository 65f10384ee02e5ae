"""The SQL that makes the audit tables append-only (SECURITY.md line 21).

Used by the migrations, and by the test suite: a transactional test ends by emptying every table,
which the triggers rightly refuse, so the suite lifts and restores them around such tests.

Two tables: the log (`core_auditentry`) and its anchors (`core_auditanchor`, hole 5). Neither
accepts an UPDATE. The anchors accept no DELETE. The log accepts a DELETE only of a row at or
before the newest `trim` anchor: retention (SECURITY 23) writes that anchor first, naming the last
row it removes, so nothing removes a row that no anchor accounts for. Before the anchor table
exists (migration 0002 runs before 0004) the log refuses every DELETE.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

ENTRY = "core_auditentry"
ANCHOR = "core_auditanchor"
_REFUSE = "SELECT RAISE(ABORT, 'audit log is append-only');"
# Constant SQL: no value from outside reaches these statements.
_TRIMMED = f"(SELECT COALESCE(MAX(last_entry_id), 0) FROM {ANCHOR} WHERE kind = 'trim')"  # noqa: S608


def _sqlite_create(*, anchors: bool) -> list[str]:
    entry_delete_when = f" WHEN OLD.id > {_TRIMMED}" if anchors else ""
    statements = [
        f"CREATE TRIGGER IF NOT EXISTS {ENTRY}_no_update BEFORE UPDATE ON {ENTRY} BEGIN {_REFUSE} END;",
        f"CREATE TRIGGER IF NOT EXISTS {ENTRY}_no_delete BEFORE DELETE ON {ENTRY}{entry_delete_when} "
        f"BEGIN {_REFUSE} END;",
    ]
    if anchors:
        statements += [
            f"CREATE TRIGGER IF NOT EXISTS {ANCHOR}_no_update BEFORE UPDATE ON {ANCHOR} BEGIN {_REFUSE} END;",
            f"CREATE TRIGGER IF NOT EXISTS {ANCHOR}_no_delete BEFORE DELETE ON {ANCHOR} BEGIN {_REFUSE} END;",
        ]
    return statements


SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {ENTRY}_no_update;",
    f"DROP TRIGGER IF EXISTS {ENTRY}_no_delete;",
    f"DROP TRIGGER IF EXISTS {ANCHOR}_no_update;",
    f"DROP TRIGGER IF EXISTS {ANCHOR}_no_delete;",
]


def _postgres_create(*, anchors: bool) -> list[str]:
    trimmed = f"IF TG_OP = 'DELETE' AND OLD.id <= {_TRIMMED} THEN RETURN OLD; END IF;" if anchors else ""
    statements = [
        f"""
        CREATE OR REPLACE FUNCTION core_auditentry_refuse() RETURNS trigger AS $$
        BEGIN
            {trimmed}
            RAISE EXCEPTION 'audit log is append-only';
        END;
        $$ LANGUAGE plpgsql;
        """,
        f"DROP TRIGGER IF EXISTS {ENTRY}_append_only ON {ENTRY};",
        f"CREATE TRIGGER {ENTRY}_append_only BEFORE UPDATE OR DELETE ON {ENTRY} "
        "FOR EACH ROW EXECUTE FUNCTION core_auditentry_refuse();",
    ]
    if anchors:
        statements += [
            """
            CREATE OR REPLACE FUNCTION core_auditanchor_refuse() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'audit anchors are append-only';
            END;
            $$ LANGUAGE plpgsql;
            """,
            f"DROP TRIGGER IF EXISTS {ANCHOR}_append_only ON {ANCHOR};",
            f"CREATE TRIGGER {ANCHOR}_append_only BEFORE UPDATE OR DELETE ON {ANCHOR} "
            "FOR EACH ROW EXECUTE FUNCTION core_auditanchor_refuse();",
        ]
    return statements


POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS {ENTRY}_append_only ON {ENTRY};",
    "DROP FUNCTION IF EXISTS core_auditentry_refuse();",
    f"DROP TRIGGER IF EXISTS {ANCHOR}_append_only ON {ANCHOR};",
    "DROP FUNCTION IF EXISTS core_auditanchor_refuse();",
]


def _execute(connection: BaseDatabaseWrapper, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def create_audit_triggers(connection: BaseDatabaseWrapper, *, anchors: bool | None = None) -> None:
    """`anchors`: whether the anchor table takes part; by default, whether it exists yet."""
    if anchors is None:
        with connection.cursor() as cursor:
            anchors = ANCHOR in connection.introspection.table_names(cursor)
    if connection.vendor == "sqlite":
        # CREATE … IF NOT EXISTS would keep an older trigger of the same name: replace it.
        _execute(connection, SQLITE_DROP[:2] + _sqlite_create(anchors=anchors))
    elif connection.vendor == "postgresql":
        _execute(connection, _postgres_create(anchors=anchors))


def drop_audit_triggers(connection: BaseDatabaseWrapper) -> None:
    _execute(connection, {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(connection.vendor, []))
