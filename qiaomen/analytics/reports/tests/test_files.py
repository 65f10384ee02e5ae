"""The workbook and the PDF say what analytics.targets counts: one sheet per level with frozen
headers and real numbers in their formats, and a PDF whose Chinese is text, not tofu."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from pypdf import PdfReader

from qiaomen.accounts.scopes import place_scope
from qiaomen.analytics.models_reports import ReportFormat, ReportKind
from qiaomen.analytics.periods import period_parse
from qiaomen.analytics.reports.request import ReportRequest
from qiaomen.analytics.reports.services import RenderedReport, report_render, scope_name
from qiaomen.analytics.targets import TARGETS, target_rows, target_total
from qiaomen.analytics.tests.targets_street import NOVEMBER, target_street
from qiaomen.testing import SmallStreet

pytestmark = pytest.mark.django_db
__all__ = ["target_street"]
NOW = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)
SHEETS = {
    ReportKind.MONTHLY: ["概览", "社区", "部门", "最好与最差"],
    ReportKind.QUARTERLY: ["概览", "社区", "网格", "部门", "网格员"],
    ReportKind.YEARLY: ["概览", "社区", "网格", "部门", "网格员"],
}
LEVEL_OF_SHEET = {"社区": "community", "网格": "grid", "部门": "department", "网格员": "worker"}
PERIOD_OF_KIND = {
    ReportKind.MONTHLY: NOVEMBER,
    ReportKind.QUARTERLY: period_parse("2026Q4"),
    ReportKind.YEARLY: period_parse("2026"),
}


def render(
    street: SmallStreet, kind: ReportKind, report_format: ReportFormat, persona: str = "street_admin"
) -> RenderedReport:
    scope = place_scope(street.users[persona])
    request = ReportRequest(kind, PERIOD_OF_KIND[kind], report_format)
    return report_render(request=request, scope=scope, place_name=scope_name(scope), now=NOW)


def stored(value: float | None) -> object:
    """The value as a workbook holds it: openpyxl writes a float with 16 significant digits, so
    1/6 reads back one unit in the last place away."""
    return None if value is None else pytest.approx(value, rel=1e-14)


def columns(sheet: Worksheet) -> dict[str, int]:
    return {str(cell.value): cell.column for cell in sheet[1] if cell.value is not None}


def rows_by_name(sheet: Worksheet) -> dict[str, int]:
    return {str(sheet.cell(row=row, column=1).value): row for row in range(2, sheet.max_row + 1)}


@pytest.mark.parametrize("kind", list(ReportKind))
def test_the_workbook_has_a_sheet_per_level_with_the_figures_as_numbers(
    target_street: SmallStreet, kind: ReportKind
) -> None:
    rendered = render(target_street, kind, ReportFormat.XLSX)
    workbook = load_workbook(io.BytesIO(rendered.content))
    assert workbook.sheetnames == SHEETS[kind]
    scope = place_scope(target_street.users["street_admin"])
    checked = 0
    for title, level in LEVEL_OF_SHEET.items():
        if title not in workbook.sheetnames:
            continue
        sheet = workbook[title]
        assert sheet.freeze_panes == "B2"  # the header row and the names stay in view
        heads, places = columns(sheet), rows_by_name(sheet)
        expected = target_rows(scope=scope, period=PERIOD_OF_KIND[kind], level=level)
        assert sorted(places) == sorted(row.name for row in expected)
        for row in expected:
            for target in TARGETS:
                cell = sheet.cell(row=places[row.name], column=heads[str(target.label)])
                assert cell.value == stored(row.figures[target.code].value)
                assert cell.number_format == ("0.0" if target.unit == "hours" else "0.0%")
                checked += cell.value is not None
    assert checked > 10


def test_the_summary_sheet_holds_the_street_total_and_last_month(target_street: SmallStreet) -> None:
    workbook = load_workbook(io.BytesIO(render(target_street, ReportKind.MONTHLY, ReportFormat.XLSX).content))
    sheet = workbook["概览"]
    assert sheet["A1"].value == "幸福街道 2026年11月 月通报"
    total = target_total(scope=place_scope(target_street.users["street_admin"]), period=NOVEMBER)
    october = target_total(scope=place_scope(target_street.users["street_admin"]), period=period_parse("2026-10"))
    header = {str(cell.value): cell.column for cell in sheet[6] if cell.value is not None}
    assert sheet.freeze_panes == "B7"
    by_label = {str(sheet.cell(row=row, column=1).value): row for row in range(7, 7 + len(TARGETS))}
    repeat = by_label["重复诉求率"] if "重复诉求率" in by_label else by_label[str(TARGETS[6].label)]
    for target in TARGETS:
        row = by_label[str(target.label)]
        assert sheet.cell(row=row, column=header["本期"]).value == stored(total.figures[target.code].value)
        assert sheet.cell(row=row, column=header["上月"]).value == stored(october.figures[target.code].value)
        assert sheet.cell(row=row, column=header["目标值"]).value == target.goal
    # November against October: the October ticket of grid B was open, so nothing completed then.
    assert sheet.cell(row=repeat, column=header["状态"]).value == "未达标"


def test_the_quarterly_assessment_ranks_with_pass_or_fail(target_street: SmallStreet) -> None:
    workbook = load_workbook(io.BytesIO(render(target_street, ReportKind.QUARTERLY, ReportFormat.XLSX).content))
    sheet = workbook["社区"]
    heads, places = columns(sheet), rows_by_name(sheet)
    assert {sheet.cell(row=row, column=heads["排名"]).value for row in places.values()} <= {1, 2}
    for row in places.values():
        score = sheet.cell(row=row, column=heads["得分（达标项占比）"])
        met, assessed = (sheet.cell(row=row, column=heads[name]).value for name in ("达标项数", "有数据项数"))
        assert score.number_format == "0.0%" and score.value == met / assessed
        assert sheet.cell(row=row, column=heads[f"{TARGETS[0].label}，是否达标"]).value in {"达标", "未达标", "无数据"}


@pytest.mark.parametrize("kind", list(ReportKind))
def test_the_pdf_is_a4_with_its_chinese_title_and_communities_as_text(
    target_street: SmallStreet, kind: ReportKind
) -> None:
    rendered = render(target_street, kind, ReportFormat.PDF)
    assert rendered.content_type == "application/pdf"
    reader = PdfReader(io.BytesIO(rendered.content))
    text = "".join(page.extract_text() for page in reader.pages)
    title = {"monthly": "月通报", "quarterly": "季考核", "yearly": "年评优"}[kind]
    assert f"幸福街道 {PERIOD_OF_KIND[kind].title} {title}" in text
    assert "和平社区" in text and "光明社区" in text
    width, height = sorted((float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)))
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    fonts = set()
    for page in reader.pages:
        resources: Any = page["/Resources"]
        fonts |= {str(font.get_object()["/BaseFont"]) for font in resources["/Font"].values()}
    assert any("Noto-Sans-CJK-SC" in font for font in fonts), fonts  # no fallback font


def test_a_community_staff_members_report_covers_their_community_only(target_street: SmallStreet) -> None:
    rendered = render(target_street, ReportKind.MONTHLY, ReportFormat.XLSX, persona="community_staff")
    assert rendered.filename == "和平社区_2026年11月_月通报.xlsx"
    sheet = load_workbook(io.BytesIO(rendered.content))["社区"]
    assert list(rows_by_name(sheet)) == ["和平社区"]
