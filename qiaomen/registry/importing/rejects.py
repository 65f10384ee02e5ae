"""The rows an import left out, written back as a file the department can correct and re-import.

The rows are read again from the uploaded file rather than kept in memory during the import:
they come back exactly as the department wrote them, with one added column 错误原因. Every text
cell passes `spreadsheet_safe`, so a cell such as =HYPERLINK(…) is shown, never run.
"""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook

from qiaomen.core.normalize import spreadsheet_safe
from qiaomen.registry.importing.files import FileKind, table_rows

REASON_HEADER = "错误原因"


def rejects_default_path(path: Path, kind: FileKind) -> Path:
    """Next to the input: 名单.xlsx → 名单.rejected.xlsx (CSV stays CSV, other sheets become xlsx)."""
    suffix = ".csv" if kind is FileKind.CSV else ".xlsx"
    return path.with_name(f"{path.stem}.rejected{suffix}")


def rejects_write(*, path: Path, kind: FileKind, header_row: int, reasons: dict[int, str], target: Path) -> int:
    """Write the rows of `path` named in `reasons` to `target`; returns how many were written."""
    header: list[object] = []
    rows: list[list[object]] = []
    for number, cells in table_rows(path, kind):
        if number == header_row:
            header = [*cells, REASON_HEADER]
        elif number in reasons:
            padded = [*cells, *[""] * (len(header) - 1 - len(cells))]
            rows.append([*padded, reasons[number]])
    safe = [[spreadsheet_safe(value) for value in row] for row in [header, *rows]]
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.suffix.lower() == ".csv":
        # BOM: Excel opens a UTF-8 CSV without it as GBK and garbles every Chinese character.
        with target.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows(safe)
    else:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("rejected")
        for row in safe:
            sheet.append(row)
        workbook.save(target)
    return len(rows)
