"""The counts behind the plan's targets, as SQL aggregates: one grouped query for the tickets and
one for the special-group households, whatever the number of grids.

Tickets: those *created* in the period and not merged, with the counts of
analytics.ticket_figures' docstring (the formulas are settled there). Households: the
special-group households (an active person with an active special-group tag, the household not
moved out) and those of them with a contact visit (met, moved out, mismatch, as in
visits.coverage) in the period. Grids paused for visits are not taken out of the denominator
here: the target is every special household, and a paused grid shows in red until it is visited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from django.db.models import Count, Exists, F, FloatField, Func, OuterRef, Q, QuerySet, Sum

from qiaomen.accounts.scopes import PlaceScope
from qiaomen.registry.models import Household, PersonStatus, PersonTag
from qiaomen.tickets.models import Channel, Status, Ticket
from qiaomen.visits.models import Visit
from qiaomen.visits.selectors import CONTACT_OUTCOMES, NOT_VISITED_STATUSES

ACCEPTED = Q(first_accepted_at__isnull=False)
# The conditions each ticket count counts (ticket_figures' formulas), reused by the drill-downs.
TICKET_CONDITIONS: dict[str, Q] = {
    "tickets": Q(),
    "on_spot": Q(resolved_on_spot=True),
    "completed": Q(status__in=(Status.RESOLVED, Status.CLOSED)),
    "rated": Q(rating__isnull=False),
    "satisfied": Q(rating__gte=4),
    "repeats": Q(repeat_of__isnull=False),
    "reached_resolved": Q(resolved_at__isnull=False) | Q(reopen_count__gt=0) | Q(status=Status.CLOSED),
    "reopened": Q(reopen_count__gt=0),
    "proactive": Q(channel=Channel.VISIT),
    "accepted": ACCEPTED,
}


class HoursBetween(Func):
    """Hours from one datetime column to another, to the millisecond, in SQL: Django's own
    datetime subtraction on SQLite calls a Python function for each row, which made a year of
    200,000 tickets take seconds. SQLite keeps UTC text that julianday() reads; PostgreSQL
    subtracts timestamps."""

    output_field = FloatField()
    arity = 2

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "(ROUND((julianday(%(expressions)s)) * 86400000.0) / 3600000.0)"
        return self.as_sql(compiler, connection, template=template, arg_joiner=") - julianday(", **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "CAST(ROUND(EXTRACT(EPOCH FROM (%(expressions)s)) * 1000) / 3600000.0 AS double precision)"
        return self.as_sql(compiler, connection, template=template, arg_joiner=" - ", **extra)


RESPONSE = HoursBetween(F("first_accepted_at"), F("created_at"))


@dataclass
class Counts:
    """What one row of the targets counts (a grid, a community, a worker, a department …)."""

    tickets: int = 0
    on_spot: int = 0
    completed: int = 0
    rated: int = 0
    satisfied: int = 0
    repeats: int = 0
    reached_resolved: int = 0
    reopened: int = 0
    proactive: int = 0
    accepted: int = 0
    response_hours: float = 0.0
    special: int = 0
    special_covered: int = 0

    def add(self, other: Counts) -> None:
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))


def scoped_tickets(*, scope: PlaceScope, department_id: int | None = None) -> QuerySet[Ticket]:
    """The tickets a scope sees, as tickets.selectors.tickets_for_user: a department's tickets,
    or the tickets of the scope's grids."""
    if department_id is not None:
        return Ticket.objects.filter(department_id=department_id)
    if scope.is_empty or not scope.all_grid_ids:
        return Ticket.objects.none()
    return Ticket.objects.filter(grid_id__in=sorted(scope.all_grid_ids))


def period_tickets(tickets: QuerySet[Ticket], *, start: dt.datetime, end: dt.datetime) -> QuerySet[Ticket]:
    """Created in [start, end) and not merged into another ticket (a merged ticket counts nowhere)."""
    return tickets.filter(created_at__gte=start, created_at__lt=end).exclude(status=Status.MERGED)


def ticket_aggregates() -> dict[str, Count | Sum]:
    aggregates: dict[str, Count | Sum] = {
        name: Count("pk", filter=condition) if condition else Count("pk")
        for name, condition in TICKET_CONDITIONS.items()
    }
    aggregates["response"] = Sum(RESPONSE, filter=ACCEPTED)
    return aggregates


def counts_from_ticket_row(row: Mapping[str, Any]) -> Counts:
    hours = float(row["response"] or 0.0)
    values = {name: int(row[name]) for name in TICKET_CONDITIONS}
    return Counts(**values, response_hours=hours)


def ticket_counts(tickets: QuerySet[Ticket], *, by: str) -> dict[int | None, Counts]:
    """Counts of `tickets` (already cut to a period) grouped by the column `by` (grid_id,
    department_id): one query."""
    rows = tickets.order_by().values(by).annotate(**ticket_aggregates())
    return {row[by]: counts_from_ticket_row(row) for row in rows}


def special_households(*, scope: PlaceScope) -> QuerySet[Household]:
    """Households of the scope's places, not moved out, with someone active in a special group."""
    if scope.is_empty:
        return Household.objects.none()
    # From the tags to the households, once (a list subquery): asking each of 70,000 households
    # whether someone in it has a special tag took most of a second.
    special_members = PersonTag.objects.filter(
        person__status=PersonStatus.ACTIVE, tag__is_special_group=True, tag__active=True
    ).values("person__household_id")
    return (
        Household.objects.filter(scope.building_q("building__"))
        .exclude(status__in=NOT_VISITED_STATUSES)
        .filter(pk__in=special_members)
    )


def contact_visits(*, start: dt.datetime, end: dt.datetime) -> QuerySet[Visit]:
    return Visit.objects.filter(visited_at__gte=start, visited_at__lt=end, outcome__in=CONTACT_OUTCOMES)


def visited_in(*, start: dt.datetime, end: dt.datetime) -> Exists:
    """A household (OuterRef pk) had a contact visit in [start, end)."""
    return Exists(contact_visits(start=start, end=end).filter(household_id=OuterRef("pk")))


def household_counts(*, scope: PlaceScope, start: dt.datetime, end: dt.datetime) -> dict[int, Counts]:
    """Special households and those visited in the period, by grid: one query."""
    rows = (
        special_households(scope=scope)
        .order_by()
        .values("building__grid_id")
        .annotate(special=Count("pk"), covered=Count("pk", filter=visited_in(start=start, end=end)))
    )
    return {row["building__grid_id"]: Counts(special=row["special"], special_covered=row["covered"]) for row in rows}
