"""python manage.py device_mqtt_consume [--url mqtt://host:1883]: take device events from the
broker (topic qiaomen/devices/<vendor>/events, QoS 1) until stopped. `make run` starts it, and
restarts it, when MQTT_URL is set; without a broker everything else runs and the webhook works."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from qiaomen.devices.mqtt import CLIENT_ID, DeviceEventConsumer
from qiaomen.devices.mqtt_ingest import mqtt_event_handle


class Command(BaseCommand):
    help = "Consumes signed device events from the MQTT broker at MQTT_URL (or --url) until stopped."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--url", default="", help="the broker, e.g. mqtt://127.0.0.1:1883 (default: MQTT_URL)")
        parser.add_argument(
            "--client-id", default=CLIENT_ID, help="the persistent session's name at the broker (one per installation)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        url = options["url"] or settings.MQTT_URL
        if not url:
            raise CommandError("No broker: set MQTT_URL (e.g. mqtt://127.0.0.1:1883) or pass --url.")
        try:
            consumer = DeviceEventConsumer(url, handle=mqtt_event_handle, client_id=options["client_id"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"device events: consuming {consumer.topic} at {consumer.broker.host}:{consumer.broker.port}")
        consumer.run()
