"""Loading millions of rows into PostgreSQL the way a bulk load is done there.

A row that goes in by COPY into a table with its indexes and foreign keys in place updates every
index in random order and looks up every row it points at, one row at a time: at city size that
is most of the load. So, for the tables being filled, `bulk_load` takes the secondary indexes,
the unique constraints and the foreign keys off first (keeping each one's definition as
PostgreSQL prints it), and puts them back when the rows are in: an index is then built in one
sort, and a foreign key is checked in one join over the whole table, which fails the load if a
single row points nowhere. Primary keys stay, so that other tables can point at the rows.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

# What PostgreSQL may use to build an index at the end (this session only).
_BUILD_SETTINGS = ("SET maintenance_work_mem = '1GB'", "SET max_parallel_maintenance_workers = 2")


@dataclass(frozen=True)
class Definition:
    table: str
    name: str
    sql: str  # how to make it again


# An index on one column that points at another table's row: what a join reads through.
_JOIN_INDEX = re.compile(r"USING btree \(\w+_id\)$")


def _taken_off(tables: list[str], *, readable: bool) -> tuple[list[Definition], list[Definition], list[Definition]]:
    """The indexes (not behind a constraint), unique constraints and foreign keys of `tables`;
    `readable`: not the foreign keys nor the indexes on them, which the reads between writes use."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, i.relname, pg_get_indexdef(i.oid)
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
            WHERE c.relname = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.oid)
            """,
            [tables],
        )
        indexes = [
            Definition(table, name, sql)
            for table, name, sql in cursor.fetchall()
            if not (readable and _JOIN_INDEX.search(sql))
        ]
        cursor.execute(
            """
            SELECT c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid)
            FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
            WHERE c.relname = ANY(%s) AND k.contype IN ('u', 'f')
            """,
            [tables],
        )
        constraints = cursor.fetchall()
    quote = connection.ops.quote_name

    def added(table: str, name: str, body: str) -> Definition:
        return Definition(table, name, f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {body}")

    unique = [added(table, name, body) for table, name, kind, body in constraints if kind == "u"]
    foreign = [added(table, name, body) for table, name, kind, body in constraints if kind == "f" and not readable]
    return indexes, unique, foreign


@contextmanager
def bulk_load(tables: list[str], *, readable: bool = False) -> Iterator[dict[str, float]]:
    """Fill `tables` inside the block with their indexes, unique constraints and foreign keys off;
    they are made again after it. Yields a dict that gets the seconds the rebuild took.

    `readable=True` is for tables the block also reads and joins: their foreign keys and the
    indexes on them stay, and only the rest comes off (the unique and search indexes on random
    keys, sealed-value hashes and names, whose row-by-row upkeep grows with the table)."""
    from django.db import connection

    indexes, unique, foreign = _taken_off(tables, readable=readable)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # Inside a transaction (a test's), the checks deferred so far run now: PostgreSQL alters
        # no table with pending trigger events.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for key in foreign:  # first: a foreign key may lean on a unique constraint
            cursor.execute(f"ALTER TABLE {quote(key.table)} DROP CONSTRAINT {quote(key.name)}")
        for key in unique:
            cursor.execute(f"ALTER TABLE {quote(key.table)} DROP CONSTRAINT {quote(key.name)}")
        for index in indexes:
            cursor.execute(f"DROP INDEX {quote(index.name)}")
    timings: dict[str, float] = {}
    yield timings
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for setting in _BUILD_SETTINGS:
            cursor.execute(setting)
        for definition in [*indexes, *unique, *foreign]:
            cursor.execute(definition.sql)
    timings["rebuild"] = time.perf_counter() - started
    print(
        f"  {len(indexes)} indexes, {len(unique)} unique constraints and {len(foreign)} foreign keys"
        f" made again and checked: {timings['rebuild']:.0f} s",
        flush=True,
    )
