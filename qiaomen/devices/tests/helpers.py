"""A vendor and a wristband of the small street's household A, answered by worker A."""

from __future__ import annotations

from typing import Any

from qiaomen.devices.models.devices import Device, DeviceKind, Vendor
from qiaomen.testing import SmallStreet

SECRET = "vendor-secret-for-tests-0123456789"


def make_vendor(code: str = "acme") -> Vendor:
    return Vendor.objects.create(name="Acme 手环", code=code, secret=SECRET)


def make_device(s: SmallStreet, vendor: Vendor, *, serial: str = "WB-001", kind: str = DeviceKind.WRISTBAND) -> Device:
    return Device.objects.create(
        vendor=vendor,
        serial=serial,
        kind=kind,
        household=s.household_a,
        person=s.elder_a,
        grid_worker=s.users["worker_a"],
    )


def event(event_id: str, kind: str = "alarm_fall", serial: str = "WB-001", **more: Any) -> dict[str, Any]:
    return {"event_id": event_id, "device": serial, "kind": kind, **more}
