"""Taking and restoring a consistent copy: SQLite's online backup API, PostgreSQL's pg_dump.

Both copy one snapshot while writes go on: SQLite's backup copies every page in one step inside a
read transaction (WAL lets writers carry on), pg_dump reads an exported REPEATABLE READ snapshot
in which the manifest's counts were taken.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from qiaomen.core.backups.files import BackupError


def _sqlite_counts(db: sqlite3.Connection) -> dict[str, int]:
    tables = [
        row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    ]
    return {table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in sorted(tables)}  # noqa: S608


def sqlite_snapshot(source_path: str, copy: Path) -> dict[str, int]:
    """Copy the live database into `copy` and count the copy's rows (the same snapshot)."""
    source = sqlite3.connect(source_path, timeout=30)
    target = sqlite3.connect(copy)
    try:
        source.backup(target, pages=-1)  # all pages in one step: one read transaction, one snapshot
        return _sqlite_counts(target)
    finally:
        target.close()
        source.close()


def sqlite_check(copy: Path) -> dict[str, int]:
    db = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    try:
        result = db.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise BackupError(f"integrity_check: {result}")
        return _sqlite_counts(db)
    finally:
        db.close()


def sqlite_restore(copy: Path, target_path: str) -> None:
    target = sqlite3.connect(target_path)
    try:
        if target.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise BackupError(f"{target_path} is not empty; a backup is restored only onto an empty database")
        source = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
        try:
            source.backup(target)
        finally:
            source.close()
    finally:
        target.close()


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    env["PGDATABASE"] = str(db["NAME"])
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return path


def postgres_snapshot(db: dict[str, Any], copy: Path) -> dict[str, int]:
    from psycopg import IsolationLevel, sql

    env = _pg_env(db)
    with opened_database(db) as conn:
        conn.isolation_level = IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]  # type: ignore[index]
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
            counts: dict[str, int] = {}
            for (table,) in cursor.fetchall():
                cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
                counts[table] = cursor.fetchone()[0]  # type: ignore[index]
            # pg_dump reads the same snapshot while this transaction keeps it alive.
            subprocess.run(  # noqa: S603
                [_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}", f"--file={copy}"],
                env=env,
                check=True,
                capture_output=True,
            )
    return counts


def postgres_check(copy: Path) -> set[str]:
    """The tables whose data the dump holds (pg_restore reads the whole table of contents)."""
    listed = subprocess.run(  # noqa: S603
        [_tool("pg_restore"), "--list", str(copy)], check=False, capture_output=True, text=True
    )
    if listed.returncode != 0:
        raise BackupError(f"pg_restore --list: {listed.stderr.strip()}")
    return {line.split()[-2] for line in listed.stdout.splitlines() if " TABLE DATA " in line}


@contextmanager
def opened_database(db: dict[str, Any]) -> Iterator[Any]:
    """A plain DB-API connection to a copy or a restored database, outside Django's aliases."""
    if "postgresql" not in db["ENGINE"]:
        conn: Any = sqlite3.connect(f"file:{db['NAME']}?mode=ro", uri=True)
    else:
        import psycopg

        env = _pg_env(db)
        conn = psycopg.connect(
            host=env.get("PGHOST"),
            port=env.get("PGPORT"),
            user=env.get("PGUSER"),
            password=env.get("PGPASSWORD"),
            dbname=env["PGDATABASE"],
        )
    try:
        yield conn
    finally:
        conn.close()


def postgres_restore(copy: Path, db: dict[str, Any]) -> None:
    with opened_database(db) as conn:
        cursor = conn.cursor()
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")
        existing_tables = cursor.fetchone()[0]
    if existing_tables:
        raise BackupError(f"database {db['NAME']} is not empty; a backup is restored only onto an empty database")
    restored = subprocess.run(  # noqa: S603
        [_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={db['NAME']}", str(copy)],
        env=_pg_env(db),
        check=False,
        capture_output=True,
        text=True,
    )
    if restored.returncode != 0:
        raise BackupError(f"pg_restore: {restored.stderr.strip()}")
