"""Each target month by month (the dashboard's sparklines), with one grouped query per family:
the tickets of the months grouped by their month in Shanghai, and the special-group households
visited grouped the same way, plus their count. A month's figure equals target_total for that
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
    contact_visits,
    counts_from_ticket_row,
    period_tickets,
    scoped_tickets,
    special_households,
    ticket_aggregates,
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
        special = special_households(scope=scope)
        households = special.count()
        visited = (
            contact_visits(start=start, end=end)
            .filter(household_id__in=special.values("pk"))
            .annotate(month=month_index("visited_at", months))
            .order_by()
            .values("month")
            .annotate(covered=Count("household_id", distinct=True))
        )
        for counts in by_month:
            counts.special = households
        for row in visited:
            by_month[row["month"]].special_covered = row["covered"]
    figures = {
        target.code: [figure(target, counts, counts_households=counts_households) for counts in by_month]
        for target in TARGETS
    }
    return TargetTrends(months, figures)
