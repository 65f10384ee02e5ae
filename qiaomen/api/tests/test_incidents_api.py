"""Incidents through the API: reported from the phone on a visit or at a place of the caller's,
refusals with their codes that store nothing, lists and details of the caller's places only."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from qiaomen.devices.models import Incident
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Notification
from qiaomen.visits.models import Outcome, Visit


def _post(body: dict[str, Any], headers: dict[str, str]) -> Any:
    return Client().post("/api/v1/incidents", body, content_type="application/json", headers=headers)


def _now() -> str:
    return timezone.now().isoformat()


def test_a_worker_reports_an_incident_on_their_visit(
    small_street: SmallStreet, bearer: Callable[[str], dict[str, str]]
) -> None:
    now = timezone.now()
    visit = Visit.objects.create(
        client_uuid=uuid.uuid4(),
        household=small_street.household_a,
        grid=small_street.grid_a,
        worker=small_street.users["worker_a"],
        visited_at=now,
        received_at=now,
        outcome=Outcome.MET,
    )
    headers = bearer("worker_a")
    body = {"kind": "worker_injured", "description": "下楼时扭伤脚踝", "occurred_at": _now(), "visit_id": visit.pk}
    answer = _post(body, headers)
    assert answer.status_code == 201, answer.content
    created = answer.json()
    assert (created["household_id"], created["grid_id"], created["status"]) == (
        small_street.household_a.pk,
        small_street.grid_a.pk,
        "reported",
    )
    assert (created["description"], created["ticket_id"]) == ("下楼时扭伤脚踝", None)
    assert Notification.objects.filter(user=small_street.users["community_staff"]).exists()

    listed = Client().get("/api/v1/incidents", headers=headers).json()
    assert [row["id"] for row in listed["results"]] == [created["id"]] and "description" not in listed["results"][0]
    assert Client().get(f"/api/v1/incidents/{created['id']}", headers=headers).status_code == 200
    assert Client().get(f"/api/v1/incidents/{created['id']}", headers=bearer("worker_b")).status_code == 404
    assert Client().get("/api/v1/incidents", headers=bearer("worker_b")).json()["count"] == 0


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"description": "   "}, 422, "incident_description_required"),
        ({"kind": "earthquake"}, 422, "invalid_input"),
        ({"occurred_at": (timezone.now() + dt.timedelta(days=1)).isoformat()}, 422, "incident_in_future"),
        ({"grid_id": None}, 422, "incident_place_required"),
        ({"household_id": 0}, 422, "invalid_input"),
        ({"building_id": -1}, 422, "invalid_input"),
    ],
)
def test_bad_input_is_answered_422_with_its_code_and_nothing_is_stored(
    small_street: SmallStreet, bearer: Callable[[str], dict[str, str]], changes: dict[str, Any], status: int, code: str
) -> None:
    body = {"kind": "conflict", "description": "住户持刀威胁", "occurred_at": _now(), "grid_id": small_street.grid_a.pk}
    answer = _post({**body, **changes}, bearer("worker_a"))
    assert (answer.status_code, answer.json()["code"]) == (status, code)
    assert not Incident.objects.exists() and not Notification.objects.exists()


def test_a_place_outside_ones_own_is_not_found(
    small_street: SmallStreet, bearer: Callable[[str], dict[str, str]]
) -> None:
    body = {
        "kind": "fire",
        "description": "楼道起火",
        "occurred_at": _now(),
        "household_id": small_street.household_b.pk,
    }
    assert _post(body, bearer("worker_a")).status_code == 404
    assert (
        _post(
            {**body, "household_id": None, "community_id": small_street.community_2.pk}, bearer("worker_a")
        ).status_code
        == 404
    )
    assert _post(body, bearer("dept_handler")).status_code == 403
    assert not Incident.objects.exists()
