"""The escalation sweep (R-TIC-5): tickets past their deadline climb one level.

community (1) → street (2) → joint meeting (3). A ticket is claimed by a conditional UPDATE on
its level and `escalate_after`, in chunks with RETURNING, so two sweeps running at once
escalate each ticket once, and 200,000 open tickets cost a few hundred statements, not
200,000. The same sweep closes resolved, confirmed tickets whose resident had a week to rate.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Role
from qiaomen.tickets.deadlines import ESCALATION_STEP
from qiaomen.tickets.models import EscalationLevel, Notification, Status, Ticket, TicketEvent
from qiaomen.tickets.services.confirmations import RATING_WAIT, ticket_close_if_complete
from qiaomen.tickets.services.notifications import community_staff

CHUNK = 500
LEVEL_NAMES = {1: "社区", 2: "街道", 3: "联席会议"}


@dataclass
class SweepResult:
    escalated: int = 0
    closed: int = 0


def _claim(ids: list[int], level: int, priority: str, now: dt.datetime) -> list[int]:
    """Raise these tickets from `level` to the next, if nobody else did; return those raised."""
    new_level = level + 1
    next_check = now + ESCALATION_STEP[priority] if new_level < EscalationLevel.JOINT_MEETING else None
    table = Ticket._meta.db_table
    placeholders = ", ".join(["%s"] * len(ids))
    sql = (
        f"UPDATE {table} SET escalation_level = %s, escalate_after = %s, version = version + 1 "  # noqa: S608 - table name and placeholders are ours
        f"WHERE id IN ({placeholders}) AND escalation_level = %s AND escalate_after <= %s RETURNING id"
    )
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(sql, [new_level, adapt(next_check), *ids, level, adapt(now)])
        return [row[0] for row in cursor.fetchall()]


def _recipients_by_level() -> dict[int, list[User]]:
    street = list(User.objects.filter(role=Role.STREET_ADMIN, is_active=True))
    supervisors = list(User.objects.filter(role=Role.SUPERVISOR, is_active=True))
    return {2: street, 3: street + supervisors}


def escalation_sweep(*, now: dt.datetime | None = None) -> SweepResult:
    now = now or timezone.now()
    result = SweepResult()
    due = (
        Ticket.objects.filter(escalate_after__lte=now, escalation_level__lt=EscalationLevel.JOINT_MEETING)
        .order_by("escalate_after")
        .values_list("pk", "escalation_level", "priority")
    )
    groups: dict[tuple[int, str], list[int]] = defaultdict(list)
    for pk, level, priority in due.iterator(chunk_size=5000):
        groups[(level, priority)].append(pk)
    # Read only when a ticket climbs past its community: most sweeps raise none that far.
    fixed = _recipients_by_level() if any(level >= 1 for level, _ in groups) else {}
    for (level, priority), ids in groups.items():
        for start in range(0, len(ids), CHUNK):
            with transaction.atomic():
                raised = _claim(ids[start : start + CHUNK], level, priority, now)
                if not raised:
                    continue
                # Three columns, not whole rows: a sweep of a busy day raises hundreds of tickets.
                tickets = list(Ticket.objects.filter(pk__in=raised).values_list("pk", "status", "grid__community_id"))
                TicketEvent.objects.bulk_create(
                    TicketEvent(
                        ticket_id=pk,
                        action="escalate",
                        old_status=status,
                        new_status=status,
                        detail={"from_level": level, "to_level": level + 1},
                        at=now,
                    )
                    for pk, status, _community in tickets
                )
                staff_by_community = (
                    community_staff({community for _pk, _status, community in tickets if community})
                    if level == 0
                    else {}
                )
                notifications: list[Notification] = []
                for pk, _status, community_id in tickets:
                    users = (
                        staff_by_community.get(community_id, [])
                        if level == 0 and community_id
                        else fixed.get(level + 1, [])
                    )
                    text = f"工单 #{pk} 已超时，升级至{LEVEL_NAMES[level + 1]}督办"
                    notifications.extend(Notification(user=u, ticket_id=pk, text=text, created_at=now) for u in users)
                Notification.objects.bulk_create(notifications)
                result.escalated += len(raised)
    result.closed = _close_unrated(now)
    return result


def _close_unrated(now: dt.datetime) -> int:
    closed = 0
    waiting = Ticket.objects.filter(
        status=Status.RESOLVED, worker_confirmed_at__isnull=False, resolved_at__lte=now - RATING_WAIT
    )
    for ticket in waiting.iterator():
        if ticket_close_if_complete(ticket=ticket, now=now).status == Status.CLOSED:
            closed += 1
    return closed
