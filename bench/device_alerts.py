"""Benchmark: 10,000 signed device events through the webhook (gunicorn) and through MQTT (the
`device_mqtt_consume` consumer on the local Mosquitto), and what came of them.

    .venv/bin/python bench/device_alerts.py [--events 10000] [--devices 400] [--clients 8]
        [--workers 3] [--port 8078] [--mqtt mqtt://127.0.0.1:1883] [--window 8] [--workdir DIR]

Seeds a demo street into a throwaway SQLite database, registers --devices devices (half for each
transport, each transport with a vendor of its own), then sends half the events by each path:
heartbeats; alarms, one group on each of as many devices that can alarm as 4 % of the events
(with the defaults all 150 wristbands, buttons and gas sensors of a transport), 40 % of the groups
bursts of three;
5 % replays (half the same request again with the same nonce: must be refused; half the same
event id with a fresh nonce: answered as a duplicate, stored once); 2 % signed with a wrong
secret (must be refused). Each event carries its send time in `occurred_at`.

Webhook: gunicorn as `make run` starts it, --clients threads, each with its own devices (so a
device's events go in order, replays after their original). MQTT: one publisher with QoS 1 that
lets at most --window messages wait for the consumer, run as a process of its own (8, as many as
the webhook's clients: both transports are measured at the same concurrency).

Prints events/s per transport; p50 and p95 from an alarm's send time to its stored ticket (the
ticket's creation for an alarm that opened one, the event's storage for a repeat that joined it),
both on this machine's clock, beside the ceiling p95 < 1 s; and the counts against what was
sent: alarms lost, duplicate tickets, bad signatures refused, replays refused. Exits 1 when a
count is wrong.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import secrets
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from common import HOST, ROOT, bench_environment, bench_folder, django_setup, gunicorn_start, percentile, threads_run
from common import seeded_workdir as street_seed

CEILING_MS = 1000.0
HOUSEHOLDS = 1500
ALARM_GROUP_SHARE = 0.04  # of the genuine events, alarm groups (one device each)
BURST_SHARE = 0.4
REPLAY_SHARE = 0.05
BAD_SHARE = 0.02
WRONG_SECRET = secrets.token_urlsafe(32)  # not the vendor's


@dataclass(frozen=True)
class Item:
    role: str  # genuine, replay_nonce (same request again), replay_event (same id, fresh nonce), bad
    serial: str
    kind: str
    event_id: str
    client: int


@dataclass
class Transport:
    name: str
    vendor_code: str
    items: list[Item]
    seconds: float = 0.0
    answers: Counter[tuple[str, str]] = field(default_factory=Counter)  # (role, outcome or code)
    client_ms: list[float] = field(default_factory=list)  # webhook: alarm send → answer
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, role: str) -> int:
        return sum(1 for item in self.items if item.role == role)


def devices_register(count: int) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Two vendors (webhook, MQTT) with count/2 devices each on the street's households, each
    answered by a grid worker of its grid: the (serial, kind) of each vendor's devices."""
    from qiaomen.accounts.roles import Role
    from qiaomen.devices.models.devices import Device, DeviceKind
    from qiaomen.devices.vendors import vendor_create
    from qiaomen.places.models import Grid
    from qiaomen.registry.models import Household
    from qiaomen.testing import make_user

    workers = {
        grid.pk: make_user(f"bench_device_{grid.pk}", Role.GRID_WORKER, places=(grid,))
        for grid in Grid.objects.order_by("pk")
    }
    households = list(Household.objects.select_related("building").order_by("pk")[:count])
    kinds = [DeviceKind.WRISTBAND, DeviceKind.SOS_BUTTON, DeviceKind.GAS_SENSOR, DeviceKind.DOOR_SENSOR]
    result: list[list[tuple[str, str]]] = []
    for code in ("bench-hook", "bench-mqtt"):
        vendor, _secret = vendor_create(name=f"bench {code}", code=code)
        devices = []
        for number in range(count // 2):
            household = households[(number * 2 + len(result)) % len(households)]
            devices.append(
                Device(
                    vendor=vendor,
                    serial=f"{code}-{number:04d}",
                    kind=kinds[number % len(kinds)],
                    household=household,
                    grid_worker=workers[household.building.grid_id],
                )
            )
        Device.objects.bulk_create(devices)
        result.append([(device.serial, device.kind) for device in devices])
    return result[0], result[1]


def items_plan(devices: list[tuple[str, str]], total: int, clients: int, rng: random.Random, prefix: str) -> list[Item]:
    """`total` sends over these devices (see the module's text), in sending order."""
    client_of = {serial: number % clients for number, (serial, _kind) in enumerate(devices)}
    replays, bad = round(total * REPLAY_SHARE), round(total * BAD_SHARE)
    genuine = total - replays - bad
    alarming = [device for device in devices if device[1] != "door_sensor"]
    alarms_of = {"wristband": ("alarm_fall", "alarm_sos"), "sos_button": ("alarm_sos",), "gas_sensor": ("alarm_gas",)}
    groups: list[list[tuple[str, str]]] = []
    for serial, kind in rng.sample(alarming, min(len(alarming), round(genuine * ALARM_GROUP_SHARE))):
        alarm = rng.choice(alarms_of[kind])
        groups.append([(serial, alarm)] * (3 if rng.random() < BURST_SHARE else 1))
    alarm_count = sum(len(group) for group in groups)
    sends = [(rng.choice(devices)[0], "heartbeat") for _ in range(genuine - alarm_count)]
    for group in groups:  # a burst's repeats a few sends apart: the same device, within seconds
        at = rng.randrange(len(sends) + 1)
        for offset, send in enumerate(group):
            sends.insert(min(at + offset * rng.randint(1, 20), len(sends)), send)
    replayed = set(rng.sample(range(len(sends)), replays))
    items = []
    for number, (serial, kind) in enumerate(sends):
        items.append(Item("genuine", serial, kind, f"{prefix}-{number:05d}", client_of[serial]))
        if number in replayed:  # right after its original, by the same client
            role = "replay_nonce" if len(replayed) % 2 else "replay_event"
            replayed.discard(number)
            items.append(Item(role, serial, kind, f"{prefix}-{number:05d}", client_of[serial]))
    for number in range(bad):
        serial = rng.choice(devices)[0]
        kind = "alarm_sos" if number % 2 else "heartbeat"
        items.insert(
            rng.randrange(len(items)), Item("bad", serial, kind, f"{prefix}-bad-{number:04d}", client_of[serial])
        )
    return items


class Signer:
    """Signs each item as the vendor would, remembering what was sent for the replays."""

    def __init__(self, vendor_code: str, secret: str) -> None:
        from qiaomen.devices.simulation import SimEvent, fresh_nonce

        self.vendor_code, self.secret = vendor_code, secret
        self.event, self.nonce = SimEvent, fresh_nonce
        self.sent: dict[str, tuple[bytes, str, str]] = {}  # event id → body, timestamp, nonce

    def sign(self, item: Item) -> tuple[bytes, str, str, str]:
        """(body, timestamp, nonce, secret) for this send."""
        now = dt.datetime.now(dt.UTC)
        stamp = str(int(now.timestamp()))
        if item.role == "replay_nonce":
            return (*self.sent[item.event_id], self.secret)
        if item.role == "replay_event":
            return self.sent[item.event_id][0], stamp, self.nonce(), self.secret
        body = self.event(0, item.serial, item.kind, item.event_id).body(now)
        if item.role == "bad":
            return body, stamp, self.nonce(), WRONG_SECRET
        nonce = self.nonce()
        self.sent[item.event_id] = (body, stamp, nonce)
        return body, stamp, nonce, self.secret


def webhook_run(transport: Transport, port: int, clients: int, secret: str) -> None:
    from qiaomen.devices.simulation import WebhookSender

    url = f"http://{HOST}:{port}/devices/v1/events"

    def client(index: int) -> None:
        sender = WebhookSender(url, vendor_code=transport.vendor_code, secret=secret)
        signer = Signer(transport.vendor_code, secret)
        for item in transport.items:
            if item.client != index:
                continue
            body, stamp, nonce, key = signer.sign(item)
            started = time.perf_counter()
            answer = sender.post(body, sender.headers(body, timestamp=stamp, nonce=nonce, secret=key))
            spent = (time.perf_counter() - started) * 1000
            with transport.lock:
                transport.answers[(item.role, answer.code or answer.outcome)] += 1
                if item.role == "genuine" and item.kind.startswith("alarm_"):
                    transport.client_ms.append(spent)

    transport.seconds = threads_run(clients, client)


def mqtt_run(transport: Transport, url: str, secret: str, window: int, vendor_pk: int) -> None:
    """Publish everything, at most `window` messages ahead of what the consumer has handled
    (an accepted message spends a nonce; a refused one leaves an audit row)."""
    from qiaomen.core.models import AuditEntry
    from qiaomen.devices.models.devices import SeenNonce
    from qiaomen.devices.simulation import MqttSender

    def handled() -> int:
        refused = AuditEntry.objects.filter(action="device.webhook_refused", object_id=str(vendor_pk))
        return SeenNonce.objects.filter(vendor_id=vendor_pk).count() + refused.count()

    signer = Signer(transport.vendor_code, secret)
    deadline = time.monotonic() + 600
    started = time.perf_counter()
    with MqttSender(url, vendor_code=transport.vendor_code, secret=secret) as sender:
        for number, item in enumerate(transport.items, start=1):
            body, stamp, nonce, key = signer.sign(item)
            sender.publish(sender.envelope(body, timestamp=stamp, nonce=nonce, secret=key))
            while handled() < number - window or (number == len(transport.items) and handled() < number):
                if time.monotonic() > deadline:
                    raise SystemExit(f"the consumer handled {handled()} of {number} messages in 10 minutes")
                time.sleep(0.01)
    transport.seconds = time.perf_counter() - started


def consumer_start(workdir: Path, url: str) -> tuple[subprocess.Popen[bytes], str]:
    """`manage.py device_mqtt_consume` on a persistent session of its own, made (and subscribed)
    first so that nothing published before the process subscribes is lost."""
    from qiaomen.devices.mqtt import DeviceEventConsumer
    from qiaomen.devices.mqtt_ingest import mqtt_event_handle

    client_id = f"qiaomen-bench-{secrets.token_hex(4)}"
    session = DeviceEventConsumer(url, handle=mqtt_event_handle, client_id=client_id)
    session.start()
    if not session.subscribed.wait(15):
        raise SystemExit(f"no MQTT broker answers at {url} (apt-get install mosquitto)")
    session.stop()
    command = [sys.executable, "manage.py", "device_mqtt_consume", "--url", url, "--client-id", client_id]
    # Each refusal is logged as a warning: hundreds of lines here, counted from the audit rows instead.
    environment = {**bench_environment(workdir), "LOG_LEVEL": "ERROR"}
    return subprocess.Popen(command, cwd=ROOT, env=environment), client_id


def session_drop(url: str, client_id: str) -> None:
    """Forget the consumer's persistent session at the broker (a clean connection under its id)."""
    import paho.mqtt.client as mqtt

    from qiaomen.devices.mqtt import broker_from_url

    broker = broker_from_url(url)
    client = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=True)
    client.connect(broker.host, broker.port)
    client.disconnect()


def latencies_ms(vendor_code: str) -> list[float]:
    """Send time → stored ticket of every stored alarm of the vendor, sorted."""
    from qiaomen.devices.models.devices import ALARM_KINDS, DeviceEvent

    rows = DeviceEvent.objects.filter(vendor__code=vendor_code, kind__in=ALARM_KINDS).select_related("ticket")
    spent = []
    for event in rows:
        stored = event.ticket.created_at if event.outcome == "opened" and event.ticket else event.received_at
        spent.append((stored - event.occurred_at).total_seconds() * 1000)
    return sorted(spent)


def counts_check(transport: Transport) -> list[str]:
    """Print the counts against what was sent; the wrong ones, as sentences."""
    from qiaomen.core.models import AuditEntry
    from qiaomen.devices.models.devices import ALARM_KINDS, DeviceEvent, EventOutcome, SeenNonce, Vendor

    vendor = Vendor.objects.get(code=transport.vendor_code)
    stored = DeviceEvent.objects.filter(vendor=vendor)
    genuine = {item.event_id for item in transport.items if item.role == "genuine"}
    alarms = {item.event_id for item in transport.items if item.role == "genuine" and item.kind.startswith("alarm_")}
    groups = {item.serial for item in transport.items if item.event_id in alarms}
    stored_ids = set(stored.values_list("event_id", flat=True))
    opened = Counter(
        stored.filter(kind__in=ALARM_KINDS, outcome=EventOutcome.OPENED).values_list("device__serial", flat=True)
    )
    answers = transport.answers
    if transport.name == "webhook":
        bad_refused, nonce_refused = answers[("bad", "bad_signature")], answers[("replay_nonce", "replayed_nonce")]
        duplicates = answers[("replay_event", "duplicate")]
        taken = ("opened", "joined", "recorded")
        genuine_refused = sum(n for (role, key), n in answers.items() if role == "genuine" and key not in taken)
    else:  # nothing answers: the refusals' audit rows, and the nonces spent without a new event
        audits = AuditEntry.objects.filter(action="device.webhook_refused", object_id=str(vendor.pk))
        refused = Counter(audits.values_list("detail__code", flat=True))
        bad_refused, nonce_refused = refused["bad_signature"], refused["replayed_nonce"]
        duplicates = SeenNonce.objects.filter(vendor=vendor).count() - len(stored_ids)
        genuine_refused = len(genuine - stored_ids)
    tickets = sum(opened.values())
    print(f"    {len(alarms)} alarms sent in {len(groups)} groups (one device each): {tickets} P1 tickets opened")
    figures = [
        ("alarms lost", len(alarms - stored_ids), 0),
        ("events lost (heartbeats too)", len(genuine - stored_ids), 0),
        ("genuine events refused", genuine_refused, 0),
        ("duplicate tickets", sum(count - 1 for count in opened.values() if count > 1), 0),
        ("alarm groups without a ticket", len(groups - set(opened)), 0),
        ("bad signatures refused", bad_refused, transport.count("bad")),
        ("bad events stored", sum(1 for i in transport.items if i.role == "bad" and i.event_id in stored_ids), 0),
        ("replays (same nonce) refused", nonce_refused, transport.count("replay_nonce")),
        ("replays (same event id) taken as duplicates", duplicates, transport.count("replay_event")),
        ("events stored", len(stored_ids), len(genuine)),
    ]
    wrong = []
    for label, value, expected in figures:
        flag = "" if value == expected else f"  WRONG: expected {expected}"
        print(f"    {label:<48} {value:6d}{flag}")
        if flag:
            wrong.append(f"{transport.name}: {label} {value}, expected {expected}")
    return wrong


def report(transport: Transport) -> list[str]:
    spent = latencies_ms(transport.vendor_code)
    print(
        f"  {transport.name}: {len(transport.items):,} events in {transport.seconds:.1f} s, "
        f"{len(transport.items) / transport.seconds:.0f} events/s"
    )
    if spent:
        p50, p95 = percentile(spent, 0.5), percentile(spent, 0.95)
        flag = "" if p95 < CEILING_MS else "  (over the ceiling)"
        print(
            f"    alarm → ticket (stored)  p50 {p50:6.0f} ms  p95 {p95:6.0f} ms  (ceiling p95 < 1000 ms, "
            f"n={len(spent)}){flag}"
        )
    if transport.client_ms:
        answers = sorted(transport.client_ms)
        p50, p95 = percentile(answers, 0.5), percentile(answers, 0.95)
        print(f"    alarm → answer (client)  p50 {p50:6.0f} ms  p95 {p95:6.0f} ms")
    return counts_check(transport)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10_000, help="in all, half by each transport")
    parser.add_argument("--devices", type=int, default=400, help="in all, half for each transport")
    parser.add_argument("--clients", type=int, default=8, help="webhook: concurrent senders")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (make run's default)")
    parser.add_argument("--port", type=int, default=8078)
    parser.add_argument("--mqtt", default="mqtt://127.0.0.1:1883", help="the local Mosquitto")
    parser.add_argument("--window", type=int, default=8, help="MQTT: messages published ahead of the consumer")
    parser.add_argument("--workdir", type=Path, help="keep the database here (default: a temporary folder)")
    options = parser.parse_args()
    with bench_folder(options.workdir, name="device-alerts") as workdir:
        street_seed(workdir, households=HOUSEHOLDS)
        (workdir / "var" / "static").mkdir(parents=True, exist_ok=True)
        django_setup(workdir)
        from django.db import connection

        from qiaomen.devices.models.devices import Vendor

        hook_devices, mqtt_devices = devices_register(options.devices)
        rng = random.Random(1)
        half = options.events // 2
        hook = Transport("webhook", "bench-hook", items_plan(hook_devices, half, options.clients, rng, "hook"))
        over_mqtt = Transport("MQTT", "bench-mqtt", items_plan(mqtt_devices, options.events - half, 1, rng, "mqtt"))
        secrets_of = {vendor.code: vendor.secret for vendor in Vendor.objects.all()}
        mqtt_vendor = Vendor.objects.get(code="bench-mqtt").pk
        connection.close()
        print(
            f"{options.devices} devices, {options.events:,} events; webhook: gunicorn with {options.workers} "
            f"workers, {options.clients} clients; MQTT: {options.mqtt}, window {options.window}"
        )
        server = gunicorn_start(workdir, options.port, options.workers)
        try:
            webhook_run(hook, options.port, options.clients, secrets_of["bench-hook"])
        finally:
            server.terminate()
            server.wait(timeout=30)
        consumer, client_id = consumer_start(workdir, options.mqtt)
        try:
            mqtt_run(over_mqtt, options.mqtt, secrets_of["bench-mqtt"], options.window, mqtt_vendor)
        finally:
            consumer.terminate()
            consumer.wait(timeout=30)
            session_drop(options.mqtt, client_id)
        wrong = report(hook) + report(over_mqtt)
    if wrong:
        print("load average at the end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        print("counts wrong:\n  " + "\n  ".join(wrong))
        sys.exit(1)
    print("every count as expected")
    print("load average at the end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
