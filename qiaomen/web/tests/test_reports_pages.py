"""The reports page: who may download which report, as what file, and the kept bulletins."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from urllib.parse import quote

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from qiaomen.analytics.models_reports import Report, ReportFormat, ReportKind
from qiaomen.core.models import AuditEntry
from qiaomen.core.spreadsheets import XLSX_CONTENT_TYPE
from qiaomen.testing import SmallStreet

pytestmark = pytest.mark.django_db
READERS = ["street_admin", "community_staff", "supervisor"]
REFUSED = ["worker_a", "building_chief", "dept_handler", "system_admin", "security_admin", "auditor", "unassigned"]
MONTHLY_XLSX = {"kind": "monthly", "period": "2026-11", "format": "xlsx"}


def kept_bulletin(street: SmallStreet) -> Report:
    return Report.objects.create(
        street=street.street,
        kind=ReportKind.MONTHLY,
        period_label="2026-11",
        format=ReportFormat.PDF,
        filename="幸福街道_2026年11月_月通报.pdf",
        content=b"%PDF-1.7 kept",
        generated_at=dt.datetime(2026, 12, 1, 1, 15, tzinfo=dt.UTC),
    )


@pytest.mark.parametrize("persona", READERS)
def test_street_and_community_staff_and_supervisors_open_the_page(
    small_street: SmallStreet, client_as: Callable[[str], Client], persona: str
) -> None:
    with time_machine.travel(dt.datetime(2026, 12, 6, 2, tzinfo=dt.UTC), tick=False):
        response = client_as(persona).get(reverse("web:command_reports"))
    assert response.status_code == 200
    assert response.context["form"].initial["period"] == "2026-11"  # last month


@pytest.mark.parametrize("persona", REFUSED)
def test_everyone_else_is_refused(small_street: SmallStreet, client_as: Callable[[str], Client], persona: str) -> None:
    report = kept_bulletin(small_street)
    client = client_as(persona)
    for url in (
        reverse("web:command_reports"),
        reverse("web:command_report_download") + "?kind=monthly&period=2026-11&format=xlsx",
        reverse("web:command_report_kept", args=[report.pk]),
    ):
        assert client.get(url).status_code == 403
    assert not AuditEntry.objects.filter(action="report.download").exists()


def test_the_download_is_an_xlsx_with_a_chinese_file_name_and_is_audited(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    response = client_as("street_admin").get(reverse("web:command_report_download"), MONTHLY_XLSX)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''" + quote("幸福街道_2026年11月_月通报.xlsx")
    )  # RFC 5987: the Chinese name survives every browser
    assert response["Cache-Control"] == "no-store"
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["概览", "社区", "部门", "最好与最差"]
    entry = AuditEntry.objects.get(action="report.download")
    assert entry.actor == small_street.users["street_admin"]
    assert entry.detail == {"kind": "monthly", "period": "2026-11", "format": "xlsx"}


def test_a_pdf_download_is_a_pdf(small_street: SmallStreet, client_as: Callable[[str], Client]) -> None:
    response = client_as("supervisor").get(reverse("web:command_report_download"), {**MONTHLY_XLSX, "format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_a_community_staff_members_report_covers_their_community(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    response = client_as("community_staff").get(
        reverse("web:command_report_download"), {"kind": "quarterly", "period": "2026Q4", "format": "xlsx"}
    )
    assert quote("和平社区_2026年第4季度_季考核.xlsx") in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    names = [workbook["社区"].cell(row=row, column=1).value for row in range(2, workbook["社区"].max_row + 1)]
    assert names == ["和平社区"]
    grids = [workbook["网格"].cell(row=row, column=1).value for row in range(2, workbook["网格"].max_row + 1)]
    assert grids == ["和平一网格"]


def test_a_period_that_does_not_fit_the_kind_is_explained_and_nothing_is_downloaded(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    response = client_as("street_admin").get(
        reverse("web:command_report_download"), {**MONTHLY_XLSX, "period": "2026Q4"}
    )
    assert response.status_code == 422
    assert response["Content-Type"].startswith("text/html")
    assert "2026Q4 不是月通报的周期，请写作 2026-11 的形式。" in response.content.decode()
    assert not AuditEntry.objects.filter(action="report.download").exists()


def test_kept_bulletins_are_listed_and_downloaded_by_those_who_see_the_street(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    report = kept_bulletin(small_street)
    for persona in ("street_admin", "supervisor"):
        client = client_as(persona)
        assert list(client.get(reverse("web:command_reports")).context["kept"]) == [report]
        response = client.get(reverse("web:command_report_kept", args=[report.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content == b"%PDF-1.7 kept"
    assert AuditEntry.objects.filter(action="report.download", object_id=str(report.pk)).count() == 2


def test_a_community_sees_no_street_bulletin(small_street: SmallStreet, client_as: Callable[[str], Client]) -> None:
    report = kept_bulletin(small_street)
    client = client_as("community_staff")
    assert client.get(reverse("web:command_reports")).context["kept"] == []
    assert client.get(reverse("web:command_report_kept", args=[report.pk])).status_code == 404
