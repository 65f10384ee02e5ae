"""SQLite, with a short and counted wait for the write lock in web requests (SECURITY 34).

Batch commands and jobs keep the connection's busy timeout (`QIAOMEN_SQLITE_BUSY_TIMEOUT_SECONDS`,
20 s): an import may well wait for a burst of web writes. A web request may not: while another
process holds the write lock, every request that writes would hold a gunicorn worker for 20 s and
the whole site would stall. Inside `request_wait()` (installed by DatabaseBusyMiddleware) a
statement that finds the database locked outside a transaction (a `BEGIN IMMEDIATE`, or a single
write in autocommit) waits `SQLITE_REQUEST_BUSY_MS`, and is tried again after each pause of
`SQLITE_REQUEST_RETRY_PAUSES`; then the error goes up and the request answers 503 with
Retry-After. The bound is counted in attempts: len(pauses) + 1 attempts of the busy time each,
plus the pauses (about 5.75 s with the defaults). Such a statement did nothing, so trying it again
is safe; inside a transaction nothing is retried (the transaction must roll back).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db.backends.sqlite3 import base


def pause(seconds: float) -> None:
    """A module function so that a test counts the pauses instead of sleeping through them."""
    time.sleep(seconds)


class RetryingCursor(base.SQLiteCursorWrapper):
    pauses: tuple[float, ...] = ()

    def execute(self, query: str, params: Any = None) -> Any:
        for wait in (*self.pauses, None):
            try:
                return super().execute(query, params)
            except sqlite3.OperationalError as exc:
                if wait is None or self.connection.in_transaction or "database is locked" not in str(exc):
                    raise
                pause(wait)
        raise AssertionError("unreachable: the last attempt returns or raises")


class DatabaseWrapper(base.DatabaseWrapper):
    # Outside a web request: one attempt, waiting the full busy timeout of the connection.
    retry_pauses: tuple[float, ...] = ()
    busy_ms: int | None = None

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        conn = super().get_new_connection(conn_params)
        if self.busy_ms is not None:
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_ms)}")
        return conn

    def create_cursor(self, name: str | None = None) -> Any:
        cursor = self.connection.cursor(factory=RetryingCursor)
        cursor.pauses = self.retry_pauses
        return cursor

    def _set_busy(self, busy_ms: int | None) -> None:
        self.busy_ms = busy_ms
        if self.connection is not None and self.is_usable():
            default_ms = int(self.settings_dict["OPTIONS"].get("timeout", 5) * 1000)
            self.connection.execute(f"PRAGMA busy_timeout = {busy_ms if busy_ms is not None else default_ms}")


@contextmanager
def request_wait(connection: Any) -> Iterator[None]:
    """The web request's bounded wait on `connection` (a no-op on another database)."""
    if not isinstance(connection, DatabaseWrapper):
        yield
        return
    connection._set_busy(settings.SQLITE_REQUEST_BUSY_MS)
    connection.retry_pauses = tuple(settings.SQLITE_REQUEST_RETRY_PAUSES)
    try:
        yield
    finally:
        connection.retry_pauses = ()
        connection._set_busy(None)
