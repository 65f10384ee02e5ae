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
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from qiaomen.core.numbers import share
from qiaomen.tickets.models import OPEN_STATUSES, Channel, Status, Ticket

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

    One query: the columns below for the period's tickets, folded in Python. At 200,000 tickets
    a year a month is some 17,000 rows.
    """
    now = now or timezone.now()
    column = DIMENSIONS[by]
    period = tickets.filter(created_at__gte=start, created_at__lt=end).exclude(status=Status.MERGED)
    rows = period.values_list(
        column,
        "channel",
        "status",
        "resolved_on_spot",
        "rating",
        "repeat_of_id",
        "reopen_count",
        "created_at",
        "first_accepted_at",
        "resolved_at",
        "escalate_after",
        "escalation_level",
    )
    figures: dict[int | None, TicketFigures] = defaultdict(lambda: TicketFigures(None))
    for (
        key,
        channel,
        status,
        on_spot,
        rating,
        repeat_of,
        reopens,
        created_at,
        first_accepted_at,
        resolved_at,
        escalate_after,
        level,
    ) in rows.iterator(chunk_size=5000):
        f = figures[key]
        f.key = key
        f.tickets += 1
        f.on_spot += on_spot
        f.completed += status in (Status.RESOLVED, Status.CLOSED)
        if rating is not None:
            f.rated += 1
            f.rating_sum += rating
            f.satisfied += rating >= 4
        f.repeats += repeat_of is not None
        f.reopened += reopens > 0
        f.reached_resolved += resolved_at is not None or reopens > 0 or status == Status.CLOSED
        f.proactive += channel == Channel.VISIT
        f.overdue += status in OPEN_STATUSES and (level > 0 or (escalate_after is not None and escalate_after <= now))
        if first_accepted_at is not None:
            f.response_hours.append((first_accepted_at - created_at).total_seconds() / 3600)
    return dict(figures)


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
        for name in (
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
        ):
            setattr(total, name, getattr(total, name) + getattr(part, name))
        total.response_hours.extend(part.response_hours)
    return total
