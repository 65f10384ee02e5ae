"""A vendor's platform, simulated: the events N registered devices send over M minutes of the
vendor's clock, deterministic for a seed (`simulation_plan`), signed as vendors sign them and
sent by the signed webhook or by MQTT (`WebhookSender`, `MqttSender`). Used by
`manage.py device_simulate` and by bench/device_alerts.py.

What the devices do:
- Heartbeats at their kind's DEVICE_HEARTBEAT_MINUTES, the first at a point drawn in the run's
  first interval (or in the run, if it is shorter), so that every live device reports in.
- One battery report each, a few of them low (at or below DEVICE_BATTERY_LOW_PERCENT).
- Alarms by kind (a wristband detects a fall or is pressed for SOS, a button is pressed, a gas
  sensor smells gas or smoke; door sensors have none), on about one device in twenty; a share
  of them in bursts, pressed again twice within a minute (the first alarm of the run always).
- A few devices fall silent: they send nothing, so once their kind's interval has passed since
  their last heartbeat the offline sweep (devices.heartbeats) turns them offline.

The vendor's clock starts when sending starts; each event is stamped (`occurred_at`, and the
signature's timestamp) with the real time it is sent, so a run compressed by `speed` is still
within the webhook's clock skew.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import secrets
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import paho.mqtt.client as mqtt
from django.conf import settings

from qiaomen.devices.models.devices import Device, DeviceEvent, DeviceKind, DeviceStatus, EventKind, Vendor
from qiaomen.devices.mqtt import QOS, broker_from_url
from qiaomen.devices.signatures import webhook_signature

ALARMS_OF_KIND: Mapping[str, tuple[str, ...]] = {
    DeviceKind.WRISTBAND: (EventKind.ALARM_FALL, EventKind.ALARM_SOS),
    DeviceKind.SOS_BUTTON: (EventKind.ALARM_SOS,),
    DeviceKind.GAS_SENSOR: (EventKind.ALARM_GAS, EventKind.ALARM_SMOKE),
}
ALARM_SHARE = 0.05  # devices that alarm in a run
BURST_SHARE = 0.4  # alarms pressed again twice within a minute
BURST_SIZE = 3
LOW_BATTERY_SHARE = 0.04
SILENT_SHARE = 0.02


@dataclass(frozen=True)
class SimDevice:
    serial: str
    kind: str


@dataclass(frozen=True)
class SimEvent:
    at: float  # seconds of the vendor's clock from the start of the run
    serial: str
    kind: str
    event_id: str
    battery: int | None = None

    def body(self, occurred_at: dt.datetime) -> bytes:
        event: dict[str, object] = {
            "event_id": self.event_id,
            "device": self.serial,
            "kind": self.kind,
            "occurred_at": occurred_at.isoformat(),
        }
        if self.battery is not None:
            event["battery"] = self.battery
        return json.dumps(event).encode()

    @property
    def is_alarm(self) -> bool:
        return self.kind.startswith("alarm_")


@dataclass(frozen=True)
class Plan:
    events: list[SimEvent]  # in the order of their time
    silent: list[str]  # serials of the devices that send nothing
    alarm_groups: int  # alarms (with their repeats) expected to open a ticket each


def simulation_devices(*, vendor: Vendor, count: int) -> list[SimDevice]:
    """The vendor's first `count` active devices (by serial)."""
    rows = Device.objects.filter(vendor=vendor, status=DeviceStatus.ACTIVE).order_by("serial")[:count]
    return [SimDevice(serial, kind) for serial, kind in rows.values_list("serial", "kind")]


def simulation_plan(
    *,
    devices: Sequence[SimDevice],
    minutes: float,
    seed: int,
    prefix: str = "sim",
    heartbeat_minutes: Mapping[str, int] | None = None,
) -> Plan:
    """What `devices` send over `minutes` (see the module's text); event ids `<prefix>-<n>`."""
    rng = random.Random(seed)  # noqa: S311 (a reproducible simulation, not a secret)
    intervals = heartbeat_minutes if heartbeat_minutes is not None else settings.DEVICE_HEARTBEAT_MINUTES
    span = minutes * 60
    shuffled = list(devices)
    rng.shuffle(shuffled)
    silent_count = max(1, round(len(devices) * SILENT_SHARE)) if len(devices) >= 10 else 0
    silent, live = shuffled[:silent_count], shuffled[silent_count:]
    drafts: list[tuple[float, str, str, int | None]] = []
    for device in live:
        period = intervals[device.kind] * 60
        at = rng.uniform(0, min(period, span))
        while at < span:
            drafts.append((at, device.serial, EventKind.HEARTBEAT, None))
            at += period
        low = rng.random() < LOW_BATTERY_SHARE
        level = rng.randint(3, settings.DEVICE_BATTERY_LOW_PERCENT) if low else rng.randint(35, 100)
        drafts.append((rng.uniform(0, span), device.serial, EventKind.BATTERY, level))
    alarming = [device for device in live if device.kind in ALARMS_OF_KIND]
    count = min(len(alarming), max(1, round(len(live) * ALARM_SHARE))) if alarming else 0
    for number, device in enumerate(rng.sample(alarming, count)):
        kind = rng.choice(ALARMS_OF_KIND[device.kind])
        at = rng.uniform(0, max(span - 60, 0))
        drafts.append((at, device.serial, kind, None))
        if number == 0 or rng.random() < BURST_SHARE:
            for _repeat in range(BURST_SIZE - 1):
                at += rng.uniform(5, 25)
                drafts.append((at, device.serial, kind, None))
    drafts.sort(key=lambda draft: draft[0])
    events = [
        SimEvent(at, serial, kind, f"{prefix}-{number:06d}", battery)
        for number, (at, serial, kind, battery) in enumerate(drafts, start=1)
    ]
    return Plan(events, sorted(device.serial for device in silent), count)


def simulation_outcomes(*, vendor: Vendor, event_ids: Sequence[str]) -> dict[str, int]:
    """How many of these events were stored, by outcome (opened, joined, recorded)."""
    counts: dict[str, int] = {}
    stored = DeviceEvent.objects.filter(vendor=vendor, event_id__in=list(event_ids))
    for outcome in stored.values_list("outcome", flat=True):
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def signed_headers(*, vendor_code: str, secret: str, body: bytes, timestamp: str, nonce: str) -> dict[str, str]:
    """The webhook request's headers, as api/devices_webhook.py reads them."""
    return {
        "Content-Type": "application/json",
        "X-Qiaomen-Vendor": vendor_code,
        "X-Qiaomen-Timestamp": timestamp,
        "X-Qiaomen-Nonce": nonce,
        "X-Qiaomen-Signature": webhook_signature(secret, timestamp, nonce, body),
    }


def signed_envelope(*, secret: str, body: bytes, timestamp: str, nonce: str) -> bytes:
    """The MQTT message, as devices.mqtt_ingest reads it."""
    signature = webhook_signature(secret, timestamp, nonce, body)
    return json.dumps({"timestamp": timestamp, "nonce": nonce, "signature": signature, "body": body.decode()}).encode()


def fresh_nonce() -> str:
    return secrets.token_hex(12)


class Unreachable(Exception):
    """The webhook's server or the broker does not answer."""


@dataclass(frozen=True)
class Answer:
    status: int
    outcome: str  # opened, joined, recorded, duplicate, or refused
    code: str  # the refusal's code ("" when taken)


class WebhookSender:
    """POSTs signed events to the vendor webhook (urllib: one connection per request)."""

    def __init__(self, url: str, *, vendor_code: str, secret: str, timeout: float = 30) -> None:
        self.url, self.vendor_code, self.secret, self.timeout = url, vendor_code, secret, timeout

    def headers(self, body: bytes, *, timestamp: str, nonce: str, secret: str | None = None) -> dict[str, str]:
        key = self.secret if secret is None else secret
        return signed_headers(vendor_code=self.vendor_code, secret=key, body=body, timestamp=timestamp, nonce=nonce)

    def post(self, body: bytes, headers: Mapping[str, str]) -> Answer:
        request = urllib.request.Request(self.url, data=body, headers=dict(headers), method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                status, text = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read()
        except (urllib.error.URLError, OSError) as error:
            raise Unreachable(f"{self.url} does not answer: {error}") from error
        try:
            answer = json.loads(text)
        except ValueError:
            answer = {}
        if status in (200, 201) and isinstance(answer, dict):
            return Answer(status, "duplicate" if answer.get("duplicate") else str(answer.get("outcome")), "")
        code = str(answer.get("code", "")) if isinstance(answer, dict) else ""
        return Answer(status, "refused", code)

    def send(self, body: bytes, *, timestamp: str, nonce: str) -> Answer:
        return self.post(body, self.headers(body, timestamp=timestamp, nonce=nonce))


class MqttSender:
    """Publishes signed envelopes to `qiaomen/devices/<vendor code>/events` with QoS 1; each
    publish waits for the broker's acknowledgement."""

    def __init__(self, url: str, *, vendor_code: str, secret: str, timeout: float = 10) -> None:
        self.broker = broker_from_url(url)
        self.topic = f"qiaomen/devices/{vendor_code}/events"
        self.secret, self.timeout = secret, timeout
        self.client = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2)
        if self.broker.username:
            self.client.username_pw_set(self.broker.username, self.broker.password or None)
        if self.broker.tls:
            self.client.tls_set()

    def __enter__(self) -> MqttSender:
        try:
            self.client.connect(self.broker.host, self.broker.port, keepalive=30)
        except OSError as error:
            raise Unreachable(f"the broker {self.broker.host}:{self.broker.port} does not answer: {error}") from error
        self.client.loop_start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def envelope(self, body: bytes, *, timestamp: str, nonce: str, secret: str | None = None) -> bytes:
        key = self.secret if secret is None else secret
        return signed_envelope(secret=key, body=body, timestamp=timestamp, nonce=nonce)

    def publish(self, payload: bytes) -> None:
        info = self.client.publish(self.topic, payload, qos=QOS)
        try:
            info.wait_for_publish(timeout=self.timeout)
        except RuntimeError as error:  # not connected any more
            raise Unreachable(f"the broker {self.broker.host}:{self.broker.port} went away: {error}") from error
        if not info.is_published():
            raise Unreachable(f"the broker {self.broker.host}:{self.broker.port} did not take the message")

    def send(self, body: bytes, *, timestamp: str, nonce: str) -> None:
        self.publish(self.envelope(body, timestamp=timestamp, nonce=nonce))
