"""python manage.py device_simulate --devices 200 --minutes 10 [--webhook URL | --mqtt URL]
[--vendor CODE] [--speed X] [--seed N]: a vendor's platform sending what its devices report
(devices.simulation): heartbeats, battery reports, alarms with bursts of repeats, a few devices
gone silent; every event signed with the vendor's secret, as the vendor would.

By default to the webhook of `make run` (http://127.0.0.1:8000/devices/v1/events). `--speed`
compresses the vendor's clock: 1 is real time, 60 sends ten minutes in ten seconds. Prints what
was sent by kind, the answers (opened, joined, recorded, duplicate, refused) and the tickets
opened. Over MQTT nothing answers: the outcomes are read from the database once the consumer
(`device_mqtt_consume`) has stored the events, or after --wait seconds.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from qiaomen.devices.models.devices import Vendor
from qiaomen.devices.mqtt import broker_from_url
from qiaomen.devices.simulation import (
    MqttSender,
    Plan,
    SimEvent,
    Unreachable,
    WebhookSender,
    fresh_nonce,
    simulation_devices,
    simulation_outcomes,
    simulation_plan,
)

DEFAULT_WEBHOOK = "http://127.0.0.1:8000/devices/v1/events"
OUTCOMES = ("opened", "joined", "recorded", "duplicate", "refused")


class Command(BaseCommand):
    help = "Sends signed device events as a vendor's platform would: heartbeats, battery reports, alarms."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--devices", type=int, default=200, help="how many of the vendor's active devices")
        parser.add_argument("--minutes", type=float, default=10, help="minutes of the vendor's clock")
        transport = parser.add_mutually_exclusive_group()
        transport.add_argument("--webhook", default="", help=f"the webhook's URL (default {DEFAULT_WEBHOOK})")
        transport.add_argument("--mqtt", default="", help="the broker, e.g. mqtt://127.0.0.1:1883")
        parser.add_argument("--vendor", default="", help="the vendor's code (default: the only active vendor)")
        parser.add_argument("--speed", type=float, default=1, help="1 = real time, 60 = ten minutes in ten seconds")
        parser.add_argument("--seed", type=int, default=1, help="the same seed sends the same stream")
        parser.add_argument("--wait", type=float, default=30, help="MQTT: seconds to wait for the consumer")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["devices"] < 1 or options["minutes"] <= 0 or options["speed"] <= 0:
            raise CommandError("--devices, --minutes and --speed must be above zero.")
        vendor = _vendor(options["vendor"])
        devices = simulation_devices(vendor=vendor, count=options["devices"])
        if not devices:
            raise CommandError(f"The vendor {vendor.code} has no active devices: register some first.")
        if len(devices) < options["devices"]:
            self.stdout.write(f"only {len(devices)} active devices of {vendor.code}: simulating those")
        prefix = f"sim{options['seed']}-{int(time.time())}"
        plan = simulation_plan(devices=devices, minutes=options["minutes"], seed=options["seed"], prefix=prefix)
        started = timezone.now()
        if options["mqtt"]:
            answers = self._over_mqtt(plan, vendor, options)
        else:
            answers = self._over_webhook(plan, vendor, options["webhook"] or DEFAULT_WEBHOOK, options["speed"])
        self._summary(plan, answers, timezone.now() - started)

    def _over_webhook(self, plan: Plan, vendor: Vendor, url: str, speed: float) -> Counter[str]:
        sender = WebhookSender(url, vendor_code=vendor.code, secret=vendor.secret)
        answers: Counter[str] = Counter()
        self.stdout.write(f"sending {len(plan.events)} events of {vendor.code} to {url}")
        try:
            for event, occurred_at in _paced(plan, speed):
                answer = sender.send(event.body(occurred_at), timestamp=_stamp(occurred_at), nonce=fresh_nonce())
                answers[answer.outcome] += 1
                if answer.code:
                    answers[f"refused: {answer.code}"] += 1
        except Unreachable as error:
            raise CommandError(f"{error}. Is the server running (make run)?") from error
        return answers

    def _over_mqtt(self, plan: Plan, vendor: Vendor, options: dict[str, Any]) -> Counter[str]:
        try:
            sender = MqttSender(options["mqtt"], vendor_code=vendor.code, secret=vendor.secret)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"publishing {len(plan.events)} events of {vendor.code} to {sender.topic}")
        try:
            with sender:
                for event, occurred_at in _paced(plan, options["speed"]):
                    sender.send(event.body(occurred_at), timestamp=_stamp(occurred_at), nonce=fresh_nonce())
        except Unreachable as error:
            raise CommandError(f"{error}. Is Mosquitto running?") from error
        ids = [event.event_id for event in plan.events]
        deadline = time.monotonic() + options["wait"]
        stored = simulation_outcomes(vendor=vendor, event_ids=ids)
        while sum(stored.values()) < len(ids) and time.monotonic() < deadline:
            time.sleep(0.2)
            stored = simulation_outcomes(vendor=vendor, event_ids=ids)
        answers: Counter[str] = Counter(stored)
        missing = len(ids) - sum(stored.values())
        if missing:
            broker = broker_from_url(options["mqtt"])
            self.stdout.write(
                f"{missing} events not stored after {options['wait']:.0f} s: refused, or the consumer "
                f"(manage.py device_mqtt_consume --url mqtt://{broker.host}:{broker.port}) is not running"
            )
            answers["refused"] += missing
        return answers

    def _summary(self, plan: Plan, answers: Counter[str], spent: dt.timedelta) -> None:
        sent = Counter(event.kind for event in plan.events)
        self.stdout.write(f"sent {len(plan.events)} events in {spent.total_seconds():.1f} s:")
        for kind, count in sorted(sent.items()):
            self.stdout.write(f"  {kind:<12} {count}")
        self.stdout.write("answers: " + ", ".join(f"{outcome} {answers[outcome]}" for outcome in OUTCOMES))
        for reason in sorted(key for key in answers if key.startswith("refused: ")):
            self.stdout.write(f"  {reason} × {answers[reason]}")
        self.stdout.write(
            f"tickets opened: {answers['opened']} (P1 for alarms, P3 for low batteries; "
            f"{plan.alarm_groups} alarm groups sent)"
        )
        if plan.silent:
            self.stdout.write(
                f"silent: {len(plan.silent)} devices sent nothing ({', '.join(plan.silent)}); they turn offline "
                "once their kind's heartbeat interval has passed"
            )


def _vendor(code: str) -> Vendor:
    if code:
        vendor = Vendor.objects.filter(code=code).first()
        if vendor is None:
            raise CommandError(f"No vendor with the code {code!r} (manage.py device_vendor add --code …).")
        if not vendor.active:
            raise CommandError(f"The vendor {code!r} is disabled.")
        return vendor
    active = list(Vendor.objects.filter(active=True)[:2])
    if len(active) != 1:
        raise CommandError("Name the vendor with --vendor CODE." if active else "No active vendor: add one first.")
    return active[0]


def _paced(plan: Plan, speed: float) -> Iterator[tuple[SimEvent, dt.datetime]]:
    """Each event with the real time it goes out, once the vendor's clock (run `speed` times
    faster than ours) has reached it."""
    start = time.monotonic()
    for event in plan.events:
        delay = start + event.at / speed - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        yield event, timezone.now()


def _stamp(moment: dt.datetime) -> str:
    return str(int(moment.timestamp()))
