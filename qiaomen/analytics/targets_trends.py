"""Each target month by month (the dashboard's sparklines), with one grouped query per family:
the tickets of the months grouped by their month in Shanghai, and one count of the special-group
households with, for each month, those visited in it. A month's figure equals target_total for that
month: same counts (targets_counts), same special households.

The month is a CASE over the months' boundaries (midnight in Shanghai) rather than TruncMonth:
on SQLite, TruncMonth with a time zone calls a Python function for every row, which alone took
seconds over a year of a 70,000-household street's visits and tickets."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Value, When

from qiaomen.accounts.scopes import PlaceScope
from qiaomen.analytics.periods import ReportPeriod, last_months
from qiaomen.analytics.targets import TARGETS, Figure, figure
from qiaomen.analytics.targets_counts import (
    Counts,
    counts_from_ticket_row,
    period_tickets,
    scoped_tickets,
    special_households,
    ticket_aggregates,
    visited_in,
)


@dataclass(frozen=True)
class TargetTrends:
    months: list[ReportPeriod]  # oldest first
    figures: dict[str, list[Figure]]  # target code → one figure per month


def month_index(column: str, months: list[ReportPeriod]) -> Case:
    """The position in `months` of the month that `column` falls in (rows already cut to them)."""
    whens = [When(**{f"{column}__lt": month.end}, then=Value(index)) for index, month in enumerate(months)]
    return Case(*whens, default=Value(len(months) - 1), output_field=IntegerField())


def target_trends(
    *, scope: PlaceScope, ending: dt.date, count: int = 12, department_id: int | None = None
) -> TargetTrends:
    """The `count` months up to the one containing `ending`: two or three queries in all."""
    months = last_months(ending=ending, count=count)
    start, end = months[0].start, months[-1].end
    by_month = [Counts() for _ in months]
    tickets = period_tickets(scoped_tickets(scope=scope, department_id=department_id), start=start, end=end)
    rows = (
        tickets.annotate(month=month_index("created_at", months))
        .order_by()
        .values("month")
        .annotate(**ticket_aggregates())
    )
    for row in rows:
        by_month[row["month"]].add(counts_from_ticket_row(row))
    counts_households = department_id is None
    if counts_households:
        # One pass over the special households, asking the visits index once per month whether
        # each was reached: on SQLite about a quarter of the CPU of grouping a year of visits by
        # month and counting distinct households (bench/command_centre.py).
        reached = {
            f"month_{index}": Count("pk", filter=visited_in(start=month.start, end=month.end))
            for index, month in enumerate(months)
        }
        special = special_households(scope=scope).order_by().aggregate(households=Count("pk"), **reached)
        for index, counts in enumerate(by_month):
            counts.special = special["households"]
            counts.special_covered = special[f"month_{index}"]
    figures = {
        target.code: [figure(target, counts, counts_households=counts_households) for counts in by_month]
        for target in TARGETS
    }
    return TargetTrends(months, figures)
