"""The one way a device's event enters the system, whether it came by the signed webhook or by
MQTT: `device_event_ingest(vendor=…, event={…}, via=…)`.

The event is a dict as vendors send it: `event_id`, `device` (the vendor's serial), `kind`
(alarm_fall, alarm_sos, alarm_gas, alarm_smoke, heartbeat, battery), optional `occurred_at`
(ISO 8601) and `battery` (0–100). It is stored once per (vendor, event id): a retry gets the first
result back and creates nothing.

Events of one device are handled one at a time: each begins by updating the device's row, which
holds its lock (PostgreSQL) or the write lock (SQLite) until the transaction ends, so two alarms
arriving together cannot both open a ticket, and a retry racing its original finds it stored.
- An alarm opens a P1 ticket in the EMG category on the device's household (its grid's workers
  are told at once), unless the device's alarm ticket is still open and its last alarm is less
  than DEVICE_ALARM_COLLAPSE_MINUTES old: then it joins that ticket (a counter on the device and
  the event, a row in the ticket's timeline). A new alarm ticket starts its acknowledgement
  timer (acknowledgements.py); a repeat joining it does not start another.
- A heartbeat or battery report is a sign of life (an offline device comes back); a battery at or
  below DEVICE_BATTERY_LOW_PERCENT opens one P3 ticket, not another while that one is open.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from qiaomen.core.audit import audit_record
from qiaomen.core.errors import InvalidInput
from qiaomen.core.events import Transition
from qiaomen.core.transitions import claim_transition
from qiaomen.devices.acknowledgements import ack_start
from qiaomen.devices.models.devices import (
    ALARM_KINDS,
    Device,
    DeviceEvent,
    DeviceKind,
    DeviceStatus,
    EventKind,
    EventOutcome,
    EventVia,
    Vendor,
)
from qiaomen.devices.tickets import device_note, device_ticket_open, ticket_is_open

MAX_ID = 64


@dataclass(frozen=True)
class IngestResult:
    event: DeviceEvent
    created: bool  # False: a retry of an event already stored, answered with its first result

    def as_json(self) -> dict[str, Any]:
        return {
            "event_id": self.event.event_id,
            "outcome": self.event.outcome,
            "ticket": self.event.ticket_id,
            "repeat_number": self.event.repeat_number,
            "duplicate": not self.created,
        }


@dataclass(frozen=True)
class Parsed:
    event_id: str
    serial: str
    kind: str
    occurred_at: dt.datetime | None
    battery: int | None


def _text(event: Mapping[str, Any], key: str) -> str:
    value = event.get(key)
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_ID:
        raise InvalidInput(f"{key}_invalid", _("“%(field)s” is missing or invalid.") % {"field": key})
    return value.strip()


def event_parse(event: Mapping[str, Any]) -> Parsed:
    """The event's fields, checked; InvalidInput (with the field in its code) when one is wrong."""
    if not isinstance(event, Mapping):
        raise InvalidInput("event_invalid", _("The event must be a JSON object."))
    kind = _text(event, "kind")
    if kind not in EventKind.values:
        raise InvalidInput("kind_invalid", _("Unknown event kind."))
    occurred_at = None
    if event.get("occurred_at") is not None:
        raw = event["occurred_at"]
        occurred_at = parse_datetime(raw) if isinstance(raw, str) else None
        if occurred_at is None or occurred_at.tzinfo is None:
            raise InvalidInput("occurred_at_invalid", _("“occurred_at” must be an ISO 8601 time with its offset."))
    battery = event.get("battery")
    if battery is not None and (type(battery) is not int or not 0 <= battery <= 100):
        raise InvalidInput("battery_invalid", _("“battery” must be a whole number from 0 to 100."))
    return Parsed(_text(event, "event_id"), _text(event, "device"), kind, occurred_at, battery)


def _stored(vendor: Vendor, event_id: str) -> DeviceEvent | None:
    return DeviceEvent.objects.filter(vendor=vendor, event_id=event_id).first()


def device_event_ingest(*, vendor: Vendor, event: Mapping[str, Any], via: str) -> IngestResult:
    """Store and act on one event (see the module's text). InvalidInput for a malformed event or
    a device this vendor has not registered (or retired): nothing is stored then."""
    if via not in EventVia.values:
        raise InvalidInput("via_invalid", _("Unknown transport."))
    parsed = event_parse(event)
    stored = _stored(vendor, parsed.event_id)
    if stored is not None:
        return IngestResult(stored, created=False)
    device = Device.objects.filter(vendor=vendor, serial=parsed.serial).first()
    if device is None:
        raise InvalidInput("unknown_device", _("This vendor has no device with that serial."))
    if device.status == DeviceStatus.RETIRED:
        raise InvalidInput("device_retired", _("This device is retired."))
    now = timezone.now()
    try:
        with transaction.atomic():
            # The device's lock (see the module's text); a retry that waited on it finds its original.
            Device.objects.filter(pk=device.pk).update(updated_at=now)
            stored = _stored(vendor, parsed.event_id)
            if stored is not None:
                return IngestResult(stored, created=False)
            device = Device.objects.select_related("vendor", "alarm_ticket", "battery_ticket").get(pk=device.pk)
            if parsed.kind in ALARM_KINDS:
                return IngestResult(_alarm(device, parsed, via, now), created=True)
            return IngestResult(_sign_of_life(device, parsed, via, now), created=True)
    except IntegrityError:
        # The same event id sent for another device of this vendor, at the same moment.
        stored = _stored(vendor, parsed.event_id)
        if stored is None:
            raise
        return IngestResult(stored, created=False)


def _event_row(device: Device, parsed: Parsed, via: str, now: dt.datetime, **fields: Any) -> DeviceEvent:
    return DeviceEvent.objects.create(
        vendor_id=device.vendor_id,
        event_id=parsed.event_id,
        device=device,
        kind=parsed.kind,
        via=via,
        occurred_at=parsed.occurred_at or now,
        received_at=now,
        battery=parsed.battery,
        **fields,
    )


def _event_detail(device: Device, parsed: Parsed, via: str) -> dict[str, Any]:
    return {
        "device": device.pk,
        "device_kind": device.kind,
        "serial": device.serial,
        "event_id": parsed.event_id,
        "event_kind": parsed.kind,
        "via": via,
        "occurred_at": parsed.occurred_at.isoformat() if parsed.occurred_at else None,
    }


def _alarm(device: Device, parsed: Parsed, via: str, now: dt.datetime) -> DeviceEvent:
    window = dt.timedelta(minutes=settings.DEVICE_ALARM_COLLAPSE_MINUTES)
    ticket = device.alarm_ticket
    recent = device.last_alarm_at is not None and now - device.last_alarm_at <= window
    detail = _event_detail(device, parsed, via)
    if ticket is not None and recent and ticket_is_open(ticket):
        repeat = DeviceEvent.objects.filter(ticket=ticket, kind__in=ALARM_KINDS).count() + 1
        row = _event_row(device, parsed, via, now, outcome=EventOutcome.JOINED, ticket=ticket, repeat_number=repeat)
        ticket.transition_event(
            Transition(
                action="device_alarm_repeat",
                old=ticket.status,
                new=ticket.status,
                actor=None,
                at=now,
                reason=device_note(device, {**detail, "repeat_number": repeat}),
                detail={**detail, "repeat_number": repeat},
            )
        )
    else:
        label = EventKind(parsed.kind).label
        ticket = device_ticket_open(
            device,
            priority="P1",
            text=_("Device alarm: %(event)s, %(device)s %(serial)s.")
            % {"event": label, "device": DeviceKind(device.kind).label, "serial": device.serial},
            action="device_alarm",
            detail=detail,
        )
        row = _event_row(device, parsed, via, now, outcome=EventOutcome.OPENED, ticket=ticket, repeat_number=1)
        ack_start(device=device, ticket=ticket, at=now)
    Device.objects.filter(pk=device.pk).update(alarm_ticket=ticket, last_alarm_at=now, alarm_count=F("alarm_count") + 1)
    audit_record(
        action="device.alarm",
        obj=device,
        detail={"event_id": parsed.event_id, "kind": parsed.kind, "ticket": ticket.pk, "outcome": row.outcome},
    )
    return row


def _sign_of_life(device: Device, parsed: Parsed, via: str, now: dt.datetime) -> DeviceEvent:
    changes: dict[str, Any] = {"last_heartbeat_at": now}
    if parsed.battery is not None:
        changes["battery"] = parsed.battery
    Device.objects.filter(pk=device.pk).update(**changes)
    if device.status == DeviceStatus.OFFLINE:
        claim_transition(row=device, to_state=DeviceStatus.ACTIVE, action="back_online", actor=None, at=now)
    ticket = None
    low = parsed.battery is not None and parsed.battery <= settings.DEVICE_BATTERY_LOW_PERCENT
    if low and not (device.battery_ticket is not None and ticket_is_open(device.battery_ticket)):
        ticket = device_ticket_open(
            device,
            priority="P3",
            text=_("Low battery (%(battery)s%%): %(device)s %(serial)s needs charging or a new battery.")
            % {"battery": parsed.battery, "device": DeviceKind(device.kind).label, "serial": device.serial},
            action="device_battery_low",
            detail=_event_detail(device, parsed, via),
        )
        Device.objects.filter(pk=device.pk).update(battery_ticket=ticket)
    outcome = EventOutcome.RECORDED if ticket is None else EventOutcome.OPENED
    return _event_row(device, parsed, via, now, outcome=outcome, ticket=ticket)
