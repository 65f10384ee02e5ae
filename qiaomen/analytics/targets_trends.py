"""Each target month by month (the dashboard's sparklines), with one grouped query per family:
the tickets of the months grouped by their month in Shanghai, and the special-group households
visited grouped the same way, plus their count. A month's figure equals target_total for that
month: same counts (targets_counts), same special households."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import TruncMonth

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
from qiaomen.visits.periods import CHINA


@dataclass(frozen=True)
class TargetTrends:
    months: list[ReportPeriod]  # oldest first
    figures: dict[str, list[Figure]]  # target code → one figure per month


def _month_of(moment: dt.datetime | dt.date) -> tuple[int, int]:
    if isinstance(moment, dt.datetime) and moment.tzinfo is not None:
        moment = moment.astimezone(CHINA)
    return moment.year, moment.month


def target_trends(
    *, scope: PlaceScope, ending: dt.date, count: int = 12, department_id: int | None = None
) -> TargetTrends:
    """The `count` months up to the one containing `ending`: two or three queries in all."""
    months = last_months(ending=ending, count=count)
    start, end = months[0].start, months[-1].end
    by_month: dict[tuple[int, int], Counts] = {(m.first_day.year, m.first_day.month): Counts() for m in months}
    tickets = period_tickets(scoped_tickets(scope=scope, department_id=department_id), start=start, end=end)
    rows = (
        tickets.annotate(month=TruncMonth("created_at", tzinfo=CHINA))
        .order_by()
        .values("month")
        .annotate(**ticket_aggregates())
    )
    for row in rows:
        by_month[_month_of(row["month"])].add(counts_from_ticket_row(row))
    counts_households = department_id is None
    if counts_households:
        special = special_households(scope=scope)
        households = special.count()
        visited = (
            contact_visits(start=start, end=end)
            .filter(household_id__in=special.values("pk"))
            .annotate(month=TruncMonth("visited_at", tzinfo=CHINA))
            .order_by()
            .values("month")
            .annotate(covered=Count("household_id", distinct=True))
        )
        for counts in by_month.values():
            counts.special = households
        for row in visited:
            by_month[_month_of(row["month"])].special_covered = row["covered"]
    figures = {
        target.code: [figure(target, by_month[key], counts_households=counts_households) for key in by_month]
        for target in TARGETS
    }
    return TargetTrends(months, figures)
