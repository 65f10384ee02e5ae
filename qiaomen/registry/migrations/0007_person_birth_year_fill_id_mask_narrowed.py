"""Hole 1, step 2 of 3: fill the birth year and narrow the ID mask of every existing person.

Both come from columns already in the row, so nothing is decrypted here: the year from the
birth date (kept only under the rule of `registry.identity.clear_birth_year`, applied to the
file's creation date), the new mask (region code and check character) from the old one (region
code and last four). Import reports and change history that quoted an old mask get the new one.
Going back rebuilds the birth date and the old mask from the decrypted ID number.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from django.db import migrations

# Frozen copies of the rules at the time of this migration (a migration never imports app code
# that may change later).
BIRTH_YEAR_CLEAR_AFTER_YEARS = 2
OLD_MASK = re.compile(r"(\d{6})\*{8}\d{3}([\dX])")
NEW_MASK_HIDDEN = 11


def _narrowed(text: str) -> str:
    return OLD_MASK.sub(lambda match: match.group(1) + "*" * NEW_MASK_HIDDEN + match.group(2), text)


def _birth_year(birth: dt.date, created: dt.datetime) -> int | None:
    return birth.year if birth.year <= created.year - BIRTH_YEAR_CLEAR_AFTER_YEARS else None


def _provenance(provenance: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    return {new if key == old else key: value for key, value in provenance.items()}


def forwards(apps: Any, schema_editor: Any) -> None:
    Person = apps.get_model("registry", "Person")
    for person in Person.objects.only("pk", "birth_date", "created_at", "id_masked", "provenance").iterator():
        person.birth_year = _birth_year(person.birth_date, person.created_at)
        person.id_masked = _narrowed(person.id_masked)
        person.provenance = _provenance(person.provenance, "birth_date", "birth_year")
        person.save(update_fields=["birth_year", "id_masked", "provenance"])
    RecordChange = apps.get_model("registry", "RecordChange")
    for change in RecordChange.objects.filter(old_masked__contains="********") | RecordChange.objects.filter(
        new_masked__contains="********"
    ):
        change.old_masked, change.new_masked = _narrowed(change.old_masked), _narrowed(change.new_masked)
        change.save(update_fields=["old_masked", "new_masked"])
    ImportBatch = apps.get_model("registry", "ImportBatch")
    for batch in ImportBatch.objects.only("pk", "report").iterator():
        text = json.dumps(batch.report, ensure_ascii=False)
        narrowed = _narrowed(text)
        if narrowed != text:
            batch.report = json.loads(narrowed)
            batch.save(update_fields=["report"])


def backwards(apps: Any, schema_editor: Any) -> None:
    Person = apps.get_model("registry", "Person")
    for person in Person.objects.only("pk", "id_number", "provenance").iterator():
        number = person.id_number
        person.birth_date = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        person.id_masked = number[:6] + "*" * 8 + number[-4:]
        person.provenance = _provenance(person.provenance, "birth_year", "birth_date")
        person.save(update_fields=["birth_date", "id_masked", "provenance"])


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_person_birth_year"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
