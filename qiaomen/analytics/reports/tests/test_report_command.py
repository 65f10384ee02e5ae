"""manage.py report writes the street's report; a wrong kind, period or format writes nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from qiaomen.testing import SmallStreet

pytestmark = pytest.mark.django_db


def test_the_command_writes_the_quarterly_assessment(small_street: SmallStreet, tmp_path: Path) -> None:
    out = tmp_path / "季考核.xlsx"
    stdout = io.StringIO()
    call_command("report", kind="quarterly", period="2026Q4", format="xlsx", out=out, stdout=stdout)
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["概览", "社区", "网格", "部门", "网格员"]
    assert workbook["概览"]["A1"].value == "幸福街道 2026年第4季度 季考核"
    assert "幸福街道_2026年第4季度_季考核.xlsx" in stdout.getvalue()


@pytest.mark.parametrize(
    ("kind", "period", "file_format", "says"),
    [
        ("monthly", "2026Q4", "xlsx", "2026-11"),  # a quarter is no month: the error shows how to write one
        ("quarterly", "2026-11", "pdf", "2026Q4"),
        ("yearly", "2026-13", "pdf", "2026"),
        ("weekly", "2026-11", "xlsx", "monthly"),
        ("monthly", "2026-11", "docx", "xlsx"),
    ],
)
def test_a_wrong_request_is_refused_and_writes_nothing(
    small_street: SmallStreet, tmp_path: Path, kind: str, period: str, file_format: str, says: str
) -> None:
    out = tmp_path / "report.out"
    kept = tmp_path / "kept.xlsx"
    kept.write_bytes(b"an earlier report")
    for target in (out, kept):
        with pytest.raises(CommandError, match=says):
            call_command("report", kind=kind, period=period, format=file_format, out=target)
    assert not out.exists()
    assert kept.read_bytes() == b"an earlier report"


def test_a_missing_directory_is_refused(small_street: SmallStreet, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such directory"):
        call_command("report", kind="monthly", period="2026-11", format="pdf", out=tmp_path / "nowhere" / "a.pdf")
    assert not (tmp_path / "nowhere").exists()
