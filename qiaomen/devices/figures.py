"""The devices' figures of a period and a place scope (R-DEV-1), for the command centre and the
wall screen: how many alarms came in, how long until someone acknowledged them (median and p95 of
the acknowledgement records, nothing when none was acknowledged), how many climbed past the grid
worker, and how many devices are offline now.

Each number has its rows here (`alarm_rows`, `offline_devices`): the figures are counted from the
same querysets the drill-down lists, so a number and its list cannot disagree. An alarm is one
acknowledgement record: one per alarm ticket (repeats within minutes join the ticket open).
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Count, Q, QuerySet

from qiaomen.accounts.scopes import PlaceScope
from qiaomen.core.workdays import CHINA
from qiaomen.devices.acknowledgements import alarms_waiting
from qiaomen.devices.models.acknowledgements import AckRung, AlarmAcknowledgement
from qiaomen.devices.models.devices import Device, DeviceKind, DeviceStatus
from qiaomen.devices.scope import devices_in_scope

# Lines of the wall's list of alarms waiting: what fits beside the other panels.
WAITING_SHOWN = 4


class AlarmRows(StrEnum):
    ALARMS = "alarms"  # every alarm of the period
    ACKNOWLEDGED = "acknowledged"  # those acknowledged: what the median and p95 are measured on
    CLIMBED = "climbed"  # those the ladder raised past the grid worker


@dataclass(frozen=True)
class DeviceFigures:
    alarms: int
    acknowledged: int
    median_seconds: float | None  # None: no alarm of the period was acknowledged
    p95_seconds: float | None
    climbed: int
    offline: int  # now, whatever the period


def alarm_rows(
    *, scope: PlaceScope, start: dt.datetime, end: dt.datetime, rows: AlarmRows
) -> QuerySet[AlarmAcknowledgement]:
    """The alarms of devices in these places that came in from `start` (included) to `end`."""
    alarms = AlarmAcknowledgement.objects.filter(
        device__in=devices_in_scope(scope), started_at__gte=start, started_at__lt=end
    )
    if rows == AlarmRows.ACKNOWLEDGED:
        alarms = alarms.filter(acknowledged_at__isnull=False)
    elif rows == AlarmRows.CLIMBED:
        alarms = alarms.filter(rung__gt=AckRung.GRID_WORKER)
    return alarms.order_by("-started_at", "-pk")


def offline_devices(*, scope: PlaceScope) -> QuerySet[Device]:
    return devices_in_scope(scope).filter(status=DeviceStatus.OFFLINE).order_by("last_heartbeat_at", "pk")


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value at least `share` of the values are at or below."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def device_figures(*, scope: PlaceScope, start: dt.datetime, end: dt.datetime) -> DeviceFigures:
    """Three queries whatever the number of alarms and devices."""
    alarms = alarm_rows(scope=scope, start=start, end=end, rows=AlarmRows.ALARMS)
    counts = alarms.aggregate(alarms=Count("pk"), climbed=Count("pk", filter=Q(rung__gt=AckRung.GRID_WORKER)))
    answered = alarm_rows(scope=scope, start=start, end=end, rows=AlarmRows.ACKNOWLEDGED)
    seconds = [
        (acknowledged - started).total_seconds()
        for started, acknowledged in answered.values_list("started_at", "acknowledged_at")
        if acknowledged is not None
    ]
    return DeviceFigures(
        alarms=counts["alarms"],
        acknowledged=len(seconds),
        median_seconds=statistics.median(seconds) if seconds else None,
        p95_seconds=percentile(seconds, 0.95) if seconds else None,
        climbed=counts["climbed"],
        offline=offline_devices(scope=scope).count(),
    )


@dataclass(frozen=True)
class WaitingAlarm:
    """An alarm on the wall: its ticket's number, the device's kind, its grid, its rung, how long
    it has waited. No household, no person, no address (SECURITY 19)."""

    number: int
    kind: str
    grid: str
    community: str
    rung: int
    rung_label: str
    minutes: int


@dataclass(frozen=True)
class ScreenDevices:
    waiting: int
    waiting_list: list[WaitingAlarm]  # the oldest first
    alarms_today: int  # since local midnight
    offline: int


def screen_devices(*, scope: PlaceScope, now: dt.datetime) -> ScreenDevices:
    """What the wall shows of the devices: counts, and the oldest alarms waiting. Four queries."""
    waiting = alarms_waiting(scope)
    rows = waiting.values_list(
        "ticket_id",
        "device__kind",
        "device__household__building__grid__name",
        "device__household__building__grid__community__name",
        "rung",
        "started_at",
    )[:WAITING_SHOWN]
    midnight = dt.datetime.combine(now.astimezone(CHINA).date(), dt.time.min, tzinfo=CHINA)
    return ScreenDevices(
        waiting=waiting.count(),
        waiting_list=[
            WaitingAlarm(
                number=number,
                kind=str(DeviceKind(kind).label),
                grid=grid,
                community=community,
                rung=rung,
                rung_label=str(AckRung(rung).label),
                minutes=max(0, int((now - started).total_seconds() // 60)),
            )
            for number, kind, grid, community, rung, started in rows
        ],
        alarms_today=alarm_rows(
            scope=scope, start=midnight, end=midnight + dt.timedelta(days=1), rows=AlarmRows.ALARMS
        ).count(),
        offline=offline_devices(scope=scope).count(),
    )
