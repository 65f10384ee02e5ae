"""What the MQTT consumer (devices.mqtt) does with one message: the vendor's signed envelope,
checked as the webhook checks its request, then the same ingest service.

A message on `qiaomen/devices/<vendor code>/events` is a JSON object

    {"timestamp": "<Unix seconds>", "nonce": "<8 to 64 characters>",
     "signature": "<hex HMAC-SHA256>", "body": "<the event, as JSON text>"}

signed exactly as a webhook request (devices.signatures): the signature covers timestamp, nonce
and the body's bytes, so the broker need not be trusted with the event's content. The nonce
refuses a replay; the timestamp may be up to DEVICE_MQTT_MAX_AGE_SECONDS old, because the broker
keeps messages while the consumer is down and they must not be lost.

The nonce, the event and what it opens are written in one transaction: a failure in between
(the database went away) leaves nothing, the consumer stops without acknowledging, and the
broker's second delivery is taken as the first. Refusals (a bad envelope or signature, an
unknown device) are logged and the refusal of a signature audited; they return None so that the
consumer acknowledges them: delivered again, they would be refused again. The broker's second
delivery of a message already stored (its acknowledgement was lost with a killed consumer) is
refused by its nonce, logged as a replay: nothing is doubled.
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.db import transaction

from qiaomen.core.errors import InvalidInput
from qiaomen.devices.events import IngestResult, device_event_ingest
from qiaomen.devices.models.devices import EventVia
from qiaomen.devices.signatures import Unauthenticated, webhook_verify

logger = logging.getLogger(__name__)

ENVELOPE_FIELDS = ("timestamp", "nonce", "signature", "body")


def _envelope(payload: bytes) -> dict[str, str] | None:
    try:
        envelope = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(envelope, dict) or not all(isinstance(envelope.get(key), str) for key in ENVELOPE_FIELDS):
        return None
    return {key: envelope[key] for key in ENVELOPE_FIELDS}


def mqtt_event_handle(vendor_code: str, payload: bytes) -> IngestResult | None:
    """Store one MQTT message's event; None for a message refused for good (see the module)."""
    envelope = _envelope(payload)
    if envelope is None:
        logger.warning("device event from %s refused: not a signed envelope", vendor_code[:32])
        return None
    body = envelope["body"].encode()
    with transaction.atomic():
        try:
            vendor = webhook_verify(
                vendor_code=vendor_code,
                timestamp=envelope["timestamp"],
                nonce=envelope["nonce"],
                signature=envelope["signature"],
                body=body,
                max_age_seconds=settings.DEVICE_MQTT_MAX_AGE_SECONDS,
            )
        except Unauthenticated as refusal:
            # Caught inside the transaction: the refusal's audit row is kept.
            logger.warning("device event from %s refused: %s", vendor_code[:32], refusal.code)
            return None
        try:
            event = json.loads(body)
        except ValueError:
            logger.warning("device event from %s refused: its body is not JSON", vendor.code)
            return None
        try:
            return device_event_ingest(vendor=vendor, event=event, via=EventVia.MQTT)
        except InvalidInput as refusal:
            logger.warning("device event from %s refused: %s", vendor.code, refusal.code)
            return None
