"""Hole 1's migrations (registry 0006-0008): files written with the clear birth date and the old
mask get a birth year under the rule, the narrow mask, and no birth date; masks quoted in the
change history and in import reports are narrowed too; going back rebuilds the old columns.

Transactional: the database is migrated back and forward again, and always left at the latest
migrations, where every other test expects it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from qiaomen.core.idnumber import make_id_number
from qiaomen.registry.identity import id_number_index
from qiaomen.registry.models import ImportBatch, Person, RecordChange
from qiaomen.testing import MigrationTargets, applied_models, latest_migrations, migrate_to, migrated_back

BEFORE: MigrationTargets = [("registry", "0005_doorcode_submission")]


@pytest.fixture
def before_hole_1(transactional_db: None) -> Iterator[MigrationExecutor]:
    with migrated_back(BEFORE) as executor:
        yield executor


def _old_mask(number: str) -> str:
    return number[:6] + "*" * 8 + number[-4:]


def test_hole_1_existing_files_are_migrated_to_the_year_and_the_narrow_mask(
    before_hole_1: MigrationExecutor,
) -> None:
    old = applied_models(before_hole_1)
    old_person = old.get_model("registry", "Person")
    created = dt.datetime(2026, 3, 2, 1, tzinfo=dt.UTC)
    births = {"elder": dt.date(1950, 3, 1), "toddler": dt.date(2025, 2, 1), "child": dt.date(2024, 12, 31)}
    numbers = {name: make_id_number("110105", birth, 3, "F") for name, birth in births.items()}
    for name, number in numbers.items():
        person = old_person.objects.create(
            name=name,
            id_number=number,
            id_index=id_number_index(number),
            id_masked=_old_mask(number),
            gender="F",
            birth_date=births[name],
            provenance={"birth_date": {"source": "police"}, "name": {"source": "police"}},
        )
        old_person.objects.filter(pk=person.pk).update(created_at=created)
    elder = old_person.objects.get(name="elder")
    old.get_model("registry", "RecordChange").objects.create(
        object_type="person",
        object_id=elder.pk,
        field="id_number",
        old_masked="",
        new_masked=elder.id_masked,
        at=created,
    )
    source = old.get_model("registry", "DataSource").objects.get(code="police")
    old.get_model("registry", "ImportBatch").objects.create(
        source=source,
        filename="a.xlsx",
        file_sha256="0" * 64,
        status="rejected",
        report={"problems": [{"row": 2, "message": f"“{elder.id_masked}” 重复"}]},
    )

    migrate_to(latest_migrations())

    people = {person.name: person for person in Person.objects.all()}
    assert {name: p.birth_year for name, p in people.items()} == {"elder": 1950, "toddler": None, "child": 2024}
    for name, person in people.items():
        assert person.id_masked == numbers[name][:6] + "*" * 11 + numbers[name][-1]
        assert person.id_number == numbers[name]  # the encrypted number is untouched
        assert set(person.provenance) == {"birth_year", "name"}
    assert "birth_date" not in {
        c.name for c in connection.introspection.get_table_description(connection.cursor(), "registry_person")
    }
    assert RecordChange.objects.get().new_masked == people["elder"].id_masked
    assert ImportBatch.objects.get().report["problems"][0]["message"] == f"“{people['elder'].id_masked}” 重复"

    back = applied_models(migrate_to(BEFORE)).get_model("registry", "Person")
    elder_back = back.objects.get(name="elder")
    assert (elder_back.birth_date, elder_back.id_masked) == (births["elder"], _old_mask(numbers["elder"]))
    assert set(elder_back.provenance) == {"birth_date", "name"}
