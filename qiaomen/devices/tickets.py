"""The tickets a device opens: an alarm (P1), a device gone silent (P2), a low battery (P3).

Each is an EMG ticket on the device's household (so it lands in the household's grid), created by
the system through the tickets' own `ticket_create`; its timeline shows the device and the event
that opened it, and the device's grid worker and backup contacts are told (a P1's grid workers
are told by the routing itself)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.core.events import Transition
from qiaomen.devices.models.devices import Device, DeviceKind, EventKind
from qiaomen.tickets.models import OPEN_STATUSES, Channel, Priority, Subcategory, Ticket
from qiaomen.tickets.services.notifications import grid_workers, notify
from qiaomen.tickets.services.routing import ticket_create

# A wearable or a button calls for a person (illness, a fall); a sensor for a danger at home.
SUBCATEGORY_OF_KIND = {
    DeviceKind.WRISTBAND: "EMG-HEALTH",
    DeviceKind.SOS_BUTTON: "EMG-HEALTH",
    DeviceKind.GAS_SENSOR: "EMG-SAFE",
    DeviceKind.DOOR_SENSOR: "EMG-SAFE",
}
# A fall or SOS from any device is about a person; gas or smoke is about the home.
SUBCATEGORY_OF_ALARM = {
    "alarm_fall": "EMG-HEALTH",
    "alarm_sos": "EMG-HEALTH",
    "alarm_gas": "EMG-SAFE",
    "alarm_smoke": "EMG-SAFE",
}


def ticket_is_open(ticket: Ticket) -> bool:
    return ticket.status in OPEN_STATUSES


def device_note(device: Device, detail: dict[str, Any]) -> str:
    """The device and its event as the ticket's timeline shows them."""
    note = _("%(device)s %(serial)s, %(vendor)s") % {
        "device": DeviceKind(device.kind).label,
        "serial": device.serial,
        "vendor": device.vendor.name,
    }
    if detail.get("event_kind"):
        event = _("%(event)s, event %(event_id)s") % {
            "event": EventKind(detail["event_kind"]).label,
            "event_id": detail.get("event_id", ""),
        }
        note = f"{note} · {event}"
    if detail.get("repeat_number"):
        note = f"{note} · " + _("alarm no. %(number)s") % {"number": detail["repeat_number"]}
    return note


def device_ticket_open(device: Device, *, priority: str, text: str, action: str, detail: dict[str, Any]) -> Ticket:
    """A new ticket for `device` (the caller holds the device's lock, inside its transaction)."""
    code = SUBCATEGORY_OF_ALARM.get(str(detail.get("event_kind")), SUBCATEGORY_OF_KIND[DeviceKind(device.kind)])
    ticket = ticket_create(
        channel=Channel.DEVICE,
        description=text,
        subcategory=Subcategory.objects.select_related("department").get(code=code),
        priority=priority,
        household=device.household,
        person=device.person,
    )
    named = {"grid_worker": device.grid_worker_id, "backup_contacts": sorted(device_backup_ids(device))}
    ticket.transition_event(
        Transition(
            action=action,
            old=ticket.status,
            new=ticket.status,
            actor=None,
            at=timezone.now(),
            reason=device_note(device, detail),
            detail={**detail, **named},
        )
    )
    told = set(grid_workers(ticket.grid_id).values_list("pk", flat=True)) if priority == Priority.P1 else set()
    # A device nobody was named for is answered by its grid's workers.
    responders = device_responders(device) or list(grid_workers(ticket.grid_id))
    users = [user for user in responders if user.pk not in told]
    notify(users, ticket=ticket, text=f"{text[:150]} #{ticket.pk}")
    return ticket


def device_backup_ids(device: Device) -> set[int]:
    return set(device.backup_contacts.values_list("pk", flat=True))


def device_responders(device: Device) -> list[Any]:
    """The device's grid worker, then its backup contacts (active accounts only)."""
    people = [device.grid_worker] if device.grid_worker is not None and device.grid_worker.is_active else []
    people += [user for user in device.backup_contacts.filter(is_active=True) if user.pk != device.grid_worker_id]
    return people
