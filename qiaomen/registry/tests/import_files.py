"""Department files for the import tests, written the way departments write them."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from itertools import count
from pathlib import Path

from openpyxl import Workbook

from qiaomen.core.idnumber import make_id_number
from qiaomen.registry.importing.services import ImportResult, import_commit, import_plan
from qiaomen.registry.models import DataSource, FieldConflict, Household, Person, PersonTag, RecordChange

HEADER = ["姓名", "身份证号", "联系电话", "现住址", "人员类别"]
_sequence = count(1)


def new_id_number(birth: dt.date | None = None, gender: str = "M") -> str:
    """A valid ID number not used by anyone else in the test (region 310101, not the builders').

    A number holds 100 sequence numbers per birth date: without a given date, each hundred
    numbers moves to the next day, so that thousands of rows stay distinct."""
    sequence = next(_sequence)
    birth = birth or dt.date(1960, 1, 1) + dt.timedelta(days=sequence // 100)
    return make_id_number("310101", birth, sequence, gender)


def address_of(household: Household) -> str:
    return str(household)


def csv_write(path: Path, rows: Sequence[Sequence[object]], *, encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def xlsx_write(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def import_file(
    path: Path, source: str = "police", *, skip_invalid: bool = False, **plan_options: object
) -> ImportResult:
    """Plan and commit a file as the command does: the rows are read as they are written
    (`read=True` in `plan_options`: read whole first, as a preview does)."""
    options = {"compare": False, "read": False, **plan_options}
    plan = import_plan(path=path, source=DataSource.objects.get(code=source), **options)  # type: ignore[arg-type]
    return import_commit(plan=plan, skip_invalid=skip_invalid)


def registry_snapshot() -> dict[str, object]:
    """Everything an import may change, to compare before and after."""
    return {
        "persons": Person.objects.count(),
        "changes": RecordChange.objects.count(),
        "conflicts": FieldConflict.objects.count(),
        "tags": PersonTag.objects.count(),
        "provenance": list(Person.objects.order_by("pk").values_list("pk", "provenance", "version")),
    }


def wrong_check_digit(id_number: str) -> str:
    """The same number with a check character that does not fit (GB 11643)."""
    return id_number[:-1] + ("1" if id_number[-1] != "1" else "2")


FIRST_PHONE, SECOND_PHONE = "13700001234", "13700005678"


def phone_given_twice(tmp_path: Path, household: Household, *, first: str, second: str) -> ImportResult:
    """赵大海 imported by source `first` with FIRST_PHONE, then by `second` with SECOND_PHONE.
    Returns the second import."""
    number, address = new_id_number(), address_of(household)
    for source, phone in ((first, FIRST_PHONE), (second, SECOND_PHONE)):
        result = import_file(
            csv_write(tmp_path / f"{source}-{phone}.csv", [HEADER, ["赵大海", number, phone, address, ""]]), source
        )
    return result
