"""Spreadsheets the platform hands out: every text cell neutralised (SECURITY.md line 25)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook

from qiaomen.core.normalize import spreadsheet_safe

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bytes(*, sheet: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """One sheet, written in write-only mode (memory does not grow with the rows)."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    for row in [header, *rows]:
        worksheet.append([spreadsheet_safe(value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
