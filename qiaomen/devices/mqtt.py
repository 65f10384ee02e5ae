"""The MQTT transport of device events (R-DEV-1): vendors' gateways publish each event to
`qiaomen/devices/<vendor code>/events` on a broker (Debian's Mosquitto here) with QoS 1, and this
consumer hands every message to the same ingest service as the signed webhook.

Nothing is lost and nothing is doubled:
- The session is persistent (a fixed client id, clean_session off), so the broker keeps what
  arrives while the consumer is down and sends it on reconnect.
- A message is acknowledged (PUBACK, paho's manual_ack) only after its handler returned, that is
  after the ingest transaction committed; a consumer killed in between gets it again.
- A message delivered twice is harmless: the ingest service is idempotent on the vendor's event id.
- A message the handler refuses for good (a bad signature, malformed JSON) is acknowledged too,
  after the handler logged it: redelivered, it would be refused again forever.
- Anything else the handler raises (the database is down) stops the consumer without
  acknowledging, so that its supervisor restarts it and the broker delivers the message again.
"""

from __future__ import annotations

import logging
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import paho.mqtt.client as mqtt
from django.db import close_old_connections

logger = logging.getLogger(__name__)

TOPIC = "qiaomen/devices/+/events"
QOS = 1
CLIENT_ID = "qiaomen-devices"

# What the consumer does with one message: the vendor code from the topic, the raw payload.
Handler = Callable[[str, bytes], object]


@dataclass(frozen=True)
class Broker:
    host: str
    port: int
    username: str
    password: str
    tls: bool


def broker_from_url(url: str) -> Broker:
    """`mqtt://[user[:password]@]host[:port]` (1883), or `mqtts://…` over TLS (8883)."""
    parts = urlsplit(url)
    if parts.scheme not in ("mqtt", "mqtts") or not parts.hostname:
        raise ValueError(f"MQTT_URL must look like mqtt://host:1883, not {url!r}")
    tls = parts.scheme == "mqtts"
    return Broker(
        host=parts.hostname,
        port=parts.port or (8883 if tls else 1883),
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        tls=tls,
    )


def vendor_of(topic: str) -> str | None:
    """The vendor code in `qiaomen/devices/<vendor>/events`, or None for any other topic."""
    parts = topic.split("/")
    if len(parts) == 4 and parts[:2] == ["qiaomen", "devices"] and parts[3] == "events" and parts[2]:
        return parts[2]
    return None


class DeviceEventConsumer:
    """One subscription to TOPIC, handing each message to `handle` in arrival order."""

    def __init__(self, url: str, *, handle: Handler, client_id: str = CLIENT_ID, topic: str = TOPIC) -> None:
        self.broker = broker_from_url(url)
        self.handle = handle
        self.topic = topic
        self.failure: BaseException | None = None
        self.subscribed = threading.Event()
        self.client = mqtt.Client(
            callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
            client_id=client_id,
            clean_session=False,
            manual_ack=True,
        )
        if self.broker.username:
            self.client.username_pw_set(self.broker.username, self.broker.password or None)
        if self.broker.tls:
            self.client.tls_set_context(ssl.create_default_context())
        self.client.on_connect = self._connected
        self.client.on_subscribe = self._subscribed
        self.client.on_message = self._received

    def _connected(self, client: mqtt.Client, userdata: object, flags: object, reason: object, props: object) -> None:
        # Subscribing again on every (re)connect is harmless and covers a broker that lost the session.
        client.subscribe(self.topic, qos=QOS)

    def _subscribed(self, client: mqtt.Client, userdata: object, mid: int, reasons: object, props: object) -> None:
        self.subscribed.set()

    def _received(self, client: mqtt.Client, userdata: object, message: mqtt.MQTTMessage) -> None:
        if self.failure is not None:
            return  # stopping: whatever still arrives stays unacknowledged for the next run
        vendor = vendor_of(message.topic)
        try:
            close_old_connections()  # a long-lived process: drop a connection the database closed
            if vendor is None:
                logger.warning("device event on an unexpected topic %s ignored", message.topic)
            else:
                self.handle(vendor, bytes(message.payload))
        except Exception as error:  # any failure: stop, and the broker delivers it again
            logger.exception("device event from %s not stored; stopping for a restart", vendor)
            self.failure = error
            client.disconnect()
            return
        client.ack(message.mid, message.qos)

    def start(self) -> None:
        """Connect and consume in a background thread (tests, and `run` below)."""
        self.client.connect(self.broker.host, self.broker.port, keepalive=30)
        self.client.loop_start()

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def run(self) -> None:
        """Consume until a handler fails (then raise its error: the process exits non-zero and
        its supervisor, `make run` or systemd, starts it again)."""
        # Asynchronous: a broker that is not up yet is retried, never a crash at start.
        self.client.connect_async(self.broker.host, self.broker.port, keepalive=30)
        self.client.loop_forever(retry_first_connection=True)
        if self.failure is not None:
            raise RuntimeError("a device event could not be stored") from self.failure
