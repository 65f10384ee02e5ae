"""The ticket state machine: which action may move a ticket from which state to which.

Escalation is not a state: a ticket climbs community → street → joint meeting while it stays
in whatever state it is in (escalation_level), so that "escalated and accepted" is expressible.
"""

from __future__ import annotations

from qiaomen.tickets.models import Status

S = Status
WAITING_FOR_HANDLER = frozenset({S.ROUTED, S.TRANSFERRED, S.REOPENED})

TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "route": (frozenset({S.NEW, S.RETURNED}), S.ROUTED),
    "accept": (WAITING_FOR_HANDLER, S.ACCEPTED),
    "start": (frozenset({S.ACCEPTED}), S.IN_PROGRESS),
    "transfer": (WAITING_FOR_HANDLER | {S.ACCEPTED, S.IN_PROGRESS}, S.TRANSFERRED),
    "return": (WAITING_FOR_HANDLER | {S.ACCEPTED, S.IN_PROGRESS}, S.RETURNED),
    "resolve": (frozenset({S.ACCEPTED, S.IN_PROGRESS}), S.RESOLVED),
    "reopen": (frozenset({S.RESOLVED, S.CLOSED}), S.REOPENED),
    "close": (frozenset({S.RESOLVED}), S.CLOSED),
    # A duplicate of another open ticket is folded into it; the other one carries on.
    "merge": (frozenset({S.NEW, S.RETURNED}) | WAITING_FOR_HANDLER | {S.ACCEPTED, S.IN_PROGRESS}, S.MERGED),
}

OPEN_STATUSES = frozenset(Status.values) - {S.RESOLVED, S.CLOSED, S.MERGED}


def target_of(action: str, current: str) -> str | None:
    """The state `action` leads to from `current`, or None if it is not allowed there."""
    allowed, target = TRANSITIONS[action]
    return target if current in allowed else None
