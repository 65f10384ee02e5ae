"""SQLite, with a short and counted wait for the write lock in web requests (SECURITY 34).

Batch commands and jobs keep the connection's busy timeout (`QIAOMEN_SQLITE_BUSY_TIMEOUT_SECONDS`,
20 s): an import may well wait for a burst of web writes. A web request may not: while another
process holds the write lock, every request that writes would hold a gunicorn worker for 20 s and
the whole site would stall. Inside `request_wait()` (installed by DatabaseBusyMiddleware) each
attempt waits `SQLITE_REQUEST_BUSY_MS` and `BEGIN IMMEDIATE` is tried again after each pause of
`SQLITE_REQUEST_RETRY_PAUSES`, then the request answers 503 with Retry-After. The bound is
counted in attempts: at most len(pauses) + 1 attempts of the busy time each, plus the pauses.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import OperationalError
from django.db.backends.sqlite3 import base


def pause(seconds: float) -> None:
    """A module function so that a test counts the pauses instead of sleeping through them."""
    time.sleep(seconds)


class DatabaseWrapper(base.DatabaseWrapper):
    # Outside a web request: one attempt, waiting the full busy timeout of the connection.
    begin_pauses: tuple[float, ...] = ()
    busy_ms: int | None = None

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        conn = super().get_new_connection(conn_params)
        if self.busy_ms is not None:
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_ms)}")
        return conn

    def _start_transaction_under_autocommit(self) -> None:
        for wait in (*self.begin_pauses, None):
            try:
                super()._start_transaction_under_autocommit()  # type: ignore[misc]
                return
            except OperationalError as exc:
                if wait is None or "database is locked" not in str(exc):
                    raise
                pause(wait)

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
    connection.begin_pauses = tuple(settings.SQLITE_REQUEST_RETRY_PAUSES)
    try:
        yield
    finally:
        connection.begin_pauses = ()
        connection._set_busy(None)
