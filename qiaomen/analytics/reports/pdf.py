"""A report as a printable PDF: the same content as the workbook, laid out on A4 by WeasyPrint
from an HTML template (analytics/reports/report.html) and print.css, in Noto Sans CJK SC so
that the Chinese renders (the Debian package fonts-noto-cjk)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import pgettext
from weasyprint import CSS, HTML

from qiaomen.analytics.reports.content import LevelTable, ReportContent
from qiaomen.analytics.reports.ranking import Assessed
from qiaomen.analytics.reports.xlsx import light_text
from qiaomen.analytics.targets import Target

STYLESHEET = Path(__file__).with_name("print.css")


@dataclass(frozen=True)
class Cell:
    text: str
    light: str = ""  # "green", "red", "none" or "" (no light)
    note: str = ""  # a second line: the change since last month, met or missed
    is_name: bool = False  # the unit's name, aligned left


def figure_text(target: Target, value: float | None) -> str:
    if value is None:
        return "—"
    if target.unit == "hours":
        return pgettext("reports", "%(hours).1f h") % {"hours": value}
    return f"{value:.1%}"


def change_text(target: Target, change: float | None) -> str:
    if change is None:
        return ""
    return f"{change:+.1f}" if target.unit == "hours" else f"{change * 100:+.1f}%"


def _figure_cells(content: ReportContent, assessed: Assessed) -> list[Cell]:
    cells = []
    for target in content.targets:
        figure = assessed.row.figures[target.code]
        note = ""
        if content.compares:
            note = change_text(target, assessed.change(target.code))
        elif content.kind == "quarterly" and figure.light != "none":
            note = light_text(figure.light)
        cells.append(Cell(figure_text(target, figure.value), figure.light, note))
    return cells


def _row(content: ReportContent, assessed: Assessed) -> list[Cell]:
    cells = []
    if content.ranks:
        cells += [
            Cell("—" if assessed.rank is None else str(assessed.rank)),
            Cell(
                "—" if assessed.score is None else f"{assessed.score:.0%}",
                note=f"{assessed.met}/{assessed.assessed}" if assessed.assessed else "",
            ),
        ]
    return [*cells, Cell(assessed.row.name, is_name=True), *_figure_cells(content, assessed)]


def _table(content: ReportContent, table: LevelTable) -> dict[str, object]:
    head = [pgettext("reports", "Rank"), pgettext("reports", "Score")] if content.ranks else []
    return {
        "label": table.label,
        "head": [*head, table.label, *(str(target.label) for target in content.targets)],
        "rows": [_row(content, assessed) for assessed in table.rows],
        "extremes": [
            {
                "target": str(found.target.label),
                "best": found.best.name,
                "best_value": figure_text(found.target, found.best_figure.value),
                "worst": found.worst.name,
                "worst_value": figure_text(found.target, found.worst_figure.value),
            }
            for found in table.extremes
        ],
    }


def _summary(content: ReportContent) -> list[dict[str, object]]:
    rows = []
    for target in content.targets:
        figure = content.total.row.figures[target.code]
        before = content.total.previous.figures[target.code].value if content.total.previous else None
        rows.append(
            {
                "label": str(target.label),
                "goal": f"{target.comparator} {figure_text(target, target.goal)}",
                "value": Cell(figure_text(target, figure.value), figure.light, light_text(figure.light)),
                "before": figure_text(target, before),
                "change": change_text(target, content.total.change(target.code)),
            }
        )
    return rows


def report_pdf(content: ReportContent) -> bytes:
    html = render_to_string(
        "analytics/reports/report.html",
        {
            "content": content,
            "generated": timezone.localtime(content.generated_at).strftime("%Y-%m-%d %H:%M"),
            "summary": _summary(content),
            "tables": [_table(content, table) for table in content.tables],
        },
    )
    pdf = HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(STYLESHEET))])
    assert pdf is not None
    return bytes(pdf)
