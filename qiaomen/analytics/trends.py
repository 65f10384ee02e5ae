"""High-frequency demands and how they move (R-ANA-2): the sub-categories most asked for in a
period, each with its count in the period before, the change and the change in per cent.

Counted over the tickets created in the period within the scope's grids; a ticket merged into
another is the same demand told twice and counts nowhere (as in ticket_figures). Both periods
come from one grouped query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth

from qiaomen.accounts.scopes import PlaceScope
from qiaomen.analytics.periods import ReportPeriod, last_months
from qiaomen.tickets.models import Status, Ticket
from qiaomen.visits.periods import CHINA


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


def monthly_counts(*, scope: PlaceScope, codes: list[str], ending: dt.date, months: int = 12) -> dict[str, list[int]]:
    """Demands per month of each sub-category in `codes`, over the `months` months up to the one
    containing `ending` (oldest first): the lines of the trend chart."""
    span = last_months(ending=ending, count=months)
    index = {month.first_day: position for position, month in enumerate(span)}
    counts = {code: [0] * months for code in codes}
    rows = (
        scoped_tickets(scope)
        .filter(subcategory__code__in=codes, created_at__gte=span[0].start, created_at__lt=span[-1].end)
        .annotate(month=TruncMonth("created_at", tzinfo=CHINA))
        .values("subcategory__code", "month")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        counts[row["subcategory__code"]][index[month_day(row["month"])]] = row["n"]
    return counts


def month_day(month: dt.datetime | dt.date) -> dt.date:
    """TruncMonth gives an aware datetime on PostgreSQL and SQLite alike; its local date."""
    if isinstance(month, dt.datetime):
        return month.astimezone(CHINA).date() if month.tzinfo else month.date()
    return month
