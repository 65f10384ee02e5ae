"""Rated tickets made in bulk for the satisfaction model's tests: hundreds of ratings with exactly
the factors a test names, written straight into the columns the model reads (the services that
normally fill them are tested elsewhere; here only the arithmetic matters)."""

from __future__ import annotations

import datetime as dt

from qiaomen.accounts.models import Department, User
from qiaomen.places.models import Grid
from qiaomen.tickets.models import Channel, Status, Subcategory, Ticket, TicketEvent

# 10:00 on 2 November 2026 in Shanghai: inside the month 2026-11.
NOVEMBER_2 = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)


def rated_tickets_make(
    *,
    grid: Grid,
    rated: int,
    satisfied: int,
    resolver: User | None = None,
    department: str = "minzheng",
    accepted_after_hours: float | None = 2,
    repeat_of: Ticket | None = None,
    escalated: bool = False,
    on_spot: bool = False,
    channel: str = Channel.STAFF,
    created_at: dt.datetime = NOVEMBER_2,
) -> list[Ticket]:
    """`rated` closed tickets of `grid`, the first `satisfied` of them rated 5 and the rest 2.
    A resolver gets a "resolve" event on each; on_spot tickets are the resolver's own demands."""
    subcategory = Subcategory.objects.get(code="LIF-MEAL")
    accepted = None if on_spot or accepted_after_hours is None else dt.timedelta(hours=accepted_after_hours)
    tickets = Ticket.objects.bulk_create(
        Ticket(
            channel=Channel.VISIT if on_spot else channel,
            grid=grid,
            description="诉求",
            subcategory=subcategory,
            priority="P2",
            department=Department.objects.get(code=department),
            status=Status.CLOSED,
            created_by=resolver if on_spot else None,
            created_at=created_at,
            first_accepted_at=created_at + accepted if accepted is not None else None,
            resolved_at=created_at + dt.timedelta(days=3),
            resolved_on_spot=on_spot,
            escalation_level=1 if escalated else 0,
            repeat_of=repeat_of,
            rating=5 if number < satisfied else 2,
            rated_at=created_at + dt.timedelta(days=4),
        )
        for number in range(rated)
    )
    if resolver is not None and not on_spot:
        TicketEvent.objects.bulk_create(
            TicketEvent(
                ticket=ticket,
                action="resolve",
                old_status=Status.IN_PROGRESS,
                new_status=Status.RESOLVED,
                actor=resolver,
                at=created_at + dt.timedelta(days=3),
            )
            for ticket in tickets
        )
    return tickets
