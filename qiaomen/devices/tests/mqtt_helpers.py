"""A real MQTT broker for the consumer's tests (Mosquitto on 127.0.0.1:1883, which .ci/run
starts): the fixture that requires it, a publisher, and a wait."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable

import paho.mqtt.client as mqtt
import pytest

URL = "mqtt://127.0.0.1:1883"


def _broker_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 1883), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture
def broker() -> str:
    if not _broker_answers():
        if os.environ.get("CI"):
            pytest.fail("Mosquitto does not answer on 127.0.0.1:1883; .ci/run starts it")
        pytest.skip("no MQTT broker on 127.0.0.1:1883 (apt-get install mosquitto)")
    return URL


def publish(topic: str, payloads: list[bytes]) -> None:
    publisher = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2)
    publisher.connect("127.0.0.1", 1883)
    publisher.loop_start()
    try:
        for payload in payloads:
            publisher.publish(topic, payload, qos=1).wait_for_publish(timeout=10)
    finally:
        publisher.disconnect()
        publisher.loop_stop()


def until(condition: Callable[[], bool], seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the broker"
        time.sleep(0.05)
