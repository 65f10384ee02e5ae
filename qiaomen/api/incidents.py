"""Incidents in the API (R-DEV-2): a grid worker reports one from the phone (a worker hurt, a
conflict or threat on a visit, a fire, a flood), and reads the incidents of their places. Places
and visits come through their domains' scoped helpers: outside the caller's places is a 404.
The description is answered only on the detail, to whoever sees the incident."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from qiaomen.accounts.places import building_for_user, communities_for_user, grid_for_user
from qiaomen.accounts.roles import Capability
from qiaomen.api.activities import EventTime, ListQuery
from qiaomen.api.auth import api_user_with
from qiaomen.api.errors import responses
from qiaomen.api.schema_rules import NOT_BLANK
from qiaomen.devices.incidents import DESCRIPTION_MAX, incident_report
from qiaomen.devices.models import Incident
from qiaomen.devices.scope import incident_for_user, incidents_for_user
from qiaomen.registry.selectors import household_for_user
from qiaomen.visits.selectors import visit_for_user

router = Router(tags=["incidents"])

IncidentKindName = Literal["worker_injured", "conflict", "fire", "flood", "other"]


class IncidentOut(Schema):
    id: int
    kind: str
    status: str = Field(description="reported, acknowledged or closed")
    community_id: int
    grid_id: int | None
    building_id: int | None
    household_id: int | None
    visit_id: int | None
    occurred_at: dt.datetime
    reported_by_id: int


class IncidentDetailOut(IncidentOut):
    description: str
    acknowledged_at: dt.datetime | None
    closed_at: dt.datetime | None
    visits_paused: bool = Field(description="visits to the incident's grid or community are paused for it")
    ticket_id: int | None = Field(description="a fire's or flood's ticket to the emergency-management department")


class IncidentPageOut(Schema):
    count: int
    results: list[IncidentOut]


class IncidentIn(Schema):
    kind: IncidentKindName
    description: str = Field(min_length=1, max_length=DESCRIPTION_MAX, json_schema_extra=NOT_BLANK)
    occurred_at: EventTime = Field(description="with its offset; not in the future (422 incident_in_future)")
    visit_id: int | None = Field(None, ge=1, le=2**62, description="the visit it happened on; gives the place")
    household_id: int | None = Field(None, ge=1, le=2**62)
    building_id: int | None = Field(None, ge=1, le=2**62)
    grid_id: int | None = Field(None, ge=1, le=2**62)
    community_id: int | None = Field(
        None, ge=1, le=2**62, description="at least one place or a visit (422 incident_place_required)"
    )


FIELDS = (
    "id", "kind", "status", "community_id", "grid_id", "building_id", "household_id", "visit_id", "occurred_at",
    "reported_by_id",
)  # fmt: skip


def _incident(incident: Incident) -> dict[str, Any]:
    return {name: getattr(incident, name) for name in FIELDS}


def _incident_detail(incident: Incident) -> dict[str, Any]:
    return {
        **_incident(incident),
        "description": incident.description,
        "acknowledged_at": incident.acknowledged_at,
        "closed_at": incident.closed_at,
        "visits_paused": incident.pause_id is not None,
        "ticket_id": incident.ticket_id,
    }


@router.get("/incidents", response=responses(IncidentPageOut, 401, 403, 422), url_name="incidents")
def incident_list(request: HttpRequest, query: Query[ListQuery]) -> dict[str, Any]:
    """The incidents of the caller's places, latest first."""
    rows = incidents_for_user(api_user_with(request, Capability.REPORT_INCIDENTS)).order_by("-occurred_at", "-pk")
    page = rows[query.offset : query.offset + query.limit]
    return {"count": rows.count(), "results": [_incident(row) for row in page]}


@router.get(
    "/incidents/{int:incident_id}", response=responses(IncidentDetailOut, 401, 403, 404, 422), url_name="incident"
)
def incident_detail(request: HttpRequest, incident_id: int) -> dict[str, Any]:
    user = api_user_with(request, Capability.REPORT_INCIDENTS)
    return _incident_detail(incident_for_user(user, incident_id))


@router.post(
    "/incidents", response=responses(IncidentDetailOut, 400, 401, 403, 404, 422, ok_status=201), url_name="incident_new"
)
def incident_new(request: HttpRequest, body: IncidentIn) -> Status[dict[str, Any]]:
    """Report an incident at a place of the caller's (404 outside them), or on one of their
    visits; its community's incident handlers are told."""
    user = api_user_with(request, Capability.REPORT_INCIDENTS)
    community = None
    if body.community_id is not None:
        community = communities_for_user(user).filter(pk=body.community_id).first()
        if community is None:
            raise Http404
    incident = incident_report(
        user=user,
        kind=body.kind,
        description=body.description,
        occurred_at=body.occurred_at,
        visit=None if body.visit_id is None else visit_for_user(user, body.visit_id),
        household=None if body.household_id is None else household_for_user(user, body.household_id),
        building=None if body.building_id is None else building_for_user(user, body.building_id),
        grid=None if body.grid_id is None else grid_for_user(user, body.grid_id),
        community=community,
        request=request,
    )
    return Status(201, _incident_detail(incident))
