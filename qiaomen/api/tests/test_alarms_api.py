"""Acknowledging a device alarm through its ticket in the API: the device page's rule (403 for a
role that does not view devices, 404 outside the caller's places or for a ticket no alarm opened),
409 with a code for a second answer, and the ladder state in the ticket's detail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from qiaomen.accounts.roles import Role
from qiaomen.accounts.services import api_token_create
from qiaomen.devices.acknowledgements import ack_sweep
from qiaomen.devices.events import device_event_ingest
from qiaomen.devices.models.acknowledgements import AckStatus, AlarmAcknowledgement
from qiaomen.devices.tests.helpers import event, make_device, make_vendor
from qiaomen.testing import SmallStreet, make_user
from qiaomen.tickets.models import Channel, Subcategory
from qiaomen.tickets.services import ticket_create

pytestmark = pytest.mark.django_db
Headers = Callable[[str], dict[str, str]]


def _alarmed(s: SmallStreet) -> AlarmAcknowledgement:
    vendor = make_vendor()
    make_device(s, vendor)
    device_event_ingest(vendor=vendor, event=event("e1"), via="webhook")
    return AlarmAcknowledgement.objects.get()


def _post(path: str, headers: dict[str, str]) -> Any:
    return Client().post(path, content_type="application/json", headers=headers)


def test_the_grid_worker_acknowledges_then_arrives(small_street: SmallStreet, bearer: Headers) -> None:
    ack = _alarmed(small_street)
    headers = bearer("worker_a")
    answer = _post(f"/api/v1/tickets/{ack.ticket_id}/acknowledge", headers)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["status"] == "acknowledged" and body["acknowledged_by"] == "worker1" and body["due_at"] is None
    assert body["device_serial"] == "WB-001" and body["steps"][0]["told"] == ["worker1"]
    arrived = _post(f"/api/v1/tickets/{ack.ticket_id}/on-site", {**headers, "If-Match": str(body["version"])})
    assert arrived.status_code == 200 and arrived.json()["status"] == "on_site"
    assert arrived.json()["on_site_at"] is not None


def test_a_second_acknowledgement_is_a_409_that_changes_nothing(small_street: SmallStreet, bearer: Headers) -> None:
    ack = _alarmed(small_street)
    url = f"/api/v1/tickets/{ack.ticket_id}/acknowledge"
    assert _post(url, bearer("worker_a")).status_code == 200
    again = _post(url, bearer("street_admin"))
    assert again.status_code == 409 and again.json()["code"] == "alarm_already_acknowledged"
    assert "worker1" in again.json()["message"] and "确认" in again.json()["message"]
    english = _post(url, {**bearer("street_admin"), "Accept-Language": "en"})
    assert english.status_code == 409
    assert english.json()["message"].startswith("This alarm was already acknowledged by worker1 at ")
    ack.refresh_from_db()
    assert (ack.status, ack.version, ack.acknowledged_by_id) == (
        AckStatus.ACKNOWLEDGED,
        2,
        small_street.users["worker_a"].pk,
    )


def test_a_second_arrival_is_a_409(small_street: SmallStreet, bearer: Headers) -> None:
    ack = _alarmed(small_street)
    url = f"/api/v1/tickets/{ack.ticket_id}/on-site"
    first = _post(url, bearer("worker_a"))
    assert first.status_code == 200 and first.json()["acknowledged_by"] == "worker1"  # arriving acknowledges
    again = _post(url, {**bearer("worker_a"), "Accept-Language": "en"})
    assert again.status_code == 409 and again.json()["code"] == "alarm_already_on_site"
    assert "already recorded on site" in again.json()["message"]


def test_a_stale_version_is_a_409_and_a_malformed_one_a_422(small_street: SmallStreet, bearer: Headers) -> None:
    ack = _alarmed(small_street)
    url = f"/api/v1/tickets/{ack.ticket_id}/acknowledge"
    ack_sweep(now=ack.due_at)  # the ladder climbed: version 2
    stale = _post(url, {**bearer("worker_a"), "If-Match": "1"})
    assert stale.status_code == 409 and stale.json()["code"] == "alarmacknowledgement_changed"
    malformed = _post(url, {**bearer("worker_a"), "If-Match": "soon"})
    assert malformed.status_code == 422 and malformed.json()["code"] == "invalid_input"
    ack.refresh_from_db()
    assert ack.status == AckStatus.WAITING


def test_scoping_and_roles(small_street: SmallStreet, bearer: Headers) -> None:
    s = small_street
    ack = _alarmed(s)
    for action in ("acknowledge", "on-site"):
        url = f"/api/v1/tickets/{ack.ticket_id}/{action}"
        other_grid = _post(url, {**bearer("worker_b"), "Accept-Language": "en"})
        assert other_grid.status_code == 404 and other_grid.json() == {"code": "not_found", "message": "Not found."}
        refused = _post(url, {**bearer("dept_handler"), "Accept-Language": "en"})
        assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
        assert refused.json()["message"] == "You are not allowed to do this."
        assert Client().post(url).status_code == 401
    # A ticket of the worker's own grid that no alarm opened has no timer to acknowledge.
    plain = ticket_create(
        channel=Channel.VISIT,
        description="想申请助餐",
        subcategory=Subcategory.objects.get(code="LIF-MEAL"),
        household=s.household_a,
        created_by=s.users["worker_a"],
    )
    assert _post(f"/api/v1/tickets/{plain.pk}/acknowledge", bearer("worker_a")).status_code == 404
    ack.refresh_from_db()
    assert (ack.status, ack.version) == (AckStatus.WAITING, 1)


def test_the_tickets_detail_carries_the_ladder_for_who_sees_the_device(
    small_street: SmallStreet, bearer: Headers
) -> None:
    ack = _alarmed(small_street)
    assert ack.due_at is not None
    ack_sweep(now=ack.due_at)
    detail = Client().get(f"/api/v1/tickets/{ack.ticket_id}", headers=bearer("worker_a")).json()
    alarm = detail["alarm"]
    assert alarm["status"] == "waiting" and alarm["rung"] == 1 and alarm["rung_name"] == "backup_contacts"
    assert [step["rung_name"] for step in alarm["steps"]] == ["grid_worker", "backup_contacts"]
    assert alarm["due_at"] is not None and alarm["acknowledged_at"] is None
    assert (
        Client().get(f"/api/v1/tickets/{ack.ticket_id}", headers=bearer("street_admin")).json()["alarm"]["version"] == 2
    )
    # The department that handles the ticket does not see the device: no ladder in its answer.
    handler = make_user("dept_emg", Role.DEPARTMENT_HANDLER, department=ack.ticket.department)
    token, _ = api_token_create(user=handler, request=None)
    seen = Client().get(f"/api/v1/tickets/{ack.ticket_id}", headers={"Authorization": f"Bearer {token}"})
    assert seen.status_code == 200 and seen.json()["alarm"] is None


def test_the_schema_declares_every_status(small_street: SmallStreet, bearer: Headers) -> None:
    schema = Client().get("/api/v1/openapi.json", headers=bearer("worker_a")).json()
    for path in ("/api/v1/tickets/{ticket_id}/acknowledge", "/api/v1/tickets/{ticket_id}/on-site"):
        declared = set(schema["paths"][path]["post"]["responses"])
        assert {"200", "401", "403", "404", "409", "422"} <= declared
