"""Device events by MQTT, end to end against the real Mosquitto: `manage.py device_mqtt_consume`
runs as a process of its own on the test database; a burst of signed events is published; the
consumer is killed (SIGKILL) in the middle and started again. QoS 1 redelivery loses nothing and
the ingest doubles nothing: every event stored once, one ticket per alarm. The envelope's
refusals are checked in-process."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from qiaomen.core.models import AuditEntry
from qiaomen.devices.models.devices import Device, DeviceEvent, EventVia, Vendor
from qiaomen.devices.mqtt import DeviceEventConsumer
from qiaomen.devices.mqtt_ingest import mqtt_event_handle
from qiaomen.devices.signatures import webhook_signature
from qiaomen.devices.tests.helpers import SECRET, event, make_device, make_vendor
from qiaomen.devices.tests.mqtt_helpers import URL, broker, publish, until
from qiaomen.testing import SmallStreet, child_database_url
from qiaomen.tickets.models import Priority, Ticket

ROOT = Path(settings.BASE_DIR)
__all__ = ["broker"]


def envelope(body: dict[str, object], *, age_seconds: int = 0, secret: str = SECRET, nonce: str = "") -> bytes:
    text = json.dumps(body)
    timestamp = str(int(timezone.now().timestamp()) - age_seconds)
    nonce = nonce or secrets.token_hex(8)
    signature = webhook_signature(secret, timestamp, nonce, text.encode())
    return json.dumps({"timestamp": timestamp, "nonce": nonce, "signature": signature, "body": text}).encode()


def test_a_signed_message_is_stored_once_and_refusals_store_nothing(small_street: SmallStreet) -> None:
    vendor = make_vendor()
    make_device(small_street, vendor)
    # Kept by the broker for an hour while the consumer was down: still taken.
    stored = mqtt_event_handle("acme", envelope(event("e-1", "alarm_sos"), age_seconds=3600))
    assert stored is not None and stored.created and stored.event.via == EventVia.MQTT
    assert stored.event.ticket is not None and stored.event.ticket.priority == Priority.P1
    same = envelope(event("e-2", "heartbeat"))
    assert mqtt_event_handle("acme", same) is not None
    refused = [
        mqtt_event_handle("acme", same),  # the broker's second delivery of a stored message: its nonce again
        mqtt_event_handle("acme", b"not json"),
        mqtt_event_handle("acme", json.dumps({"body": "{}"}).encode()),
        mqtt_event_handle("acme", envelope(event("e-3"), secret="another-secret-0123456789")),
        mqtt_event_handle("nobody", envelope(event("e-4"))),
        mqtt_event_handle("acme", envelope(event("e-5"), age_seconds=settings.DEVICE_MQTT_MAX_AGE_SECONDS + 60)),
        mqtt_event_handle("acme", envelope(event("e-6", serial="NO-SUCH"))),
    ]
    assert refused == [None] * len(refused)
    assert sorted(DeviceEvent.objects.values_list("event_id", flat=True)) == ["e-1", "e-2"]
    codes = AuditEntry.objects.filter(action="device.webhook_refused").values_list("detail__code", flat=True)
    assert sorted(codes) == ["bad_signature", "replayed_nonce", "stale_timestamp", "unknown_vendor"]


def _consumer(client_id: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "qiaomen.test_settings", "DATABASE_URL": child_database_url()}
    command = [sys.executable, "manage.py", "device_mqtt_consume", "--url", URL]
    return subprocess.Popen([*command, "--client-id", client_id], cwd=ROOT, env=env)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_consumer_killed_mid_burst_loses_nothing_and_doubles_nothing(
    small_street: SmallStreet,
    broker: str,
) -> None:
    code = f"v{secrets.token_hex(4)}"
    vendor = make_vendor(code)
    serials = [f"WB-{n}" for n in range(3)]
    for serial in serials:
        make_device(small_street, vendor, serial=serial)
    # Three alarms among 117 heartbeats: 120 events, three tickets.
    bodies = [event(f"hb-{n}", "heartbeat", serial=serials[n % 3], battery=90) for n in range(117)]
    for number, serial in enumerate(serials):
        bodies.insert(20 + 40 * number, event(f"sos-{number}", "alarm_sos", serial=serial))
    client_id = f"qiaomen-test-{code}"
    # The consumer's persistent session, made first: what is published before the process has
    # started and subscribed waits there for it.
    session = DeviceEventConsumer(URL, handle=mqtt_event_handle, client_id=client_id)
    session.start()
    until(session.subscribed.is_set)
    session.stop()
    first = _consumer(client_id)
    stored = DeviceEvent.objects.filter(vendor=vendor)
    try:
        publish(f"qiaomen/devices/{code}/events", [envelope(body) for body in bodies])
        until(lambda: stored.count() >= 10, seconds=90)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        at_kill = stored.count()
        assert at_kill < len(bodies), "the burst was over before the kill: nothing was tested"
        second = _consumer(client_id)
        try:
            until(lambda: stored.count() >= len(bodies), seconds=90)
            time.sleep(1)  # anything doubled would arrive now
        finally:
            second.terminate()
            second.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    assert sorted(stored.values_list("event_id", flat=True)) == sorted(str(body["event_id"]) for body in bodies)
    tickets = Ticket.objects.filter(priority=Priority.P1)
    assert tickets.count() == 3
    assert set(Device.objects.filter(vendor=vendor).values_list("alarm_ticket", flat=True)) == set(
        tickets.values_list("pk", flat=True)
    )
    assert Vendor.objects.get(pk=vendor.pk).code == code
