"""The forecast run: complete months only, the back-test it keeps, the commands and the job."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command
from huey.contrib.djhuey import HUEY

from qiaomen.analytics.forecast import KEEP_VALUES_OF_RUNS, LEAD, demand_history, forecast_latest, forecast_refresh
from qiaomen.analytics.forecast_model import backtest
from qiaomen.analytics.models import ForecastRun, ForecastValue
from qiaomen.analytics.tasks import forecast_refresh_soon
from qiaomen.analytics.tests.demand_helpers import demand
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Category

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 6)
MONTHS = [dt.date(2026, month, 1) for month in range(5, 12)]  # May … November
MEALS_A = [1, 2, 1, 3, 2, 1, 2]
SCHOOL_A = [0, 1, 0, 0, 2, 0, 1]


def _at(month: dt.date, day: int) -> dt.datetime:
    return dt.datetime(month.year, month.month, day, 2, tzinfo=dt.UTC)


@pytest.fixture
def seven_months(small_street: SmallStreet) -> SmallStreet:
    """Grid A: meals (生活服务) and school places (政策咨询) by the month; grid B: rubbish
    (生活服务) once a month. Before: a demand on 15 April (a partial month); after: one on
    2 December (the current month). Neither is history."""
    s = small_street
    demand(s, "LIF-MEAL", dt.datetime(2026, 4, 15, 2, tzinfo=dt.UTC))
    for month, meals, school in zip(MONTHS, MEALS_A, SCHOOL_A, strict=True):
        for day in range(meals):
            demand(s, "LIF-MEAL", _at(month, 3 + day))
        for day in range(school):
            demand(s, "POL-EDU", _at(month, 10 + day))
        demand(s, "LIF-ENV", _at(month, 20), s.household_b)
    demand(s, "LIF-MEAL", dt.datetime(2026, 12, 2, 2, tzinfo=dt.UTC))
    return s


def test_history_is_the_complete_months_per_grid_and_category(seven_months: SmallStreet) -> None:
    history = demand_history(today=TODAY)
    life, policy = Category.objects.get(code="LIF").pk, Category.objects.get(code="POL").pk
    a, b = seven_months.grid_a.pk, seven_months.grid_b.pk
    assert history.months == MONTHS
    rows = dict(zip(history.keys, history.counts.tolist(), strict=True))
    assert rows == {(a, life): MEALS_A, (a, policy): SCHOOL_A, (b, life): [1] * 7}


def test_the_run_keeps_what_the_backtest_measured(seven_months: SmallStreet) -> None:
    run = forecast_refresh(today=TODAY)
    history = demand_history(today=TODAY)
    expected = backtest(history.counts, history.categories, lead=LEAD)
    assert run.horizon == dt.date(2027, 1, 1)
    assert (run.folds, run.series, run.history_months) == (2, 3, 7)  # October and November back-tested
    assert run.model_accuracy == expected.model_accuracy and run.baseline_accuracy == expected.baseline_accuracy
    assert run.measured and run.baseline_name == "naive" and run.model_name == "smoothing"
    months = sorted(set(ForecastValue.objects.filter(run=run).values_list("month", flat=True)))
    assert months == [dt.date(2026, 10, 1), dt.date(2026, 11, 1), dt.date(2027, 1, 1)]
    ahead = ForecastValue.objects.filter(run=run, month=run.horizon)
    assert ahead.count() == 3 and all(value.predicted >= 0 for value in ahead)
    assert forecast_latest() == run


def test_the_fold_predictions_are_kept_per_series(seven_months: SmallStreet) -> None:
    run = forecast_refresh(today=TODAY)
    history = demand_history(today=TODAY)
    november = backtest(history.counts, history.categories, lead=LEAD).folds[-1]
    rows = ForecastValue.objects.filter(run=run, month=dt.date(2026, 11, 1)).values_list(
        "grid_id", "category_id", "predicted"
    )
    kept = {(grid, category): predicted for grid, category, predicted in rows}
    assert np.allclose([kept[key] for key in history.keys], november.predicted)


def test_no_demands_no_figure(db: None) -> None:
    run = forecast_refresh(today=TODAY)
    assert (run.folds, run.series, run.model_accuracy, run.baseline_accuracy) == (0, 0, None, None)
    assert not run.measured and not ForecastValue.objects.exists()


def test_no_run_yet(db: None) -> None:
    assert forecast_latest() is None


def test_backtest_command_prints_both_accuracies(seven_months: SmallStreet) -> None:
    out = StringIO()
    call_command("forecast_backtest", today=TODAY, stdout=out)
    history = demand_history(today=TODAY)
    result = backtest(history.counts, history.categories, lead=LEAD)
    assert result.model_accuracy is not None and result.baseline_accuracy is not None
    text = out.getvalue()
    assert f"model accuracy (1 - WAPE): {result.model_accuracy:.1%}" in text
    assert f"baseline accuracy (1 - WAPE): {result.baseline_accuracy:.1%}" in text
    assert "folds: 2 back-test months" in text and "series: 3" in text
    assert not ForecastRun.objects.exists()  # the back-test writes nothing


def test_backtest_command_says_when_nothing_was_measured(db: None) -> None:
    out = StringIO()
    call_command("forecast_backtest", today=TODAY, stdout=out)
    assert "model accuracy (1 - WAPE): not measured" in out.getvalue()


def test_refresh_command_and_job_write_a_run(seven_months: SmallStreet) -> None:
    out = StringIO()
    call_command("forecast_refresh", today=TODAY, stdout=out)
    assert "forecast for 2027-01: 3 series, 2 back-test months" in out.getvalue()
    forecast_refresh_soon()  # huey runs tasks at once in tests
    assert ForecastRun.objects.count() == 2


def test_the_refresh_is_a_monthly_periodic_task() -> None:
    assert "forecast_refresh_monthly" in {task.name for task in HUEY.read_periodic(dt.datetime(2026, 12, 1, 19, 30))}
    assert "forecast_refresh_monthly" not in {
        task.name for task in HUEY.read_periodic(dt.datetime(2026, 12, 2, 19, 30))
    }


def test_older_runs_keep_their_accuracy_and_drop_their_predictions(seven_months: SmallStreet) -> None:
    runs = [forecast_refresh(today=TODAY) for _ in range(KEEP_VALUES_OF_RUNS + 1)]
    assert ForecastRun.objects.count() == KEEP_VALUES_OF_RUNS + 1
    assert not ForecastValue.objects.filter(run=runs[0]).exists()
    assert all(ForecastValue.objects.filter(run=run).exists() for run in runs[1:])
    assert ForecastRun.objects.get(pk=runs[0].pk).model_accuracy == runs[0].model_accuracy
