"""The small street with a month of device alarms, for the figures of the command centre and the
wall: in November 2026 four alarms (three acknowledged after 60 s, 420 s and 120 s; two raised
past the grid worker; one still waiting at the community duty officer), one alarm in October,
and one device offline. Grid A (community 1) has two of November's alarms, grid B the others."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import time_machine

from qiaomen.devices.acknowledgements import ack_acknowledge, ack_sweep
from qiaomen.devices.events import device_event_ingest
from qiaomen.devices.models.acknowledgements import AlarmAcknowledgement
from qiaomen.devices.models.devices import Device, DeviceKind, DeviceStatus, Vendor
from qiaomen.devices.tests.helpers import event, make_device, make_vendor
from qiaomen.testing import SmallStreet

NOVEMBER_START = dt.datetime(2026, 11, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
NOVEMBER_END = dt.datetime(2026, 12, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
STEP = dt.timedelta(minutes=5)


@dataclass
class DeviceStreet:
    street: SmallStreet
    vendor: Vendor
    device_a: Device
    device_b: Device
    offline: Device
    waiting: AlarmAcknowledgement  # grid B's alarm nobody has acknowledged, at rung 2


def alarm_at(vendor: Vendor, device: Device, at: dt.datetime, number: int) -> AlarmAcknowledgement:
    with time_machine.travel(at, tick=False):
        device_event_ingest(vendor=vendor, event=event(f"f{number}", serial=device.serial), via="webhook")
    return AlarmAcknowledgement.objects.get(device=device, started_at=at)


def make_device_street(s: SmallStreet) -> DeviceStreet:
    vendor = make_vendor()
    device_a = make_device(s, vendor, serial="WB-A")
    device_b = make_device(s, vendor, serial="SOS-B", kind=DeviceKind.SOS_BUTTON)
    Device.objects.filter(pk=device_b.pk).update(
        household=s.household_b, person=s.resident_b, grid_worker=s.users["worker_b"]
    )
    device_b.refresh_from_db()
    offline = make_device(s, vendor, serial="GAS-B", kind=DeviceKind.GAS_SENSOR)
    Device.objects.filter(pk=offline.pk).update(household=s.household_b, person=None, status=DeviceStatus.OFFLINE)
    offline.refresh_from_db()
    answered = {
        (device_a, dt.datetime(2026, 10, 20, 2, 0, tzinfo=dt.UTC)): 30,
        (device_a, dt.datetime(2026, 11, 10, 2, 0, tzinfo=dt.UTC)): 60,
        (device_a, dt.datetime(2026, 11, 12, 2, 0, tzinfo=dt.UTC)): 420,
        (device_b, dt.datetime(2026, 11, 14, 2, 0, tzinfo=dt.UTC)): 120,
    }
    for number, ((device, at), seconds) in enumerate(answered.items()):
        ack = alarm_at(vendor, device, at, number)
        ack_sweep(now=at + dt.timedelta(seconds=seconds))  # past five minutes: one rung up first
        ack.refresh_from_db()
        user = s.users["worker_a" if device == device_a else "worker_b"]
        ack_acknowledge(ack=ack, user=user, now=at + dt.timedelta(seconds=seconds))
    late = dt.datetime(2026, 11, 16, 2, 0, tzinfo=dt.UTC)
    waiting = alarm_at(vendor, device_b, late, 9)
    ack_sweep(now=late + 2 * STEP)
    waiting.refresh_from_db()
    return DeviceStreet(street=s, vendor=vendor, device_a=device_a, device_b=device_b, offline=offline, waiting=waiting)
