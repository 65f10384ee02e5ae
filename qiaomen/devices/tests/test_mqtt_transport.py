"""The MQTT consumer against a real broker (Mosquitto on 127.0.0.1:1883): messages sent while
it is down arrive when it starts, and a message whose handler failed is delivered again to the
next run, in order, nothing lost. The ingest itself is tested with the webhook; here the handler
records what it was given."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable

import pytest

from qiaomen.devices.mqtt import Broker, DeviceEventConsumer, broker_from_url, vendor_of
from qiaomen.devices.tests.mqtt_helpers import URL, broker, publish, until

__all__ = ["broker"]


def _consumer(client_id: str, topic: str, handle: Callable[[str, bytes], object]) -> DeviceEventConsumer:
    consumer = DeviceEventConsumer(URL, handle=handle, client_id=client_id, topic=topic)
    consumer.start()
    # A resumed session gets its waiting messages at once, maybe before the answer to its
    # subscription: a handler may already have failed by then.
    until(lambda: consumer.subscribed.is_set() or consumer.failure is not None)
    return consumer


def test_the_broker_url_and_the_topic_are_read() -> None:
    assert broker_from_url("mqtt://127.0.0.1") == Broker("127.0.0.1", 1883, "", "", tls=False)
    assert broker_from_url("mqtts://gw:s%40cret@broker.example:8884") == Broker(
        "broker.example", 8884, "gw", "s@cret", tls=True
    )
    with pytest.raises(ValueError):
        broker_from_url("http://127.0.0.1:1883")
    assert vendor_of("qiaomen/devices/acme/events") == "acme"
    assert vendor_of("qiaomen/devices//events") is None
    assert vendor_of("qiaomen/devices/acme/commands") is None


def test_a_failed_message_comes_again_to_the_next_run_and_nothing_is_lost(broker: str) -> None:
    vendor = f"v{secrets.token_hex(4)}"
    topic = f"qiaomen/devices/{vendor}/events"
    client_id = f"qiaomen-test-{vendor}"
    handled: list[bytes] = []

    def record(code: str, payload: bytes) -> None:
        assert code == vendor
        handled.append(payload)

    # The first run makes the persistent session; what is published while no consumer runs waits.
    _consumer(client_id, topic, record).stop()
    messages = [f"event-{n}".encode() for n in range(6)]
    publish(topic, messages)

    def fail_on_third(code: str, payload: bytes) -> None:
        if payload == messages[2]:
            raise ConnectionError("the database went away")
        record(code, payload)

    second = _consumer(client_id, topic, fail_on_third)
    until(lambda: second.failure is not None)
    second.stop()
    assert handled == messages[:2]

    third = _consumer(client_id, topic, record)
    try:
        until(lambda: len(handled) >= len(messages))
        time.sleep(0.5)  # anything doubled would arrive now
    finally:
        third.stop()
    # At least once, in order: every message, the failed one included, handled after the
    # restart. QoS 1 may deliver a message twice (an acknowledgement still on its way when the
    # first run stopped): the ingest service makes that harmless by the vendor's event id.
    assert list(dict.fromkeys(handled)) == messages
    assert handled.count(messages[2]) == 1
