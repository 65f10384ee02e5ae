"""`POST /devices/v1/events`: the signed webhook through which vendors' platforms (or their
gateways) send device events (R-DEV-1). Its own small NinjaAPI beside the staff API, mounted at
/devices/v1/ (qiaomen/urls.py), with its OpenAPI document at /devices/v1/openapi.json.

No session, no token, no CSRF: the request is authenticated by its signature alone
(devices.signatures), checked over the raw body before the body is read as JSON. Then the body is
validated against `DeviceEventIn` (422 with the field errors, or `malformed_json`), and handed to
the same ingest service an MQTT consumer calls. 201 for a new event; 200 with the first result for
an event id already stored (a vendor's retry).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

import pydantic
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status, Swagger
from ninja.errors import ValidationError

from qiaomen.api.errors import ErrorOut, ValidationErrorOut, install_error_handlers
from qiaomen.api.urls import QiaomenAPI, Utf8JSONRenderer
from qiaomen.core.errors import InvalidInput
from qiaomen.devices.events import device_event_ingest
from qiaomen.devices.signatures import webhook_verify

HEADERS = {
    "X-Qiaomen-Vendor": "the vendor's code",
    "X-Qiaomen-Timestamp": "Unix time in seconds; refused beyond ±5 minutes (stale_timestamp)",
    "X-Qiaomen-Nonce": "8 to 64 characters, never used twice by the vendor (replayed_nonce)",
    "X-Qiaomen-Signature": 'hex HMAC-SHA256 with the vendor\'s secret over timestamp + "\\n" + nonce + "\\n" + body',
}


class DeviceEventIn(Schema):
    event_id: str = Field(min_length=1, max_length=64, description="unique per vendor: a retry sends the same")
    device: str = Field(min_length=1, max_length=64, description="the device's serial at its vendor")
    kind: Literal["alarm_fall", "alarm_sos", "alarm_gas", "alarm_smoke", "heartbeat", "battery"]
    occurred_at: dt.datetime | None = Field(None, description="ISO 8601 with offset; when the device saw it")
    battery: int | None = Field(None, ge=0, le=100, description="battery level in percent")


class DeviceEventOut(Schema):
    event_id: str
    outcome: Literal["opened", "joined", "recorded"]
    ticket: int | None
    repeat_number: int
    duplicate: bool


router = Router(tags=["devices"])


@router.post(
    "/events",
    auth=None,
    response={200: DeviceEventOut, 201: DeviceEventOut, 401: ErrorOut, 422: ValidationErrorOut, 503: ErrorOut},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": DeviceEventIn.model_json_schema()}},
        },
        "parameters": [
            {"in": "header", "name": name, "required": True, "schema": {"type": "string"}, "description": text}
            for name, text in HEADERS.items()
        ],
    },
    summary="Receive one signed device event",
)
def device_event_receive(request: HttpRequest) -> Status[dict[str, Any]]:
    headers = request.headers
    vendor = webhook_verify(
        vendor_code=headers.get("X-Qiaomen-Vendor", ""),
        timestamp=headers.get("X-Qiaomen-Timestamp", ""),
        nonce=headers.get("X-Qiaomen-Nonce", ""),
        signature=headers.get("X-Qiaomen-Signature", ""),
        body=request.body,
        request=request,
    )
    try:
        data = json.loads(request.body)
    except ValueError:
        raise InvalidInput("malformed_json", _("The body is not valid JSON.")) from None
    try:
        DeviceEventIn.model_validate(data)
    except pydantic.ValidationError as exc:
        raise ValidationError([dict(error) for error in exc.errors(include_input=False, include_url=False)]) from None
    result = device_event_ingest(vendor=vendor, event=data, via="webhook")
    return Status(201 if result.created else 200, result.as_json())


devices_api = QiaomenAPI(
    title="敲门 Qiaomen device events",
    version="1",
    description="Signed events from device vendors' platforms: alarms, heartbeats, battery reports.",
    urls_namespace="devices_api",
    auth=None,
    renderer=Utf8JSONRenderer(),
    docs=Swagger(settings={"validatorUrl": None}),
)
install_error_handlers(devices_api)
devices_api.add_router("/", router)
