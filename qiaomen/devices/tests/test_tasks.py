"""The offline check is scheduled in huey every minute and does its work when the consumer runs it;
it also forgets nonces too old to be replayed (the timestamp check refuses those anyway)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from huey.contrib.djhuey import HUEY

from qiaomen.devices.models.devices import DeviceStatus, SeenNonce
from qiaomen.devices.tasks import devices_offline_every_minute
from qiaomen.devices.tests.helpers import make_device, make_vendor
from qiaomen.testing import SmallStreet

T0 = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)


def test_the_offline_check_is_a_periodic_task_every_minute() -> None:
    periodic = {task.name for task in HUEY.read_periodic(dt.datetime(2026, 12, 7, 10, 7))}
    assert "devices_offline_every_minute" in periodic


@pytest.mark.django_db
def test_the_task_turns_a_silent_device_offline_and_forgets_old_nonces(small_street: SmallStreet) -> None:
    vendor = make_vendor()
    with time_machine.travel(T0, tick=False):
        device = make_device(small_street, vendor)
        SeenNonce.objects.create(vendor=vendor, nonce="old-nonce", seen_at=T0)
    with time_machine.travel(T0 + dt.timedelta(minutes=11), tick=False):
        SeenNonce.objects.create(vendor=vendor, nonce="new-nonce", seen_at=T0 + dt.timedelta(minutes=11))
        devices_offline_every_minute.call_local()
        device.refresh_from_db()
        assert device.status == DeviceStatus.ACTIVE
        # Both kept: an MQTT message carrying the old one may still come (up to a day late).
        assert sorted(SeenNonce.objects.values_list("nonce", flat=True)) == ["new-nonce", "old-nonce"]
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        devices_offline_every_minute.call_local()
    device.refresh_from_db()
    assert device.status == DeviceStatus.OFFLINE
    # Twice the longest accepted age (a day for MQTT) after it was seen, a nonce is forgotten.
    with time_machine.travel(T0 + dt.timedelta(days=2, minutes=1), tick=False):
        devices_offline_every_minute.call_local()
        assert list(SeenNonce.objects.values_list("nonce", flat=True)) == ["new-nonce"]
