"""The database cache, with an increment that holds under several server processes.

Rate limits and login lock-outs count in the shared cache (the database by default, Redis when
REDIS_URL is set). Django's DatabaseCache increments by get-then-set, which loses counts when two
processes add at once, and its set() also resets the entry's expiry to the default timeout, so an
hourly counter would vanish after five minutes. Here the increment reads the row under a lock
(SQLite's IMMEDIATE transactions take the write lock at BEGIN; PostgreSQL takes the row with
FOR UPDATE) and writes the new value back with its expiry untouched.
"""

from __future__ import annotations

import base64
import pickle
from typing import Any

from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction
from django.utils import timezone


class AtomicDatabaseCache(DatabaseCache):
    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)  # type: ignore[attr-defined]
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        now = connection.ops.adapt_datetimefield_value(timezone.now().replace(microsecond=0))
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(f"SELECT value FROM {table} WHERE cache_key = %s AND expires > %s{lock}", [key, now])  # noqa: S608 (the table name is ours)
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(base64.b64decode(row[0].encode())) + delta  # noqa: S301 (our own rows)
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(f"UPDATE {table} SET value = %s WHERE cache_key = %s", [encoded, key])  # noqa: S608
        return value
