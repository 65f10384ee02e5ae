"""High-frequency demands and how they move (R-ANA-2): the sub-categories most asked for in a
period, each with its count in the period before, the change and the change in per cent.

Counted over the tickets created in the period within the scope's grids; a ticket merged into
another is the same demand told twice and counts nowhere (as in ticket_figures). Both periods
come from one grouped query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from qiaomen.accounts.scopes import PlaceScope
from qiaomen.analytics.periods import ReportPeriod, last_months
from qiaomen.tickets.models import Status, Ticket


def scoped_tickets(scope: PlaceScope) -> QuerySet[Ticket]:
    """The demands of the scope's grids, merged duplicates left out."""
    if scope.is_empty or not scope.all_grid_ids:
        return Ticket.objects.none()
    return Ticket.objects.filter(grid_id__in=sorted(scope.all_grid_ids)).exclude(status=Status.MERGED)


@dataclass(frozen=True)
class Trend:
    code: str
    name: str
    category: str
    count: int
    previous: int

    @property
    def delta(self) -> int:
        return self.count - self.previous

    @property
    def change(self) -> float | None:
        """The change as a share of the period before; None when there was nothing before."""
        return self.delta / self.previous if self.previous else None


def top_subcategories(*, scope: PlaceScope, period: ReportPeriod, limit: int = 10) -> list[Trend]:
    """The `limit` sub-categories with most demands in `period`, most first (ties by code), with
    their count in `period.previous()`."""
    before = period.previous()
    rows = (
        scoped_tickets(scope)
        .filter(created_at__gte=before.start, created_at__lt=period.end)
        .values("subcategory__code", "subcategory__name", "subcategory__category__name")
        .annotate(
            count=Count("pk", filter=Q(created_at__gte=period.start)),
            previous=Count("pk", filter=Q(created_at__lt=before.end)),
        )
        .filter(count__gt=0)
        .order_by("-count", "subcategory__code")[:limit]
    )
    return [
        Trend(
            code=row["subcategory__code"],
            name=row["subcategory__name"],
            category=row["subcategory__category__name"],
            count=row["count"],
            previous=row["previous"],
        )
        for row in rows
    ]


def counts_by_month(
    tickets: QuerySet[Ticket], months: list[ReportPeriod], *fields: str
) -> list[tuple[tuple[Any, ...], list[int]]]:
    """Demands per month of `months` (consecutive, oldest first) for each value of `fields`, in
    one grouped query: (field values, counts). One count per month, each a plain comparison of
    created_at with the month's bounds in Shanghai, rather than a time-zone function per row,
    which SQLite runs in Python (6 s over 200,000 tickets)."""
    per_month = {
        f"m{index}": Count("pk", filter=Q(created_at__gte=month.start, created_at__lt=month.end))
        for index, month in enumerate(months)
    }
    window = tickets.filter(created_at__gte=months[0].start, created_at__lt=months[-1].end)
    if not fields:
        totals = window.aggregate(**per_month)
        return [((), [totals[name] for name in per_month])]
    rows = window.values(*fields).annotate(**per_month).order_by(*fields)
    return [(tuple(row[field] for field in fields), [row[name] for name in per_month]) for row in rows]


def monthly_counts(*, scope: PlaceScope, codes: list[str], ending: dt.date, months: int = 12) -> dict[str, list[int]]:
    """Demands per month of each sub-category in `codes`, over the `months` months up to the one
    containing `ending` (oldest first): the lines of the trend chart."""
    counts = {code: [0] * months for code in codes}
    tickets = scoped_tickets(scope).filter(subcategory__code__in=codes)
    for (code,), per_month in counts_by_month(tickets, last_months(ending=ending, count=months), "subcategory__code"):
        counts[code] = per_month
    return counts
