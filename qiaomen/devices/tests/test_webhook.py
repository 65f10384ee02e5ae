"""The signed webhook: a good signature is accepted, and a bad one, a stale or future timestamp, a
replayed nonce and an unknown vendor are each refused with 401, their code and an audit row; a
malformed body is 422; a retried event id answers 200 with the first result."""

from __future__ import annotations

import json
import secrets
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from qiaomen.core.models import AuditEntry, AuditResult
from qiaomen.devices.models.devices import DeviceEvent, SeenNonce, Vendor
from qiaomen.devices.signatures import webhook_signature
from qiaomen.devices.tests.helpers import SECRET, event, make_device, make_vendor
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Ticket

URL = "/devices/v1/events"


def post(
    client: Client,
    body: bytes,
    *,
    vendor: str = "acme",
    secret: str = SECRET,
    timestamp: str | None = None,
    nonce: str | None = None,
    signature: str | None = None,
) -> Any:
    timestamp = timestamp if timestamp is not None else str(int(timezone.now().timestamp()))
    nonce = nonce or secrets.token_hex(12)
    signature = signature or webhook_signature(secret, timestamp, nonce, body)
    headers = {
        "X-Qiaomen-Vendor": vendor,
        "X-Qiaomen-Timestamp": timestamp,
        "X-Qiaomen-Nonce": nonce,
        "X-Qiaomen-Signature": signature,
    }
    return client.post(URL, body, content_type="application/json", headers=headers)


def body_of(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload).encode()


def refusals() -> list[str]:
    rows = AuditEntry.objects.filter(action="device.webhook_refused", result=AuditResult.DENIED)
    return [row.detail["code"] for row in rows.order_by("pk")]


@pytest.fixture
def setup(small_street: SmallStreet) -> SmallStreet:
    make_device(small_street, make_vendor())
    return small_street


@pytest.mark.django_db
def test_a_signed_alarm_opens_a_ticket_and_its_retry_gets_the_first_result(setup: SmallStreet) -> None:
    client = Client(enforce_csrf_checks=True)
    body = body_of(event("ev-1", occurred_at="2026-12-07T10:00:00+08:00"))
    first = post(client, body)
    assert first.status_code == 201, first.content
    ticket = Ticket.objects.get()
    assert first.json() == {
        "event_id": "ev-1",
        "outcome": "opened",
        "ticket": ticket.pk,
        "repeat_number": 1,
        "duplicate": False,
    }
    again = post(client, body)  # the vendor's retry: same event, a new nonce
    assert again.status_code == 200 and again.json() == {**first.json(), "duplicate": True}
    assert Ticket.objects.count() == 1 and DeviceEvent.objects.get().via == "webhook"
    assert refusals() == []
    assert "sessionid" not in first.cookies


@pytest.mark.django_db
def test_a_bad_signature_is_refused_and_logged(setup: SmallStreet) -> None:
    client = Client()
    body = body_of(event("ev-1"))
    answer = post(client, body, secret="not-the-secret")
    assert answer.status_code == 401 and answer.json()["code"] == "bad_signature"
    tampered = post(client, body, signature=webhook_signature(SECRET, "1", "n" * 16, body))
    assert tampered.status_code == 401
    assert refusals() == ["bad_signature", "bad_signature"]
    assert not DeviceEvent.objects.exists() and not SeenNonce.objects.exists()


@pytest.mark.django_db
def test_a_timestamp_beyond_five_minutes_either_way_is_refused(setup: SmallStreet) -> None:
    client = Client()
    now = int(timezone.now().timestamp())
    with time_machine.travel(now, tick=False):
        assert post(client, body_of(event("a")), timestamp=str(now - 300)).status_code == 201
        assert post(client, body_of(event("b")), timestamp=str(now + 300)).status_code == 201
        late = post(client, body_of(event("c")), timestamp=str(now - 301))
        early = post(client, body_of(event("d")), timestamp=str(now + 301))
        garbage = post(client, body_of(event("e")), timestamp="yesterday")
    assert [late.status_code, early.status_code, garbage.status_code] == [401, 401, 401]
    assert late.json()["code"] == early.json()["code"] == "stale_timestamp"
    assert refusals() == ["stale_timestamp"] * 3
    assert set(DeviceEvent.objects.values_list("event_id", flat=True)) == {"a", "b"}


@pytest.mark.django_db
def test_a_replayed_nonce_is_refused(setup: SmallStreet) -> None:
    client = Client()
    body = body_of(event("ev-1"))
    assert post(client, body, nonce="nonce-0001").status_code == 201
    replay = post(client, body_of(event("ev-2")), nonce="nonce-0001")
    assert replay.status_code == 401 and replay.json()["code"] == "replayed_nonce"
    assert refusals() == ["replayed_nonce"]
    assert DeviceEvent.objects.count() == 1


@pytest.mark.django_db
def test_an_unknown_or_inactive_vendor_is_refused(setup: SmallStreet) -> None:
    client = Client()
    answer = post(client, body_of(event("ev-1")), vendor="nobody")
    assert answer.status_code == 401 and answer.json()["code"] == "unknown_vendor"
    Vendor.objects.filter(code="acme").update(active=False)
    assert post(client, body_of(event("ev-1"))).json()["code"] == "unknown_vendor"
    assert refusals() == ["unknown_vendor", "unknown_vendor"]


@pytest.mark.django_db
def test_a_signed_but_malformed_body_is_422_with_a_code(setup: SmallStreet) -> None:
    client = Client()
    broken = post(client, b"{not json")
    assert broken.status_code == 422 and broken.json()["code"] == "malformed_json"
    wrong = post(client, body_of({"event_id": "x", "device": "WB-001", "kind": "explode"}))
    assert wrong.status_code == 422 and wrong.json()["code"] == "invalid_input"
    assert wrong.json()["errors"][0]["loc"] == ["kind"]
    unknown = post(client, body_of(event("x", serial="NOPE")))
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_device"
    assert not DeviceEvent.objects.exists()


@pytest.mark.django_db
def test_the_event_schema_is_in_the_openapi_document(client: Client) -> None:
    document = client.get("/devices/v1/openapi.json").json()
    operation = document["paths"]["/devices/v1/events"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert set(schema["properties"]) == {"event_id", "device", "kind", "occurred_at", "battery"}
    assert {p["name"] for p in operation["parameters"]} >= {"X-Qiaomen-Signature", "X-Qiaomen-Nonce"}
