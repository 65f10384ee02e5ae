"""Registering and retiring a device (MANAGE_DEVICES, within the user's places).

A device serves a household the user sees, and optionally one of its people (the wearer). Its
grid worker must be a grid worker of that household's grid; its backup contacts active staff who
see that grid, so that whoever is told of an alarm may open its ticket. Retiring goes through
claim_transition; a retired device's events are refused by the ingest service.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability, Role
from qiaomen.accounts.scopes import place_scope
from qiaomen.core.audit import audit_record
from qiaomen.core.errors import Conflict, Forbidden, InvalidInput
from qiaomen.core.transitions import claim_transition
from qiaomen.devices.models.devices import Device, DeviceKind, DeviceStatus, Vendor
from qiaomen.registry.models import Household, Person


@dataclass(frozen=True)
class DeviceData:
    vendor: Vendor
    serial: str
    kind: str
    household: Household
    person: Person | None
    grid_worker: User | None
    backup_contacts: Sequence[User] = ()


def _may_manage(user: User, household: Household) -> None:
    if not user.can(Capability.MANAGE_DEVICES):
        raise Forbidden("not_allowed", _("You are not allowed to do this."))
    if household.building.grid_id not in place_scope(user).all_grid_ids:
        raise Forbidden("household_out_of_scope", _("This household is outside your places."))


def _sees_grid(user: User, grid_id: int) -> bool:
    return user.is_active and grid_id in place_scope(user).all_grid_ids


def device_register(*, user: User, data: DeviceData, request: HttpRequest | None = None) -> Device:
    household = data.household
    _may_manage(user, household)
    serial = data.serial.strip()
    if not serial or len(serial) > 64:
        raise InvalidInput("serial_invalid", _("Enter the vendor's serial (at most 64 characters)."))
    if data.kind not in DeviceKind.values:
        raise InvalidInput("kind_invalid", _("Unknown device kind."))
    if not data.vendor.active:
        raise InvalidInput("vendor_inactive", _("This vendor is not enabled."))
    if data.person is not None and data.person.household_id != household.pk:
        raise InvalidInput("person_not_in_household", _("The wearer must live in this household."))
    grid_id = household.building.grid_id
    worker = data.grid_worker
    if worker is not None and (worker.role != Role.GRID_WORKER or not _sees_grid(worker, grid_id)):
        raise InvalidInput("grid_worker_invalid", _("Choose a grid worker of this household's grid."))
    for contact in data.backup_contacts:
        if not contact.can(Capability.VIEW_DEVICES) or not _sees_grid(contact, grid_id):
            raise InvalidInput("backup_contact_invalid", _("A backup contact must be staff who sees this household."))
    try:
        with transaction.atomic():
            device = Device.objects.create(
                vendor=data.vendor,
                serial=serial,
                kind=data.kind,
                household=household,
                person=data.person,
                grid_worker=worker,
                registered_by=user,
                # Silence counts from registration until the first heartbeat (devices.heartbeats).
                last_heartbeat_at=None,
            )
            device.backup_contacts.set(data.backup_contacts)
            audit_record(
                action="device.register",
                actor=user,
                request=request,
                obj=device,
                detail={"vendor": data.vendor.code, "kind": data.kind, "household": household.pk},
            )
    except IntegrityError:
        raise Conflict(
            "device_serial_taken", _("This vendor's device with that serial is registered already.")
        ) from None
    return device


def device_retire(*, user: User, device: Device, reason: str, request: HttpRequest | None = None) -> Device:
    _may_manage(user, device.household)
    reason = reason.strip()
    if not reason or len(reason) > 200:
        raise InvalidInput("reason_required", _("Say why the device is retired (at most 200 characters)."))
    return claim_transition(
        row=device,
        to_state=DeviceStatus.RETIRED,
        action="retire",
        actor=user,
        reason=reason,
        request=request,
        at=timezone.now(),
    )
