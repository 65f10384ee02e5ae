"""The monthly bulletin is kept by a periodic job on the first working day of the month, on
China's calendar with its 调休 and the admin's overrides, once, as xlsx and pdf."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from huey.contrib.djhuey import HUEY

from qiaomen.analytics.models_reports import Report
from qiaomen.analytics.tasks import monthly_bulletin_on_first_working_day
from qiaomen.core.workdays import CHINA
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import WorkdayOverride

pytestmark = pytest.mark.django_db


def at(day: str, hour: int = 9) -> dt.datetime:
    """`hour` o'clock in China on `day`."""
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=CHINA)


def run_on(day: str, hour: int = 9) -> list[tuple[str, str]]:
    with time_machine.travel(at(day, hour), tick=False):
        monthly_bulletin_on_first_working_day.call_local()
    return sorted(Report.objects.values_list("period_label", "format"))


def test_the_job_is_scheduled_through_the_working_day() -> None:
    for hour_utc in (0, 5, 9):
        periodic = {task.name for task in HUEY.read_periodic(dt.datetime(2026, 12, 1, hour_utc, 15))}
        assert "monthly_bulletin_on_first_working_day" in periodic


def test_after_the_national_day_holiday_the_bulletin_waits_for_8_october(small_street: SmallStreet) -> None:
    assert run_on("2026-10-01") == []  # a Thursday, but 国庆节
    assert run_on("2026-10-07") == []
    assert run_on("2026-10-08") == [("2026-09", "pdf"), ("2026-09", "xlsx")]
    report = Report.objects.get(format="xlsx")
    assert report.street == small_street.street and report.generated_by is None
    assert report.filename == "幸福街道_2026年9月_月通报.xlsx"
    assert bytes(report.content).startswith(b"PK")  # a zip: the workbook


def test_a_sunday_made_a_working_day_by_tiaoxiu_is_the_first_working_day(small_street: SmallStreet) -> None:
    """New Year 2026: 1–3 January off, Sunday 4 January worked (调休)."""
    assert run_on("2026-01-02") == []
    assert run_on("2026-01-04") == [("2025-12", "pdf"), ("2025-12", "xlsx")]


def test_a_day_the_admin_gave_off_moves_the_bulletin(small_street: SmallStreet) -> None:
    WorkdayOverride.objects.create(date=dt.date(2026, 12, 1), is_working_day=False, note="停电")
    assert run_on("2026-12-01") == []
    assert run_on("2026-12-02") == [("2026-11", "pdf"), ("2026-11", "xlsx")]


def test_other_working_days_keep_nothing(small_street: SmallStreet) -> None:
    assert run_on("2026-11-03") == []
    assert run_on("2026-11-30") == []


def test_running_again_the_same_day_keeps_one_of_each(small_street: SmallStreet) -> None:
    run_on("2026-12-01", hour=8)
    first = dict(Report.objects.values_list("format", "generated_at"))
    assert run_on("2026-12-01", hour=9) == [("2026-11", "pdf"), ("2026-11", "xlsx")]
    assert dict(Report.objects.values_list("format", "generated_at")) == first
