"""A forecast run as the command centre shows it, within the user's places: next month per grid
and category, and month by month the demands that happened beside those the run predicted (its
back-test months and the month ahead)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet, Sum
from django.utils import timezone

from qiaomen.accounts.scopes import PlaceScope
from qiaomen.analytics.models import ForecastRun, ForecastValue
from qiaomen.analytics.periods import Span, add_months, period_of
from qiaomen.analytics.trends import counts_by_month, scoped_tickets
from qiaomen.places.models import Grid
from qiaomen.tickets.models import Category
from qiaomen.visits.periods import CHINA


@dataclass(frozen=True)
class GridForecast:
    grid: str
    community: str
    values: list[float]  # one per category, in the table's order
    total: float


@dataclass(frozen=True)
class ForecastTable:
    categories: list[str]
    rows: list[GridForecast]
    totals: list[float]
    total: float


def _scoped_values(run: ForecastRun, scope: PlaceScope) -> QuerySet[ForecastValue]:
    return ForecastValue.objects.filter(run=run, grid_id__in=sorted(scope.all_grid_ids))


def forecast_table(*, run: ForecastRun, scope: PlaceScope) -> ForecastTable:
    """The forecast month's demands per grid (rows) and category (columns) of the scope."""
    categories = list(Category.objects.order_by("code").values_list("pk", "name"))
    column = {pk: index for index, (pk, _name) in enumerate(categories)}
    cells: dict[int, list[float]] = defaultdict(lambda: [0.0] * len(categories))
    for grid_id, category_id, predicted in (
        _scoped_values(run, scope).filter(month=run.horizon).values_list("grid_id", "category_id", "predicted")
    ):
        cells[grid_id][column[category_id]] += predicted
    grids = Grid.objects.filter(pk__in=list(cells)).select_related("community").order_by("community__name", "name")
    rows = [GridForecast(grid.name, grid.community.name, cells[grid.pk], sum(cells[grid.pk])) for grid in grids]
    totals = [sum(row.values[index] for row in rows) for index in range(len(categories))]
    return ForecastTable([name for _pk, name in categories], rows, totals, sum(totals))


@dataclass(frozen=True)
class ForecastLine:
    months: list[dt.date]
    actual: list[int | None]  # None: the month is not over (or has not come)
    predicted: list[float | None]  # None: the run predicted nothing for that month


def forecast_line(*, run: ForecastRun, scope: PlaceScope, months: int = 12) -> ForecastLine:
    """Demands per month in the scope, from `months` months before the forecast month to it,
    beside the run's predictions summed over the scope's grids."""
    first = add_months(run.horizon, -months)
    span = [add_months(first, step) for step in range(months + 1)]
    current = timezone.now().astimezone(CHINA).date().replace(day=1)
    over = [period_of(Span.MONTH, month) for month in span if month < current]
    happened: dict[dt.date, int] = {}
    if over:
        [(_all, per_month)] = counts_by_month(scoped_tickets(scope), over)
        happened = {month.first_day: n for month, n in zip(over, per_month, strict=True)}
    predicted = dict(
        _scoped_values(run, scope)
        .filter(month__gte=first)
        .values("month")
        .annotate(n=Sum("predicted"))
        .values_list("month", "n")
    )
    return ForecastLine(span, [happened.get(month) for month in span], [predicted.get(month) for month in span])
