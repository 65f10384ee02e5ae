"""The PostgreSQL backend's timestamp loader: the values Django's own loader gives, parsed by
psycopg's C loader, on a real server."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import register_tzloader
from psycopg.pq import Format

from qiaomen.core.postgresql.base import PSYCOPG_TIMESTAMPTZ_LOADER, TIMESTAMPTZ_OID, tz_loader
from qiaomen.tests.city import PG_SERVER, require_postgres

# 4,001 instants 1,234,567.891011 s apart around 2026 (microseconds of every kind), and a leap
# of a few before 1900 and after 2100.
SPREAD = (
    "SELECT timestamptz '2026-01-01 00:00:00+08' + g * interval '1234567.891011 seconds' "
    "FROM generate_series(-2000, 2000) AS g "
    "UNION ALL SELECT unnest(ARRAY['1899-12-31 23:59:59.999999+00', '2101-06-30 12:00:00.000001+00']::timestamptz[])"
)


def _loaded(register: object, zone: dt.tzinfo | None) -> list[dt.datetime]:
    with psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3) as server:
        server.execute("SET TIME ZONE 'UTC'")  # as Django sets every connection
        with server.cursor() as cursor:
            if register is None:
                register_tzloader(zone, cursor)
            else:
                cursor.adapters.register_loader("timestamptz", tz_loader(zone))
            return [row[0] for row in cursor.execute(SPREAD).fetchall()]


@pytest.mark.parametrize("zone", [dt.UTC, None], ids=["aware", "naive"])
def test_timestamps_load_exactly_as_with_djangos_loader(zone: dt.tzinfo | None) -> None:
    require_postgres()
    djangos, ours = _loaded(None, zone), _loaded(tz_loader, zone)
    assert len(ours) == 4003
    assert ours == djangos
    assert {value.tzinfo for value in ours} == {zone}


def test_the_parsing_is_psycopgs_c_loader() -> None:
    assert PSYCOPG_TIMESTAMPTZ_LOADER is not None
    assert PSYCOPG_TIMESTAMPTZ_LOADER.__module__.startswith("psycopg_binary"), "requirements pin psycopg-binary"


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the suite runs on SQLite")
def test_the_suites_connection_loads_timestamps_with_it() -> None:
    with connection.cursor() as cursor:
        loader = cursor.cursor.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
        assert loader is tz_loader(connection.timezone)
        cursor.execute("SELECT now()")
        (now,) = cursor.fetchone()
    assert now.tzinfo is dt.UTC
