"""SECURITY.md line 25: the spreadsheets the platform writes (the rejected rows of an import, given
back to the department) neutralise every cell a spreadsheet would run as a formula, and a phone
written as +86… still comes through as text."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

from qiaomen.registry.tests.import_files import (
    HEADER,
    csv_write,
    import_file,
    new_id_number,
    wrong_check_digit,
    xlsx_write,
)
from qiaomen.testing import SmallStreet

pytestmark = pytest.mark.django_db

# What a spreadsheet runs or reads as a formula or a command, each in a cell of its own.
DANGEROUS = [
    '=HYPERLINK("http://evil.example","点我")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
]
PHONE = "+8613800001234"


def _rows() -> list[list[str]]:
    """One row per dangerous cell (in the name column), each refused for its bad ID number, and
    a row with the phone written with the country code."""
    bad_id = wrong_check_digit(new_id_number())
    rows = [[value, bad_id, "", "", "", value] for value in DANGEROUS]
    rows.append(["赵大海", bad_id, PHONE, "", "", PHONE])
    return [[*HEADER, "备注"], *rows]


def test_security_25_a_csv_export_neutralises_formulas_and_keeps_a_plus86_phone_as_text(
    small_street: SmallStreet, tmp_path: Path
) -> None:
    result = import_file(csv_write(tmp_path / "civil.csv", _rows()), "civil_affairs", skip_invalid=True)

    assert result.rejects_path is not None and result.rejects_path.suffix == ".csv"
    written = list(csv.reader(result.rejects_path.open(encoding="utf-8-sig", newline="")))[1:]
    assert len(written) == len(DANGEROUS) + 1
    for row in written:
        for cell in row:
            assert not cell or cell[0] not in "=+-@\t\r", row
    assert [row[5] for row in written[:-1]] == ["'" + value for value in DANGEROUS]
    assert written[-1][2] == written[-1][5] == "'" + PHONE


def test_security_25_an_xlsx_export_holds_no_formula_and_keeps_a_plus86_phone_as_text(
    small_street: SmallStreet, tmp_path: Path
) -> None:
    result = import_file(xlsx_write(tmp_path / "civil.xlsx", _rows()), "civil_affairs", skip_invalid=True)

    assert result.rejects_path is not None and result.rejects_path.suffix == ".xlsx"
    cells = [cell for row in load_workbook(result.rejects_path).active.iter_rows(min_row=2) for cell in row]
    assert cells and all(cell.data_type != "f" for cell in cells)
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    assert not [text for text in texts if text[0] in "=+-@\t\r"]
    phones = [cell for cell in cells if isinstance(cell.value, str) and PHONE in cell.value]
    assert len(phones) == 2 and all(cell.data_type == "s" for cell in phones), "a string, not a number"
