"""The plan's ticket targets as figures (R-TIC-7, R-TIC-8, R-ANA-7), each defined once here.

All figures are over the tickets *created* in the period, grouped by a dimension (street,
community, grid, department). A ticket merged into another (status "merged") is the same demand
told twice and counts nowhere: the ticket it was merged into carries it (tickets.merge). Formulas:

- response_avg_hours / response_p90_hours: hours from creation to the first acceptance, over
  tickets accepted at least once; target average ≤ 24 h.
- on_spot_rate = tickets resolved on the spot / all tickets; target ≥ 60 %.
- completion_rate = tickets resolved or closed (and not reopened since) / all tickets; ≥ 90 %.
- satisfaction = ratings of 4 or 5 / all ratings; target ≥ 85 %. (rating_avg: the mean score.)
- repeat_rate = tickets linked to an earlier one (same household, same sub-category, 90 days)
  / all tickets; target < 10 %.
- second_complaint_rate = tickets reopened after a resident's low rating / tickets that
  reached "resolved"; target ≤ 5 %.
- proactive_share = tickets found on a visit (channel "visit") / all tickets; target ≥ 30 %.
- overdue = tickets still open whose stored deadline has passed (now), or that have escalated.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from qiaomen.analytics.targets_counts import ACCEPTED, RESPONSE, period_tickets, ticket_aggregates
from qiaomen.core.numbers import share
from qiaomen.tickets.models import Ticket
from qiaomen.tickets.selectors import overdue_q

DIMENSIONS = {
    "street": "grid__community__street_id",
    "community": "grid__community_id",
    "grid": "grid_id",
    "department": "department_id",
}
TARGETS = {
    "response_avg_hours": ("≤", 24.0),
    "on_spot_rate": ("≥", 0.60),
    "completion_rate": ("≥", 0.90),
    "satisfaction": ("≥", 0.85),
    "repeat_rate": ("<", 0.10),
    "second_complaint_rate": ("≤", 0.05),
    "proactive_share": ("≥", 0.30),
}


# The TicketFigures fields that are counts, summed over groups.
COUNTED = (
    "tickets",
    "on_spot",
    "completed",
    "rated",
    "satisfied",
    "rating_sum",
    "repeats",
    "reached_resolved",
    "reopened",
    "proactive",
    "overdue",
)


@dataclass
class TicketFigures:
    key: int | None
    tickets: int = 0
    on_spot: int = 0
    completed: int = 0
    rated: int = 0
    satisfied: int = 0
    rating_sum: int = 0
    repeats: int = 0
    reached_resolved: int = 0
    reopened: int = 0
    proactive: int = 0
    overdue: int = 0
    response_hours: list[float] = field(default_factory=list)

    @property
    def response_avg_hours(self) -> float | None:
        return sum(self.response_hours) / len(self.response_hours) if self.response_hours else None

    @property
    def response_p90_hours(self) -> float | None:
        """Nearest-rank 90th percentile."""
        if not self.response_hours:
            return None
        ordered = sorted(self.response_hours)
        return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]

    @property
    def on_spot_rate(self) -> float | None:
        return share(self.on_spot, self.tickets)

    @property
    def completion_rate(self) -> float | None:
        return share(self.completed, self.tickets)

    @property
    def satisfaction(self) -> float | None:
        return share(self.satisfied, self.rated)

    @property
    def rating_avg(self) -> float | None:
        return self.rating_sum / self.rated if self.rated else None

    @property
    def repeat_rate(self) -> float | None:
        return share(self.repeats, self.tickets)

    @property
    def second_complaint_rate(self) -> float | None:
        return share(self.reopened, self.reached_resolved)

    @property
    def proactive_share(self) -> float | None:
        return share(self.proactive, self.tickets)

    def meets(self, name: str) -> bool | None:
        value = getattr(self, name)
        if value is None:
            return None
        sign, target = TARGETS[name]
        return {"≤": value <= target, "≥": value >= target, "<": value < target}[sign]


def ticket_figures(
    tickets: QuerySet[Ticket],
    *,
    start: dt.datetime,
    end: dt.datetime,
    by: str = "street",
    now: dt.datetime | None = None,
) -> dict[int | None, TicketFigures]:
    """Figures for tickets created in [start, end), keyed by the `by` dimension's id.

    Two queries: the counts grouped in SQL (the conditions of analytics.targets_counts), and the
    response hours of the accepted tickets, which the 90th percentile needs one by one.
    """
    now = now or timezone.now()
    column = DIMENSIONS[by]
    period = period_tickets(tickets, start=start, end=end)
    rows = (
        period.order_by()
        .values(column)
        .annotate(**ticket_aggregates(), rating_sum=Sum("rating"), overdue=Count("pk", filter=overdue_q(now)))
    )
    figures: dict[int | None, TicketFigures] = {}
    for row in rows:
        part = figures[row[column]] = TicketFigures(row[column])
        for name in COUNTED:
            setattr(part, name, int(row[name] or 0))
    hours = period.filter(ACCEPTED).order_by().values_list(column, RESPONSE)
    for key, response in hours.iterator(chunk_size=5000):
        figures[key].response_hours.append(float(response))
    return figures


def ticket_figures_total(
    tickets: QuerySet[Ticket], *, start: dt.datetime, end: dt.datetime, now: dt.datetime | None = None
) -> TicketFigures:
    """The same figures for all of `tickets` at once."""
    return ticket_figures_sum(ticket_figures(tickets, start=start, end=end, by="street", now=now).values())


def ticket_figures_sum(parts: Iterable[TicketFigures]) -> TicketFigures:
    """The figures of groups taken together. Every ticket falls in exactly one group of any
    dimension (tickets without one in the None group), so the groups of `ticket_figures()` by any
    `by` sum to the total without querying the period again."""
    total = TicketFigures(None)
    for part in parts:
        for name in COUNTED:
            setattr(total, name, getattr(total, name) + getattr(part, name))
        total.response_hours.extend(part.response_hours)
    return total
