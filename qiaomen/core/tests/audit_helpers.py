"""The audit store failing, for the tests of SECURITY 22."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def audit_writes_refused() -> Iterator[None]:
    """The database refuses every new audit row while the block runs (SECURITY 22)."""
    if connection.vendor == "postgresql":
        create = [
            "CREATE FUNCTION test_refuse_audit() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'audit store unavailable'; END; $$ LANGUAGE plpgsql;",
            "CREATE TRIGGER test_refuse_audit BEFORE INSERT ON core_auditentry "
            "FOR EACH ROW EXECUTE FUNCTION test_refuse_audit();",
        ]
        drop = ["DROP TRIGGER test_refuse_audit ON core_auditentry;", "DROP FUNCTION test_refuse_audit();"]
    else:
        create = [
            "CREATE TRIGGER test_refuse_audit BEFORE INSERT ON core_auditentry "
            "BEGIN SELECT RAISE(ABORT, 'audit store unavailable'); END;"
        ]
        drop = ["DROP TRIGGER test_refuse_audit;"]
    with connection.cursor() as cursor:
        for sql in create:
            cursor.execute(sql)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for sql in drop:
                cursor.execute(sql)
