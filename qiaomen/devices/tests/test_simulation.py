"""The simulated vendor's stream: the same seed gives the same events; heartbeats come at each
kind's interval; a few devices stay silent and send nothing; alarms come in bursts on devices
that can alarm; the signed request and envelope pass the real checks."""

from __future__ import annotations

import itertools
import json
from collections import Counter

import pytest
from django.utils import timezone

from qiaomen.devices.mqtt_ingest import mqtt_event_handle
from qiaomen.devices.signatures import webhook_verify
from qiaomen.devices.simulation import (
    ALARMS_OF_KIND,
    SimDevice,
    fresh_nonce,
    signed_envelope,
    signed_headers,
    simulation_plan,
)
from qiaomen.devices.tests.helpers import SECRET, make_device, make_vendor
from qiaomen.testing import SmallStreet

INTERVALS = {"wristband": 30, "sos_button": 1440, "gas_sensor": 60, "door_sensor": 720}
KINDS = list(INTERVALS)


def _devices(count: int) -> list[SimDevice]:
    return [SimDevice(f"D-{n:03d}", KINDS[n % len(KINDS)]) for n in range(count)]


def test_the_same_seed_gives_the_same_stream_and_another_seed_another() -> None:
    devices = _devices(200)
    first = simulation_plan(devices=devices, minutes=10, seed=7, heartbeat_minutes=INTERVALS)
    again = simulation_plan(devices=devices, minutes=10, seed=7, heartbeat_minutes=INTERVALS)
    other = simulation_plan(devices=devices, minutes=10, seed=8, heartbeat_minutes=INTERVALS)
    assert first == again
    assert first.events != other.events


def test_heartbeats_at_the_kinds_interval_silent_devices_and_bursts_of_alarms() -> None:
    devices = _devices(200)
    plan = simulation_plan(devices=devices, minutes=120, seed=3, heartbeat_minutes=INTERVALS)
    times = [event.at for event in plan.events]
    assert times == sorted(times) and times[0] >= 0 and times[-1] < 120 * 60
    assert len({event.event_id for event in plan.events}) == len(plan.events)
    kinds = {device.serial: device.kind for device in devices}
    # 2 % silent: nothing from them.
    assert len(plan.silent) == 4
    assert not {event.serial for event in plan.events} & set(plan.silent)
    # Every live device reports in; a wristband every 30 minutes: four heartbeats in two hours.
    beats: dict[str, list[float]] = {}
    for event in plan.events:
        if event.kind == "heartbeat":
            beats.setdefault(event.serial, []).append(event.at)
    assert set(beats) == {d.serial for d in devices} - set(plan.silent)
    for serial, at in beats.items():
        gaps = {round(later - earlier) for earlier, later in itertools.pairwise(at)}
        assert gaps <= {INTERVALS[kinds[serial]] * 60}
        if kinds[serial] == "wristband":
            assert len(at) == 4
    # One battery report per live device, a few of them low.
    batteries = [event.battery for event in plan.events if event.kind == "battery"]
    assert len(batteries) == 196
    assert 0 < sum(1 for level in batteries if level is not None and level <= 20) < 20
    # Alarms of the device's kind, on one device in twenty, some pressed three times within a minute.
    alarms = [event for event in plan.events if event.is_alarm]
    by_device = Counter(event.serial for event in alarms)
    assert len(by_device) == plan.alarm_groups == 10
    assert all(event.kind in ALARMS_OF_KIND[kinds[event.serial]] for event in alarms)
    bursts = [serial for serial, count in by_device.items() if count == 3]
    assert bursts and set(by_device.values()) <= {1, 3}
    for serial in bursts:
        at = [event.at for event in alarms if event.serial == serial]
        assert at[-1] - at[0] < 60


@pytest.mark.django_db
def test_the_signed_request_and_envelope_pass_the_real_checks(small_street: SmallStreet) -> None:
    vendor = make_vendor()
    make_device(small_street, vendor)
    plan = simulation_plan(devices=[SimDevice("WB-001", "wristband")], minutes=60, seed=1, heartbeat_minutes=INTERVALS)
    event = plan.events[0]
    now = timezone.now()
    body, stamp, nonce = event.body(now), str(int(now.timestamp())), fresh_nonce()
    headers = signed_headers(vendor_code="acme", secret=SECRET, body=body, timestamp=stamp, nonce=nonce)
    verified = webhook_verify(
        vendor_code=headers["X-Qiaomen-Vendor"],
        timestamp=headers["X-Qiaomen-Timestamp"],
        nonce=headers["X-Qiaomen-Nonce"],
        signature=headers["X-Qiaomen-Signature"],
        body=body,
    )
    assert verified == vendor
    assert json.loads(body)["occurred_at"] == now.isoformat()
    second = plan.events[1]
    envelope = signed_envelope(secret=SECRET, body=second.body(now), timestamp=stamp, nonce=fresh_nonce())
    stored = mqtt_event_handle("acme", envelope)
    assert stored is not None and stored.event.event_id == second.event_id
