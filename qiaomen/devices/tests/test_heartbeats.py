"""A device silent past its kind's interval turns offline with one P2 for its grid worker; a
heartbeat brings it back; the sweep before the interval does nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import override_settings

from qiaomen.core.models import TransitionEvent
from qiaomen.devices.events import device_event_ingest
from qiaomen.devices.heartbeats import devices_offline_sweep
from qiaomen.devices.models.devices import DeviceStatus
from qiaomen.devices.tests.helpers import event, make_device, make_vendor
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Notification, Ticket

T0 = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)
INTERVALS = {"wristband": 30, "sos_button": 1440, "gas_sensor": 60, "door_sensor": 720}


@pytest.mark.django_db
@override_settings(DEVICE_HEARTBEAT_MINUTES=INTERVALS)
def test_a_silent_device_turns_offline_once_with_a_p2_and_comes_back_with_a_heartbeat(
    small_street: SmallStreet,
) -> None:
    s = small_street
    vendor = make_vendor()
    with time_machine.travel(T0 - dt.timedelta(days=1), tick=False):
        device = make_device(s, vendor)
        sensor = make_device(s, vendor, serial="GS-1", kind="gas_sensor")
    with time_machine.travel(T0, tick=False):
        device_event_ingest(vendor=vendor, event=event("h1", "heartbeat"), via="mqtt")
        device_event_ingest(vendor=vendor, event=event("h2", "heartbeat", serial="GS-1"), via="mqtt")

    with time_machine.travel(T0 + dt.timedelta(minutes=30), tick=False):
        assert devices_offline_sweep() == []  # at the interval: not yet
    with time_machine.travel(T0 + dt.timedelta(minutes=31), tick=False):
        assert devices_offline_sweep() == [device.pk]  # the sensor's hour is not over
    device.refresh_from_db()
    assert device.status == DeviceStatus.OFFLINE and device.version == 2
    ticket = Ticket.objects.get()
    assert ticket.priority == "P2" and ticket.subcategory.code == "EMG-HEALTH" and ticket.grid == s.grid_a
    assert device.offline_ticket == ticket
    assert Notification.objects.filter(user=s.users["worker_a"], ticket=ticket).exists()
    assert TransitionEvent.objects.filter(object_type="devices.device", action="offline").count() == 1

    with time_machine.travel(T0 + dt.timedelta(minutes=45), tick=False):
        assert devices_offline_sweep() == []  # already offline: nothing again
        device_event_ingest(vendor=vendor, event=event("h3", "heartbeat"), via="webhook")
    device.refresh_from_db()
    assert device.status == DeviceStatus.ACTIVE
    with time_machine.travel(T0 + dt.timedelta(minutes=80), tick=False):
        assert sorted(devices_offline_sweep()) == sorted([device.pk, sensor.pk])
    # The device's offline ticket is still open: no second one; the sensor gets its own (EMG-SAFE).
    assert Ticket.objects.filter(priority="P2").count() == 2
    assert Ticket.objects.filter(subcategory__code="EMG-SAFE").count() == 1


@pytest.mark.django_db
@override_settings(DEVICE_HEARTBEAT_MINUTES=INTERVALS)
def test_a_device_never_heard_counts_from_its_registration(small_street: SmallStreet) -> None:
    vendor = make_vendor()
    with time_machine.travel(T0, tick=False):
        device = make_device(small_street, vendor)
    with time_machine.travel(T0 + dt.timedelta(minutes=29), tick=False):
        assert devices_offline_sweep() == []
    with time_machine.travel(T0 + dt.timedelta(minutes=31), tick=False):
        assert devices_offline_sweep() == [device.pk]


@pytest.mark.django_db
@override_settings(DEVICE_HEARTBEAT_MINUTES=INTERVALS)
def test_a_device_without_a_named_worker_is_answered_by_its_grids_workers(small_street: SmallStreet) -> None:
    s = small_street
    with time_machine.travel(T0, tick=False):
        device = make_device(s, make_vendor())
        device.grid_worker = None
        device.save()
    with time_machine.travel(T0 + dt.timedelta(minutes=31), tick=False):
        devices_offline_sweep()
    ticket = Ticket.objects.get()
    assert list(Notification.objects.filter(ticket=ticket).values_list("user__username", flat=True)) == ["worker1"]
