"""Ticket deadlines (R-TIC-4, R-TIC-5), as pure functions of the routing time and priority.

- every priority: accepted within 2 clock hours of routing (首接负责制); P1 within 30 minutes;
- P1: acted on at once, resolved within 24 hours;
- P2: resolved within 24 hours;
- P3: started within 3 working days, closed within 15 working days, at the same time of day.
Working days come from the Chinese calendar with 调休 (workdays.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from qiaomen.core.workdays import WorkdayCalendar, after_working_days

ACCEPT_WITHIN = dt.timedelta(hours=2)
P1_ACCEPT_WITHIN = dt.timedelta(minutes=30)
RESOLVE_WITHIN_HOURS = {"P1": 24, "P2": 24}
P3_START_WORKING_DAYS = 3
P3_CLOSE_WORKING_DAYS = 15
# After an escalation, how long the next level gets before the ticket climbs again.
ESCALATION_STEP = {"P1": dt.timedelta(minutes=30), "P2": dt.timedelta(hours=24), "P3": dt.timedelta(days=3)}


@dataclass(frozen=True)
class Deadlines:
    accept_by: dt.datetime
    start_by: dt.datetime | None
    resolve_by: dt.datetime

    def columns(self, *, status: str) -> dict[str, dt.datetime | None]:
        """The ticket's stored deadlines for a ticket in `status`, with the sweep's next look."""
        return {
            "accept_by": self.accept_by,
            "start_by": self.start_by,
            "resolve_by": self.resolve_by,
            "escalate_after": next_check(
                status=status, accept_by=self.accept_by, start_by=self.start_by, resolve_by=self.resolve_by
            ),
        }


def ticket_deadlines(
    *,
    routed_at: dt.datetime,
    priority: str,
    calendar: WorkdayCalendar,
    p1_accept_within: dt.timedelta = P1_ACCEPT_WITHIN,
) -> Deadlines:
    if priority == "P1":
        return Deadlines(routed_at + p1_accept_within, None, routed_at + dt.timedelta(hours=RESOLVE_WITHIN_HOURS["P1"]))
    if priority == "P2":
        return Deadlines(routed_at + ACCEPT_WITHIN, None, routed_at + dt.timedelta(hours=RESOLVE_WITHIN_HOURS["P2"]))
    return Deadlines(
        accept_by=routed_at + ACCEPT_WITHIN,
        start_by=after_working_days(routed_at, P3_START_WORKING_DAYS, calendar),
        resolve_by=after_working_days(routed_at, P3_CLOSE_WORKING_DAYS, calendar),
    )


def next_check(
    *, status: str, accept_by: dt.datetime | None, start_by: dt.datetime | None, resolve_by: dt.datetime | None
) -> dt.datetime | None:
    """The deadline that matters in this state: acceptance while waiting for a handler, the
    start while accepted (P3), resolution until resolved; none once resolved or closed."""
    waiting = {"new", "routed", "transferred", "reopened"}
    pending: list[dt.datetime | None] = []
    if status in waiting:
        pending.append(accept_by)
    if status == "accepted":
        pending.append(start_by)
    if status in waiting | {"accepted", "in_progress", "returned"}:
        pending.append(resolve_by)
    moments = [moment for moment in pending if moment is not None]
    return min(moments) if moments else None
