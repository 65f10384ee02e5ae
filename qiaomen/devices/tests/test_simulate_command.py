"""`manage.py device_simulate` as a vendor's platform: against a live server (the real webhook)
and against the real Mosquitto with `device_mqtt_consume` as a process of its own. What it sends
is stored once, each alarm group opens one P1 (its repeats join it), low batteries open P3s, and
the silent devices are the ones the sweep turns offline. Unknown vendor, no devices and an
unreachable server are refused in plain words."""

from __future__ import annotations

import datetime as dt
import io
import os
import secrets
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer

from qiaomen.devices.heartbeats import devices_offline_sweep
from qiaomen.devices.models.devices import ALARM_KINDS, Device, DeviceEvent, DeviceStatus, EventVia, Vendor
from qiaomen.devices.mqtt import DeviceEventConsumer
from qiaomen.devices.mqtt_ingest import mqtt_event_handle
from qiaomen.devices.simulation import SimDevice, simulation_plan
from qiaomen.devices.tests.helpers import make_device, make_vendor
from qiaomen.devices.tests.mqtt_helpers import URL, broker
from qiaomen.testing import SmallStreet, child_database_url
from qiaomen.tickets.models import Priority, Ticket

ROOT = Path(settings.BASE_DIR)
KINDS = ["wristband", "sos_button", "gas_sensor", "door_sensor"]
__all__ = ["broker"]


def _devices(s: SmallStreet, vendor: Vendor, count: int) -> list[Device]:
    devices = [make_device(s, vendor, serial=f"SIM-{n:03d}", kind=KINDS[n % 4]) for n in range(count)]
    # Each last heard five minutes short of its kind's interval, just before the run.
    now = timezone.now()
    for device in devices:
        minutes = settings.DEVICE_HEARTBEAT_MINUTES[device.kind] - 5
        Device.objects.filter(pk=device.pk).update(last_heartbeat_at=now - dt.timedelta(minutes=minutes))
    return devices


def _simulate(*arguments: str) -> str:
    out = io.StringIO()
    call_command("device_simulate", *arguments, stdout=out)
    return out.getvalue()


def _check_what_was_stored(vendor: Vendor, devices: list[Device], seed: int, via: str) -> None:
    sims = [SimDevice(d.serial, d.kind) for d in sorted(devices, key=lambda d: d.serial)]
    plan = simulation_plan(devices=sims, minutes=10, seed=seed)
    stored = DeviceEvent.objects.filter(vendor=vendor)
    assert Counter(stored.values_list("kind", flat=True)) == Counter(event.kind for event in plan.events)
    assert set(stored.values_list("via", flat=True)) == {via}
    # One P1 per device that alarmed, every alarm on it; a burst joins its ticket.
    alarms = stored.filter(kind__in=ALARM_KINDS)
    tickets = Ticket.objects.filter(priority=Priority.P1)
    assert tickets.count() == plan.alarm_groups == len(set(alarms.values_list("device", flat=True)))
    assert set(alarms.values_list("ticket", flat=True)) == set(tickets.values_list("pk", flat=True))
    assert alarms.filter(outcome="joined", repeat_number=3).exists()
    low = {event.serial for event in plan.events if event.battery is not None and event.battery <= 20}
    assert low, "this seed sends no low battery: nothing was tested"
    assert Ticket.objects.filter(priority=Priority.P3).count() == len(low)
    # The silent devices sent nothing; ten minutes on, the sweep turns exactly them offline.
    silent = set(plan.silent)
    assert silent and not stored.filter(device__serial__in=silent).exists()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=10)):
        turned = devices_offline_sweep()
    assert set(Device.objects.filter(pk__in=turned).values_list("serial", flat=True)) == silent
    assert Device.objects.filter(status=DeviceStatus.ACTIVE).count() == len(devices) - len(silent)


def test_a_run_through_the_live_webhook_stores_every_event_once(
    live_server: LiveServer, small_street: SmallStreet
) -> None:
    vendor = make_vendor()
    devices = _devices(small_street, vendor, 60)
    url = f"{live_server.url}/devices/v1/events"
    output = _simulate("--devices", "60", "--minutes", "10", "--speed", "2000", "--seed", "5", "--webhook", url)
    outcomes = Counter(DeviceEvent.objects.values_list("outcome", flat=True))
    assert outcomes["joined"] > 0
    answers = f"opened {outcomes['opened']}, joined {outcomes['joined']}, recorded {outcomes['recorded']}"
    assert f"answers: {answers}, duplicate 0, refused 0" in output
    assert f"tickets opened: {Ticket.objects.count()} " in output
    _check_what_was_stored(vendor, devices, 5, EventVia.WEBHOOK)
    assert "silent: 1 devices" in output


def _consumer(client_id: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "qiaomen.test_settings", "DATABASE_URL": child_database_url()}
    command = [sys.executable, "manage.py", "device_mqtt_consume", "--url", URL, "--client-id", client_id]
    return subprocess.Popen(command, cwd=ROOT, env=env)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_run_through_mosquitto_and_the_consumer_stores_every_event_once(
    small_street: SmallStreet, broker: str
) -> None:
    code = f"v{secrets.token_hex(4)}"
    vendor = make_vendor(code)
    devices = _devices(small_street, vendor, 60)
    client_id = f"qiaomen-test-{code}"
    # The consumer's persistent session first: what is published before the process subscribes waits.
    session = DeviceEventConsumer(URL, handle=mqtt_event_handle, client_id=client_id)
    session.start()
    session.subscribed.wait(15)
    session.stop()
    consumer = _consumer(client_id)
    try:
        output = _simulate("--mqtt", URL, "--vendor", code, "--devices", "60", "--speed", "2000", "--seed", "5")
    finally:
        consumer.terminate()
        consumer.wait(timeout=10)
    _check_what_was_stored(vendor, devices, 5, EventVia.MQTT)
    assert "duplicate 0, refused 0" in output


@pytest.mark.django_db
def test_an_unknown_vendor_no_devices_and_an_unreachable_server_are_refused_in_plain_words(
    small_street: SmallStreet,
) -> None:
    with pytest.raises(CommandError, match="No active vendor"):
        _simulate()
    vendor = make_vendor()
    with pytest.raises(CommandError, match="No vendor with the code 'nobody'"):
        _simulate("--vendor", "nobody")
    with pytest.raises(CommandError, match="has no active devices"):
        _simulate("--vendor", "acme")
    make_device(small_street, vendor)
    with pytest.raises(CommandError, match=r"127\.0\.0\.1:9/devices/v1/events does not answer"):
        _simulate("--webhook", "http://127.0.0.1:9/devices/v1/events", "--speed", "1000")
    with pytest.raises(CommandError, match=r"the broker 127\.0\.0\.1:9 does not answer"):
        _simulate("--mqtt", "mqtt://127.0.0.1:9", "--speed", "1000")
    with pytest.raises(CommandError, match="MQTT_URL must look like"):
        _simulate("--mqtt", "http://127.0.0.1:1883")
    make_vendor("other")
    with pytest.raises(CommandError, match="Name the vendor with --vendor CODE"):
        _simulate()
    Vendor.objects.filter(code="other").update(active=False)
    with pytest.raises(CommandError, match="'other' is disabled"):
        _simulate("--vendor", "other")
    assert not DeviceEvent.objects.exists()
