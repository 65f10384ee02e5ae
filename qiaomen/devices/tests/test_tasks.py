"""The offline check is scheduled in huey every minute and does its work when the consumer runs it;
it also forgets nonces too old to be replayed (the timestamp check refuses those anyway)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from huey.contrib.djhuey import HUEY

from qiaomen.devices.events import device_event_ingest
from qiaomen.devices.models.acknowledgements import AlarmAcknowledgement
from qiaomen.devices.models.devices import DeviceStatus, SeenNonce
from qiaomen.devices.tasks import device_ack_sweep, device_ack_sweep_every_30_seconds, devices_offline_every_minute
from qiaomen.devices.tests.helpers import event, make_device, make_vendor
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


def test_the_acknowledgement_sweep_runs_each_minute_and_again_half_a_minute_later(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    periodic = {task.name for task in HUEY.read_periodic(dt.datetime(2026, 12, 7, 10, 7))}
    assert "device_ack_sweep_every_30_seconds" in periodic
    delays: list[int] = []
    monkeypatch.setattr("qiaomen.devices.tasks.ack_sweep", lambda: 0)
    monkeypatch.setattr(device_ack_sweep, "schedule", lambda delay: delays.append(delay))
    device_ack_sweep_every_30_seconds.call_local()
    assert delays == [30]


@pytest.mark.django_db
def test_the_acknowledgement_task_climbs_a_due_alarm(small_street: SmallStreet) -> None:
    vendor = make_vendor()
    make_device(small_street, vendor)
    with time_machine.travel(T0, tick=False):
        device_event_ingest(vendor=vendor, event=event("e1"), via="webhook")
    with time_machine.travel(T0 + dt.timedelta(minutes=5), tick=False):
        assert device_ack_sweep.call_local() == 1
        assert device_ack_sweep.call_local() == 0
    assert AlarmAcknowledgement.objects.get().rung == 1
