"""Next month's demands per grid and category (R-ANA-4), back-tested before they are shown.

`forecast_refresh` reads the monthly counts of every grid × category in one grouped query,
back-tests the model against the baseline on a rolling origin (forecast_model), forecasts the
month after the current one and keeps both as a ForecastRun with its ForecastValues. Only
complete months are used: the current month is not over, and the month in which the history
starts is left out unless it starts on its first day. The forecast made in December is for
January from November and earlier, so each back-test fold leaves the same month's gap.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from qiaomen.analytics.forecast_model import MIN_TRAIN_MONTHS, Backtest, backtest, model_forecast
from qiaomen.analytics.models import ForecastRun, ForecastValue
from qiaomen.analytics.periods import Span, add_months, period_of
from qiaomen.analytics.trends import counts_by_month
from qiaomen.tickets.models import Status, Ticket
from qiaomen.visits.periods import CHINA

LEAD = 2  # months from the last complete month to the forecast month
LONGEST_HISTORY = 60  # months
KEEP_VALUES_OF_RUNS = 3


@dataclass(frozen=True)
class History:
    months: list[dt.date]  # first days, oldest first
    keys: list[tuple[int, int]]  # (grid id, category id) of each series
    counts: np.ndarray  # series × months
    categories: np.ndarray  # category id of each series


def _first_complete_month(first_moment: dt.datetime) -> dt.date:
    local = first_moment.astimezone(CHINA)
    month = local.date().replace(day=1)
    starts_on_the_first = local.day == 1 and local.time() == dt.time.min
    return month if starts_on_the_first else add_months(month, 1)


def demand_history(*, today: dt.date) -> History:
    """Demands per grid × category per complete month before `today`'s month."""
    tickets = Ticket.objects.exclude(status=Status.MERGED).filter(grid__isnull=False)
    end = today.replace(day=1)
    first = tickets.aggregate(first=Min("created_at"))["first"]
    if first is None:
        return History([], [], np.zeros((0, 0)), np.zeros(0, dtype=np.int64))
    start = max(_first_complete_month(first), add_months(end, -LONGEST_HISTORY))
    months: list[dt.date] = []
    month = start
    while month < end:
        months.append(month)
        month = add_months(month, 1)
    if not months:
        return History([], [], np.zeros((0, 0)), np.zeros(0, dtype=np.int64))
    periods = [period_of(Span.MONTH, month) for month in months]
    rows = counts_by_month(tickets, periods, "grid_id", "subcategory__category_id")
    keys = [(grid_id, category_id) for (grid_id, category_id), _counts in rows]
    counts = np.array([per_month for _key, per_month in rows], dtype=float).reshape(len(keys), len(months))
    categories = np.array([category for _grid, category in keys], dtype=np.int64)
    return History(months, keys, counts, categories)


def _codes(codes: frozenset[str] | set[str]) -> str:
    return ",".join(sorted(codes))


def forecast_evaluate(*, today: dt.date) -> tuple[History, Backtest]:
    """The history before `today`'s month and the back-test of the model and the baseline on it."""
    history = demand_history(today=today)
    if not history.keys:
        return history, Backtest([], None, None, frozenset(), frozenset())
    return history, backtest(history.counts, history.categories, lead=LEAD)


@transaction.atomic
def forecast_refresh(*, today: dt.date | None = None) -> ForecastRun:
    """Back-test, forecast the month after `today`'s (in Shanghai) and keep the run."""
    started = time.perf_counter()
    now = timezone.now()
    today = today or now.astimezone(CHINA).date()
    horizon = add_months(today, 1)
    history, result = forecast_evaluate(today=today)
    values = [(history.months[fold.target], fold.predicted) for fold in result.folds]
    methods = set(result.methods)
    if history.keys and len(history.months) >= MIN_TRAIN_MONTHS:
        ahead, used = model_forecast(history.counts, history.categories, LEAD)
        values.append((horizon, ahead))
        methods |= used
    run = ForecastRun.objects.create(
        made_at=now,
        horizon=horizon,
        model_name=_codes(methods),
        baseline_name=_codes(result.baselines),
        model_accuracy=result.model_accuracy,
        baseline_accuracy=result.baseline_accuracy,
        folds=len(result.folds),
        series=len(history.keys),
        history_months=len(history.months),
        seconds=0.0,
    )
    ForecastValue.objects.bulk_create(
        [
            ForecastValue(run=run, grid_id=grid_id, category_id=category_id, month=month, predicted=float(value))
            for month, predicted in values
            for (grid_id, category_id), value in zip(history.keys, predicted, strict=True)
        ],
        batch_size=2000,
    )
    # Older runs keep their accuracies; their predictions (some 20,000 rows a run at 70,000
    # households) are read by no page once newer runs exist.
    older = ForecastRun.objects.order_by("-made_at", "-pk").values_list("pk", flat=True)[KEEP_VALUES_OF_RUNS:]
    ForecastValue.objects.filter(run_id__in=list(older)).delete()
    run.seconds = time.perf_counter() - started
    run.save(update_fields=["seconds"])
    return run


def forecast_latest() -> ForecastRun | None:
    """The newest run, or None when no forecast has been made yet."""
    return ForecastRun.objects.order_by("-made_at", "-pk").first()
