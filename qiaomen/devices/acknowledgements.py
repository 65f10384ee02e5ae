"""The acknowledgement timer of a device alarm (see models/acknowledgements.py).

- `ack_start`: the alarm that opened a P1 ticket starts the timer (repeats that join the ticket
  never start another: one record per ticket).
- `ack_sweep(now)`: every record still waiting whose `due_at` has passed climbs one rung per due
  time passed (grid worker → backup contacts → community duty officer → street command centre);
  each rung is claimed through `claim_transition` (a row another sweep raised meanwhile is left
  to it), writes a row in the ticket's timeline and tells that rung's people.
- `ack_acknowledge` / `ack_on_site`: a person who sees the device records that they took the
  alarm, and that someone arrived; the ladder stops at the acknowledgement.
- `alarms_waiting(scope)`: the open, unacknowledged alarms of a place scope, oldest first.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Role
from qiaomen.accounts.scopes import PlaceScope
from qiaomen.core.errors import Conflict
from qiaomen.core.events import Transition
from qiaomen.core.transitions import claim_transition
from qiaomen.devices.models.acknowledgements import AckRung, AckStatus, AlarmAcknowledgement
from qiaomen.devices.models.devices import Device
from qiaomen.devices.scope import devices_in_scope
from qiaomen.devices.tickets import device_responders
from qiaomen.tickets.models import OPEN_STATUSES, Ticket
from qiaomen.tickets.services.notifications import community_staff, notify

TOP = AckRung.STREET_COMMAND
SHANGHAI = ZoneInfo("Asia/Shanghai")


def ack_step() -> dt.timedelta:
    return dt.timedelta(minutes=settings.DEVICE_ACK_MINUTES)


def ack_start(*, device: Device, ticket: Ticket, at: dt.datetime) -> AlarmAcknowledgement:
    """The timer of a P1 ticket an alarm has just opened (inside the alarm's transaction)."""
    return AlarmAcknowledgement.objects.create(ticket=ticket, device=device, started_at=at, due_at=at + ack_step())


def _timeline(ticket: Ticket, *, action: str, actor: User | None, at: dt.datetime, reason: str, detail: Any) -> None:
    ticket.transition_event(
        Transition(
            action=action, old=ticket.status, new=ticket.status, actor=actor, at=at, reason=reason, detail=detail
        )
    )


def rung_people(ack: AlarmAcknowledgement, rung: int) -> list[User]:
    """Who a rung of this alarm's ladder tells (active accounts only)."""
    device = ack.device
    if rung == AckRung.GRID_WORKER:
        worker = device.grid_worker
        return [worker] if worker is not None and worker.is_active else []
    if rung == AckRung.BACKUP_CONTACTS:
        return [user for user in device_responders(device) if user.pk != device.grid_worker_id]
    grid = device.household.building.grid
    if rung == AckRung.COMMUNITY_DUTY:
        return community_staff({grid.community_id}).get(grid.community_id, [])
    street_id = grid.community.street_id
    return list(User.objects.filter(role=Role.STREET_ADMIN, is_active=True, places__street_id=street_id).distinct())


def _climb(ack: AlarmAcknowledgement, now: dt.datetime) -> bool:
    """Raise `ack` by one rung (its due time has passed); False if another sweep did it first."""
    assert ack.due_at is not None
    rung = ack.rung + 1
    due_at = ack.due_at + ack_step() if rung < TOP else None
    label = AckRung(rung).label
    people = rung_people(ack, rung)
    detail = {"rung": rung, "rung_name": AckRung(rung).name.lower(), "due_was": ack.due_at.isoformat()}
    try:
        with transaction.atomic():
            claim_transition(
                row=ack,
                to_state=None,
                action="escalated",
                actor=None,
                at=now,
                from_states=[AckStatus.WAITING],
                changes={"rung": rung, "due_at": due_at},
                detail=detail,
            )
            reason = _("Alarm not acknowledged in %(minutes)s minutes: escalated to the %(rung)s.") % {
                "minutes": settings.DEVICE_ACK_MINUTES * rung,
                "rung": label,
            }
            _timeline(
                ack.ticket,
                action="device_ack_escalated",
                actor=None,
                at=now,
                reason=reason,
                detail={**detail, "told": [user.pk for user in people]},
            )
            notify(people, ticket=ack.ticket, text=f"{reason} #{ack.ticket_id}")
    except Conflict:
        return False
    return True


def ack_sweep(*, now: dt.datetime | None = None) -> int:
    """Climb every waiting alarm whose next step is due, one rung per due time passed; returns
    the number of rungs climbed by this sweep."""
    now = now or timezone.now()
    climbed = 0
    # A ticket closed meanwhile (handled some other way) climbs no further.
    due = AlarmAcknowledgement.objects.filter(
        status=AckStatus.WAITING, due_at__lte=now, ticket__status__in=OPEN_STATUSES
    ).values_list("pk", flat=True)
    for pk in list(due):
        while True:
            ack = (
                AlarmAcknowledgement.objects.select_related(
                    "ticket", "device__grid_worker", "device__household__building__grid__community"
                )
                .filter(pk=pk, status=AckStatus.WAITING, due_at__lte=now)
                .first()
            )
            if ack is None or not _climb(ack, now):
                break
            climbed += 1
    return climbed


def _who_when(user: User | None, at: dt.datetime | None) -> dict[str, str]:
    """A person and a moment for a message, in the street's time (Asia/Shanghai)."""
    when = timezone.localtime(at, SHANGHAI).strftime("%Y-%m-%d %H:%M") if at is not None else "—"
    return {"name": str(user) if user is not None else "—", "time": when}


# What each answer records: the claim's action, the timeline's action, the states it may leave.
ANSWERS: dict[str, tuple[str, str, list[str]]] = {
    AckStatus.ACKNOWLEDGED: ("acknowledged", "device_ack_acknowledged", [AckStatus.WAITING]),
    AckStatus.ON_SITE: ("on_site", "device_ack_on_site", [AckStatus.WAITING, AckStatus.ACKNOWLEDGED]),
}


def _seconds_since_start(ack: AlarmAcknowledgement, at: dt.datetime) -> int:
    return int((at - ack.started_at).total_seconds())


def _answer(
    ack: AlarmAcknowledgement, *, user: User, at: dt.datetime, to_state: str, changes: dict[str, Any], reason: str
) -> None:
    """One answer to the alarm, claimed on the record and written in the ticket's timeline."""
    action, timeline_action, from_states = ANSWERS[to_state]
    with transaction.atomic():
        claim_transition(
            row=ack, to_state=to_state, action=action, actor=user, at=at, from_states=from_states, changes=changes
        )
        _timeline(ack.ticket, action=timeline_action, actor=user, at=at, reason=reason, detail={"rung": ack.rung})


def ack_acknowledge(*, ack: AlarmAcknowledgement, user: User, now: dt.datetime | None = None) -> AlarmAcknowledgement:
    """`user` (who sees the device: the caller looked it up through their scope) takes the alarm:
    the ladder stops. Conflict if it was acknowledged already."""
    now = now or timezone.now()
    if ack.status != AckStatus.WAITING:
        raise Conflict(
            "alarm_already_acknowledged",
            _("This alarm was already acknowledged by %(name)s at %(time)s: nothing was changed.")
            % _who_when(ack.acknowledged_by, ack.acknowledged_at),
        )
    _answer(
        ack,
        user=user,
        at=now,
        to_state=AckStatus.ACKNOWLEDGED,
        changes={"acknowledged_at": now, "acknowledged_by_id": user.pk, "due_at": None},
        reason=_("Alarm acknowledged after %(seconds)s s.") % {"seconds": _seconds_since_start(ack, now)},
    )
    return ack


def ack_on_site(*, ack: AlarmAcknowledgement, user: User, now: dt.datetime | None = None) -> AlarmAcknowledgement:
    """Someone arrived at the household; arriving unacknowledged acknowledges too. Conflict if
    someone was recorded on site already."""
    now = now or timezone.now()
    if ack.status == AckStatus.ON_SITE:
        raise Conflict(
            "alarm_already_on_site",
            _("%(name)s was already recorded on site at %(time)s: nothing was changed.")
            % _who_when(ack.on_site_by, ack.on_site_at),
        )
    changes: dict[str, Any] = {"on_site_at": now, "on_site_by_id": user.pk, "due_at": None}
    if ack.acknowledged_at is None:
        changes.update(acknowledged_at=now, acknowledged_by_id=user.pk)
    _answer(
        ack,
        user=user,
        at=now,
        to_state=AckStatus.ON_SITE,
        changes=changes,
        reason=_("Arrived on site after %(seconds)s s.") % {"seconds": _seconds_since_start(ack, now)},
    )
    return ack


def alarms_waiting(scope: PlaceScope) -> QuerySet[AlarmAcknowledgement]:
    """The open alarms nobody has acknowledged yet, in these places, oldest first. As for the
    sweep, an alarm whose ticket was closed some other way waits no more."""
    return (
        AlarmAcknowledgement.objects.filter(
            status=AckStatus.WAITING, ticket__status__in=OPEN_STATUSES, device__in=devices_in_scope(scope)
        )
        .select_related("ticket", "device__household")
        .order_by("started_at", "pk")
    )
