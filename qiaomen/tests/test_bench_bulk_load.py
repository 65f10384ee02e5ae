"""bench/pg_bulk_load.py, the city seeder's way of loading PostgreSQL: what it takes off while the
rows go in comes back as it was, and a row that points nowhere fails the load."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from django.db import connection, transaction
from django.db.utils import IntegrityError
from django.utils import timezone

from qiaomen.core.bulk import BulkInsert
from qiaomen.registry.models import Person
from qiaomen.testing import SmallStreet
from qiaomen.visits.models import Visit, VisitType

BENCH = Path(__file__).resolve().parents[2] / "bench"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL bulk load; SQLite has none"),
]


@pytest.fixture
def bulk_load() -> Iterator[ModuleType]:
    sys.path.insert(0, str(BENCH))
    try:
        import pg_bulk_load

        yield pg_bulk_load
    finally:
        sys.path.remove(str(BENCH))


def _definitions(table: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        indexes = set(cursor.fetchall())
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(k.oid) FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid"
            " WHERE c.relname = %s",
            [table],
        )
        return indexes | set(cursor.fetchall())


def _visit(small_street: SmallStreet, household_id: int) -> dict[str, object]:
    now = timezone.now()
    return {
        "client_uuid": uuid.uuid4(),
        "household_id": household_id,
        "grid_id": small_street.grid_a.pk,
        "worker_id": small_street.users["worker_a"].pk,
        "visit_type_id": VisitType.objects.get(code="routine").pk,
        "visited_at": now,
        "received_at": now,
        "outcome": "met",
        "answers": {},
    }


def test_the_indexes_and_keys_come_back_as_they_were(bulk_load: ModuleType, small_street: SmallStreet) -> None:
    table = Visit._meta.db_table
    before = _definitions(table)
    assert any("client_uuid" in sql for _, sql in before)  # the unique constraint is among them
    with bulk_load.bulk_load([table]):
        during = _definitions(table)
        BulkInsert(Visit, varying=tuple(_visit(small_street, 0))).rows(
            [_visit(small_street, small_street.household_a.pk)]
        )
    assert len(during) < len(before)
    assert _definitions(table) == before
    assert Visit.objects.filter(household=small_street.household_a).count() == 1


def test_a_row_that_points_nowhere_fails_the_load(bulk_load: ModuleType, small_street: SmallStreet) -> None:
    table = Visit._meta.db_table
    nowhere = 10**9
    # The savepoint takes back what the failed load did, the taking off included.
    with pytest.raises(IntegrityError), transaction.atomic(), bulk_load.bulk_load([table]):
        BulkInsert(Visit, varying=tuple(_visit(small_street, 0))).rows([_visit(small_street, nowhere)])
    assert not Visit.objects.exists()
    assert len(_definitions(table)) > 0


def test_a_readable_load_keeps_what_joins_read_through(bulk_load: ModuleType, small_street: SmallStreet) -> None:
    """The street's own tables are read back while the demo writes them: their foreign keys and
    the indexes on them stay; the unique and search indexes come off and back."""
    table = Person._meta.db_table
    before = _definitions(table)
    with bulk_load.bulk_load([table], readable=True):
        during = _definitions(table)
    kept = {name for name, sql in during}
    assert any(sql.startswith("FOREIGN KEY (household_id)") for _, sql in during)
    assert any(name.startswith("registry_person_household_id") for name in kept)
    assert not any("id_index" in name for name in kept)  # the blind index of ID numbers came off
    assert _definitions(table) == before
