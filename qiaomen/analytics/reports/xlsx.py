"""A report as an Excel workbook: a summary sheet, then one sheet per level.

Figures are real numbers with number formats (0.0% for shares, 0.0 for hours), so that a
department can sort and sum them; the header row and the name column stay frozen; a cell is
green where its target is met and red where it is missed. Text passes spreadsheet_safe.
"""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from qiaomen.analytics.reports.content import LevelTable, ReportContent
from qiaomen.analytics.reports.ranking import GREEN, RED, Assessed
from qiaomen.analytics.targets import Figure, Target
from qiaomen.core.normalize import spreadsheet_safe

SHARE_FORMAT, HOURS_FORMAT = "0.0%", "0.0"
CHANGE_FORMATS = {"share": "+0.0%;-0.0%;0.0%", "hours": "+0.0;-0.0;0.0"}
FILLS = {GREEN: PatternFill("solid", fgColor="C6EFCE"), RED: PatternFill("solid", fgColor="FFC7CE")}
BOLD = Font(bold=True)


def number_format(target: Target) -> str:
    return HOURS_FORMAT if target.unit == "hours" else SHARE_FORMAT


def light_text(light: str) -> str:
    return {GREEN: pgettext("reports", "met"), RED: pgettext("reports", "missed")}.get(
        light, pgettext("reports", "no data")
    )


def report_xlsx(content: ReportContent) -> bytes:
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    _summary_sheet(summary, content)
    for table in content.tables:
        _level_sheet(workbook.create_sheet(table.label[:31]), content, table)
    if content.compares:
        _extremes_sheet(workbook.create_sheet(pgettext("reports", "Best and worst")[:31]), content)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _put(sheet: Worksheet, row: int, column: int, value: object, number: str = "", fill: str = "") -> None:
    cell = sheet.cell(row=row, column=column, value=spreadsheet_safe(value))  # type: ignore[arg-type]
    if number:
        cell.number_format = number
    if fill in FILLS:
        cell.fill = FILLS[fill]


def _header(sheet: Worksheet, row: int, titles: list[str]) -> None:
    for column, title in enumerate(titles, start=1):
        _put(sheet, row, column, title)
        sheet.cell(row=row, column=column).font = BOLD
        sheet.cell(row=row, column=column).alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(column)].width = 26 if column == 1 else 13
    sheet.freeze_panes = sheet.cell(row=row + 1, column=2)


def _summary_sheet(sheet: Worksheet, content: ReportContent) -> None:
    sheet.title = pgettext("reports", "Summary")
    sheet["A1"] = content.title
    sheet["A1"].font = Font(bold=True, size=16)
    generated = timezone.localtime(content.generated_at).strftime("%Y-%m-%d %H:%M")
    facts = [
        (pgettext("reports", "Period"), content.period.title),
        (pgettext("reports", "Covers"), content.place_name),
        (pgettext("reports", "Generated"), generated),
    ]
    for row, (label, fact) in enumerate(facts, start=2):
        _put(sheet, row, 1, label)
        _put(sheet, row, 2, fact)
    titles = [
        pgettext("reports", "Target"),
        pgettext("reports", "Comparator"),
        pgettext("reports", "Goal"),
        pgettext("reports", "This period"),
    ]
    if content.compares:
        titles += [pgettext("reports", "Last month"), pgettext("reports", "Change")]
    _header(sheet, 6, [*titles, pgettext("reports", "Status")])
    for row, target in enumerate(content.targets, start=7):
        figure = content.total.row.figures[target.code]
        values: list[tuple[object, str, str]] = [
            (str(target.label), "", ""),
            (target.comparator, "", ""),
            (target.goal, number_format(target), ""),
            (figure.value, number_format(target), figure.light),
        ]
        if content.compares:
            before = content.total.previous.figures[target.code].value if content.total.previous else None
            change = content.total.change(target.code)
            values += [(before, number_format(target), ""), (change, CHANGE_FORMATS[target.unit], "")]
        values.append((light_text(figure.light), "", figure.light))
        for column, (value, number, fill) in enumerate(values, start=1):
            _put(sheet, row, column, value, number, fill)


def _level_sheet(sheet: Worksheet, content: ReportContent, table: LevelTable) -> None:
    titles = [table.label]
    if content.ranks:
        titles += [
            pgettext("reports", "Rank"),
            pgettext("reports", "Score (share of targets met)"),
            pgettext("reports", "Targets met"),
            pgettext("reports", "Targets with data"),
        ]
    for target in content.targets:
        titles.append(str(target.label))
        if content.compares:
            titles.append(pgettext("reports", "%(target)s, change") % {"target": target.label})
        if content.kind == "quarterly":
            titles.append(pgettext("reports", "%(target)s, met") % {"target": target.label})
    _header(sheet, 1, titles)
    for row, assessed in enumerate(table.rows, start=2):
        for column, (value, number, fill) in enumerate(_level_cells(content, assessed), start=1):
            _put(sheet, row, column, value, number, fill)


def _level_cells(content: ReportContent, assessed: Assessed) -> list[tuple[object, str, str]]:
    cells: list[tuple[object, str, str]] = [(assessed.row.name, "", "")]
    if content.ranks:
        cells += [
            (assessed.rank, "0", ""),
            (assessed.score, SHARE_FORMAT, ""),
            (assessed.met, "0", ""),
            (assessed.assessed, "0", ""),
        ]
    for target in content.targets:
        figure: Figure = assessed.row.figures[target.code]
        cells.append((figure.value, number_format(target), figure.light))
        if content.compares:
            cells.append((assessed.change(target.code), CHANGE_FORMATS[target.unit], ""))
        if content.kind == "quarterly":
            cells.append((light_text(figure.light), "", figure.light))
    return cells


def _extremes_sheet(sheet: Worksheet, content: ReportContent) -> None:
    _header(
        sheet,
        1,
        [
            pgettext("reports", "Target"),
            pgettext("reports", "Level"),
            pgettext("reports", "Best"),
            pgettext("reports", "Value"),
            pgettext("reports", "Worst"),
            pgettext("reports", "Value"),
        ],
    )
    row = 2
    for table in content.tables:
        for found in table.extremes:
            number = number_format(found.target)
            cells = [
                (str(found.target.label), ""),
                (table.label, ""),
                (found.best.name, ""),
                (found.best_figure.value, number),
                (found.worst.name, ""),
                (found.worst_figure.value, number),
            ]
            for column, (value, fmt) in enumerate(cells, start=1):
                _put(sheet, row, column, value, fmt)
            row += 1
