"""Satisfaction by grid, department and worker: raw counts from SQL, shrunk scores, ranks.

Which ratings count is analytics.ticket_figures' definition: tickets created in the period
(merged ones count nowhere) that carry a rating; satisfied means a rating of 4 or 5.

The worker of a ticket is the person who resolved it: the actor of its last "resolve" (a ticket
reopened after a low rating loses its handler, and the rating that stays on it was given to the
one who resolved it last), or, for a demand resolved on the spot at a visit, the grid worker who
recorded it. The grid worker of a place is already the grid's score; the resolver is who a
rating judges, and the one a street can coach.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, When

from qiaomen.accounts.models import User
from qiaomen.accounts.scopes import PlaceScope
from qiaomen.analytics.periods import ReportPeriod
from qiaomen.analytics.satisfaction_shrinkage import Prior, prior_fit
from qiaomen.core.numbers import share
from qiaomen.tickets.models import Status, Ticket, TicketEvent

LEVELS = ("grid", "department", "worker")
SATISFIED = Q(rating__gte=4)
# The column each level groups by, and where its units' names come from.
_NAME_COLUMNS = {"grid": "grid__name", "department": "department__name"}


@dataclass(frozen=True)
class UnitScore:
    level: str
    key: int
    name: str
    rated: int
    satisfied: int
    raw: float
    shrunk: float
    rank: int  # 1 is the best shrunk score of its level


@dataclass(frozen=True)
class LevelScores:
    level: str
    prior: Prior
    units: list[UnitScore]  # best shrunk score first


def period_tickets(*, scope: PlaceScope, period: ReportPeriod) -> QuerySet[Ticket]:
    """Tickets created in the period within the scope's grids, merged ones left out."""
    if scope.is_empty:
        return Ticket.objects.none()
    return Ticket.objects.filter(
        grid_id__in=sorted(scope.all_grid_ids), created_at__gte=period.start, created_at__lt=period.end
    ).exclude(status=Status.MERGED)


def rated_tickets(*, scope: PlaceScope, period: ReportPeriod) -> QuerySet[Ticket]:
    return period_tickets(scope=scope, period=period).filter(rating__isnull=False)


def worker_of_ticket() -> Case:
    """The id of the person who resolved a ticket (module doc), as an expression to annotate."""
    last_resolver = (
        TicketEvent.objects.filter(ticket=OuterRef("pk"), action="resolve").order_by("-at", "-pk").values("actor_id")
    )
    return Case(
        When(resolved_on_spot=True, then=F("created_by_id")),
        default=Subquery(last_resolver[:1]),
        output_field=IntegerField(),
    )


def rating_counts(tickets: QuerySet[Ticket], *, level: str) -> list[dict[str, Any]]:
    """[{key, name, rated, satisfied}] per unit of `level`, one GROUP BY query."""
    counts = {"rated": Count("pk"), "satisfied": Count("pk", filter=SATISFIED)}
    if level == "worker":
        rows = (
            tickets.annotate(worker=worker_of_ticket()).filter(worker__isnull=False).values("worker").annotate(**counts)
        )
        names = {user.pk: str(user) for user in User.objects.filter(pk__in=[row["worker"] for row in rows])}
        return [{**row, "key": row["worker"], "name": names.get(row["worker"], "")} for row in rows]
    column = {"grid": "grid_id", "department": "department_id"}[level]
    rows = tickets.values(column, _NAME_COLUMNS[level]).annotate(**counts)
    return [{**row, "key": row[column], "name": row[_NAME_COLUMNS[level]]} for row in rows if row[column] is not None]


def level_scores(rows: list[dict[str, Any]], *, level: str, mean: float) -> LevelScores:
    """Shrunk scores and ranks of one level's units, with the prior fitted on those units."""
    prior = prior_fit([(row["satisfied"], row["rated"]) for row in rows], mean=mean)
    scored = sorted(
        (
            (prior.shrink(satisfied=row["satisfied"], rated=row["rated"]), row)
            for row in rows
            if row["rated"]  # a unit without ratings has no score to rank
        ),
        key=lambda pair: (-pair[0], -pair[1]["rated"], pair[1]["name"]),
    )
    units = [
        UnitScore(
            level=level,
            key=row["key"],
            name=row["name"],
            rated=row["rated"],
            satisfied=row["satisfied"],
            raw=share(row["satisfied"], row["rated"]) or 0.0,
            shrunk=shrunk,
            rank=position,
        )
        for position, (shrunk, row) in enumerate(scored, start=1)
    ]
    return LevelScores(level, prior, units)
