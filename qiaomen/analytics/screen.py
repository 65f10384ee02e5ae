"""What the wall screen (大屏) shows besides the targets and the map: the open P1 tickets and the
escalated ones, as counts and a short list without personal data (SECURITY 19): a ticket's number,
sub-category, grid, state, age and escalation level, never its text, household, person or address.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from qiaomen.accounts.scopes import PlaceScope
from qiaomen.tickets.models import OPEN_STATUSES, EscalationLevel, Priority, Status, Ticket
from qiaomen.visits.periods import CHINA

# Lines of each short list: what fits on the wall beside the map.
SHORT_LIST = 6


@dataclass(frozen=True)
class AlertTicket:
    number: int
    subcategory: str
    grid: str
    community: str
    status: str  # the translated state
    escalation: str  # the translated level, "" when not escalated
    hours_open: int


@dataclass(frozen=True)
class ScreenAlerts:
    open_p1: int  # P1 tickets open now
    new_p1_today: int  # P1 tickets made today (Shanghai), open or not
    escalated: int  # open tickets escalated to any level
    escalated_by_level: list[tuple[str, int]]  # (the level's name, open tickets at it), lowest first
    p1: list[AlertTicket]  # the oldest open P1s first
    escalations: list[AlertTicket]  # the highest level first, then the oldest


def _open_tickets(scope: PlaceScope) -> QuerySet[Ticket]:
    if scope.is_empty or not scope.all_grid_ids:
        return Ticket.objects.none()
    return Ticket.objects.filter(grid_id__in=sorted(scope.all_grid_ids), status__in=sorted(OPEN_STATUSES))


def screen_alerts(*, scope: PlaceScope, now: dt.datetime) -> ScreenAlerts:
    """Counts in one aggregate query, then two short lists."""
    open_tickets = _open_tickets(scope)
    midnight = dt.datetime.combine(now.astimezone(CHINA).date(), dt.time.min, tzinfo=CHINA)
    counts = open_tickets.aggregate(
        open_p1=Count("id", filter=Q(priority=Priority.P1)),
        escalated=Count("id", filter=Q(escalation_level__gt=EscalationLevel.NONE)),
    )
    new_today = (
        Ticket.objects.filter(grid_id__in=sorted(scope.all_grid_ids), priority=Priority.P1, created_at__gte=midnight)
        .exclude(status=Status.MERGED)
        .count()
        if scope.all_grid_ids
        else 0
    )
    by_level = dict(
        open_tickets.filter(escalation_level__gt=EscalationLevel.NONE)
        .values_list("escalation_level")
        .annotate(count=Count("id"))
        .values_list("escalation_level", "count")
    )
    p1 = open_tickets.filter(priority=Priority.P1).order_by("created_at", "pk")
    escalations = open_tickets.filter(escalation_level__gt=EscalationLevel.NONE).order_by(
        "-escalation_level", "created_at", "pk"
    )
    return ScreenAlerts(
        open_p1=counts["open_p1"],
        new_p1_today=new_today,
        escalated=counts["escalated"],
        escalated_by_level=[(str(label), by_level.get(level, 0)) for level, label in EscalationLevel.choices if level],
        p1=_short_list(p1, now),
        escalations=_short_list(escalations, now),
    )


def _short_list(tickets: QuerySet[Ticket], now: dt.datetime) -> list[AlertTicket]:
    rows = tickets.values_list(
        "pk", "subcategory__name", "grid__name", "grid__community__name", "status", "escalation_level", "created_at"
    )[:SHORT_LIST]
    return [
        AlertTicket(
            number=pk,
            subcategory=subcategory,
            grid=grid or "",
            community=community or "",
            status=str(Status(status).label),
            escalation=str(EscalationLevel(level).label) if level else "",
            hours_open=max(0, int((now - created_at).total_seconds() // 3600)),
        )
        for pk, subcategory, grid, community, status, level, created_at in rows
    ]
