"""Inserting many rows of one model, one chunk at a time: imports, the demo street, bench data.

Django's `bulk_create` builds a model instance per row and prepares every value of it through the
SQL compiler: about half a millisecond to a millisecond per person (25 columns) here, two minutes
for the 200,000 people of a large street. Here the columns that are the same for every row
(times, source, batch, defaults) are prepared once, and per row only the values that need it go
through their field's own `get_db_prep_save` (encryption, dates, JSON): the stored values are
exactly what the ORM would store. Encrypted fields are sealed to their row: each row gets its row
key here (core.models.SealedRow), and its encrypted values are sealed with it.

A chunk goes in with one `executemany` on SQLite and with COPY on PostgreSQL: the same prepared
values through the same driver adapters, several times faster there than one INSERT per row.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils import timezone

from qiaomen.core.fields import ROW_KEY, EncryptedTextField

# Values of these field types go to the driver as they are (strings, ints, bools).
_PLAIN_FIELDS = (models.CharField, models.IntegerField, models.BooleanField, models.ForeignKey)
# On PostgreSQL, a value of exactly this type is what the field's get_db_prep_save would hand the
# driver (psycopg adapts it itself): it goes as it is, and only other values (strings, naive
# times) go through the field. Preparing an aware datetime through its field costs more than
# making it, and a visit or a ticket has several.
_DRIVER_READY: dict[type[models.Field[Any, Any]], type] = {
    models.DateTimeField: dt.datetime,
    models.DateField: dt.date,
    models.UUIDField: uuid.UUID,
    models.FloatField: float,
}
ID_BLOCK = 1000


class BulkInsert:
    def __init__(
        self,
        model: type[models.Model],
        *,
        varying: Sequence[str],
        constants: Mapping[str, Any] | None = None,
        preparers: Mapping[str, Callable[[Any], Any]] | None = None,
        with_ids: bool = False,
    ) -> None:
        """`varying`: attnames given per row; `constants`: values for every row (other fields take
        their default, auto_now fields the time now); `preparers`: own ways to make a varying value
        database-ready; `with_ids`: `add` hands out each row's primary key before it is written."""
        # The wrapper itself, not the `connection` proxy: each attribute read through the proxy
        # is a thread-local lookup, and preparing a value reads a few.
        self.connection = connections[DEFAULT_DB_ALIAS]
        meta = model._meta
        fields = {field.attname: field for field in meta.concrete_fields if not field.primary_key}
        own = preparers or {}
        self.sealers = {name: field for name in varying if isinstance(field := fields[name], EncryptedTextField)}
        # Every row of a SealedRow model gets its own row key (a default would give them all one).
        self.keyed = ROW_KEY in fields
        if self.keyed and ROW_KEY not in varying:
            varying = (ROW_KEY, *varying)
        self.varying = tuple(varying)
        self.preparers = tuple(
            (name, None if name in self.sealers else own.get(name) or self._field_preparer(fields[name]))
            for name in self.varying
        )
        given = dict(constants or {})
        now = timezone.now()
        fixed = [field for name, field in fields.items() if name not in self.varying]
        self.fixed_values = tuple(
            field.get_db_prep_save(given.get(field.attname, self._default(field, now)), self.connection)
            for field in fixed
        )
        quote = self.connection.ops.quote_name
        self.table, self.pk_column = meta.db_table, str(meta.pk.column)
        names = [str(field.column) for field in [*(fields[name] for name in self.varying), *fixed]]
        if with_ids:
            names.insert(0, self.pk_column)
        placeholders = ", ".join(["%s"] * len(names))
        # Table and column names come from the model, quoted; every value is a parameter.
        columns = ", ".join(map(quote, names))
        self.sql = f"INSERT INTO {quote(self.table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
        self.copy_sql = f"COPY {quote(self.table)} ({columns}) FROM STDIN"
        self.with_ids = with_ids
        self.queued: list[tuple[Any, ...]] = []
        self.free_ids: list[int] = []
        self.next_sqlite_id: int | None = None
        self.written = 0

    def _field_preparer(self, field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
        if isinstance(field, _PLAIN_FIELDS):
            return None
        prepare = partial(field.get_db_prep_save, connection=self.connection)
        ready = _DRIVER_READY.get(type(field)) if self.connection.vendor == "postgresql" else None
        if ready is None:
            return prepare
        if ready is dt.datetime:  # a naive time goes through the field, which makes it aware
            return lambda value: value if type(value) is dt.datetime and value.tzinfo else prepare(value)
        return lambda value: value if type(value) is ready else prepare(value)

    @staticmethod
    def _default(field: models.Field[Any, Any], now: Any) -> Any:
        return (
            now if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False) else field.get_default()
        )

    def add(self, values: Mapping[str, Any]) -> int | None:
        """Queue one row; with ids, return the primary key it will have, so that other rows can
        point at it before it is written."""
        if self.keyed:
            values = self._sealed(values)
        row = tuple(values[name] if prepare is None else prepare(values[name]) for name, prepare in self.preparers)
        if not self.with_ids:
            self.queued.append(row + self.fixed_values)
            return None
        if not self.free_ids:
            self.free_ids = self._allocate_ids(ID_BLOCK)
        pk = self.free_ids.pop()
        self.queued.append((pk, *row, *self.fixed_values))
        return pk

    def _sealed(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The row with its row key and its encrypted values sealed to it."""
        row_key = values.get(ROW_KEY) or uuid.uuid4()
        sealed = {name: field.seal(values[name], row_key=row_key) for name, field in self.sealers.items()}
        return {**values, **sealed, ROW_KEY: row_key}

    def flush(self) -> None:
        if self.queued and self.connection.vendor == "postgresql":
            with self.connection.cursor() as cursor, cursor.cursor.copy(self.copy_sql) as copy:
                for row in self.queued:
                    copy.write_row(row)
        elif self.queued:
            with self.connection.cursor() as cursor:
                cursor.executemany(self.sql, self.queued)
        self.written += len(self.queued)
        self.queued = []

    def rows(self, rows: Iterable[Mapping[str, Any]]) -> None:
        """Write these rows now."""
        for values in rows:
            self.add(values)
        self.flush()

    def _allocate_ids(self, count: int) -> list[int]:
        """Ids that nobody else takes, largest first (pop() hands them out in ascending order):
        from the table's sequence on PostgreSQL; on SQLite the writing transaction holds the
        write lock (BEGIN IMMEDIATE), so the ids after the largest one are free."""
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [self.table, self.pk_column, count],
                )
                return sorted((row[0] for row in cursor.fetchall()), reverse=True)
            if self.next_sqlite_id is None:
                quote = self.connection.ops.quote_name
                cursor.execute(f"SELECT COALESCE(MAX({quote(self.pk_column)}), 0) + 1 FROM {quote(self.table)}")  # noqa: S608
                self.next_sqlite_id = int(cursor.fetchone()[0])
        start, self.next_sqlite_id = self.next_sqlite_id, self.next_sqlite_id + count
        return list(range(start + count - 1, start - 1, -1))
