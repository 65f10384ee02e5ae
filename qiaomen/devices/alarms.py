"""Reads of one alarm's ladder, for its ticket's page and the API: which rungs it climbed, when,
and who each rung told; and who holds the alarm (its ticket's handler and everyone the ladder
told), the people whose need to know the household's contacts and care notes serve.

Who was told is read from the ticket's timeline, as it was at the time: the rung-0 grid worker
from the row the alarm opened the ticket with, each climb's people from its escalation row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from qiaomen.accounts.models import User
from qiaomen.devices.models.acknowledgements import AckRung, AlarmAcknowledgement
from qiaomen.tickets.models import TicketEvent

OPENING_ACTION = "device_alarm"
CLIMB_ACTION = "device_ack_escalated"


@dataclass(frozen=True)
class LadderStep:
    rung: int
    label: str
    at: dt.datetime
    told: list[User]

    @property
    def rung_name(self) -> str:
        return AckRung(self.rung).name.lower()


def _told_ids(event: TicketEvent) -> list[int]:
    detail = event.detail or {}
    if event.action == OPENING_ACTION:
        worker = detail.get("grid_worker")
        return [int(worker)] if worker else []
    return [int(pk) for pk in detail.get("told", [])]


def alarm_ladder(ack: AlarmAcknowledgement) -> list[LadderStep]:
    """The rungs the alarm has reached, first to current, with the people each told. Two queries."""
    events = list(
        TicketEvent.objects.filter(ticket_id=ack.ticket_id, action__in=[OPENING_ACTION, CLIMB_ACTION]).order_by(
            "at", "pk"
        )
    )
    opening = next((event for event in events if event.action == OPENING_ACTION), None)
    climbs = [event for event in events if event.action == CLIMB_ACTION]
    wanted = {pk for event in events for pk in _told_ids(event)}
    users = User.objects.in_bulk(sorted(wanted))
    steps = [
        LadderStep(
            rung=AckRung.GRID_WORKER,
            label=str(AckRung.GRID_WORKER.label),
            at=ack.started_at,
            told=[users[pk] for pk in (_told_ids(opening) if opening else []) if pk in users],
        )
    ]
    for event in climbs:
        rung = int((event.detail or {}).get("rung", len(steps)))
        told = [users[pk] for pk in _told_ids(event) if pk in users]
        steps.append(LadderStep(rung=rung, label=str(AckRung(rung).label), at=event.at, told=told))
    return steps


def alarm_holder_ids(ack: AlarmAcknowledgement, steps: list[LadderStep] | None = None) -> set[int]:
    """Who holds the alarm: the ticket's handler (who accepted it) and everyone a rung told."""
    steps = alarm_ladder(ack) if steps is None else steps
    holders = {user.pk for step in steps for user in step.told}
    if ack.ticket.handler_id is not None:
        holders.add(ack.ticket.handler_id)
    return holders
