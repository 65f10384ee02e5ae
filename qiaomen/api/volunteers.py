"""Volunteers, their hours and their points (R-PAR-1): staff read those of their places, a
volunteer reads their own; the team's grid worker confirms hours. Personal data stays in the
registry: a volunteer is answered with the id of their person, never a name or a phone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability
from qiaomen.api.auth import api_user, api_user_with
from qiaomen.api.errors import FORBIDDEN_MESSAGE, responses
from qiaomen.core.errors import Forbidden
from qiaomen.participation.models.volunteer_points import PointsEntry, ServiceRecord
from qiaomen.participation.models.volunteers import Volunteer
from qiaomen.participation.volunteers import selectors
from qiaomen.participation.volunteers.hours import service_confirm
from qiaomen.participation.volunteers.ledger import points_balance
from qiaomen.participation.volunteers.scope import service_for_user, volunteer_for_user, volunteers_for_user

router = Router(tags=["volunteers"])


class VolunteerOut(Schema):
    id: int
    person_id: int
    grid_id: int
    team_id: int | None
    status: str
    skills: str
    availability: str
    joined_on: dt.date


class HoursOut(Schema):
    id: int
    volunteer_id: int
    kind: str
    visit_id: int | None
    ticket_id: int | None
    description: str
    served_on: dt.date
    hours: Decimal
    status: str


class EntryOut(Schema):
    seq: int
    kind: str
    points: int
    balance_after: int
    at: dt.datetime
    note: str


class BalanceOut(Schema):
    volunteer_id: int
    balance: int
    entries: list[EntryOut]


def _reader(request: HttpRequest) -> User:
    user = api_user(request)
    if not (user.can(Capability.VIEW_VOLUNTEERS) or user.can(Capability.SERVE_AS_VOLUNTEER)):
        raise Forbidden("forbidden", FORBIDDEN_MESSAGE)
    return user


def _volunteer(row: Volunteer) -> dict[str, Any]:
    return {
        "id": row.pk,
        "person_id": row.person_id,
        "grid_id": row.grid_id,
        "team_id": row.team_id,
        "status": row.status,
        "skills": row.skills,
        "availability": row.availability,
        "joined_on": row.joined_on,
    }


def _hours(row: ServiceRecord) -> dict[str, Any]:
    fields = ("id", "volunteer_id", "kind", "visit_id", "ticket_id", "description", "served_on", "hours", "status")
    return {name: getattr(row, name) for name in fields}


def _entry(row: PointsEntry) -> dict[str, Any]:
    return {name: getattr(row, name) for name in ("seq", "kind", "points", "balance_after", "at", "note")}


@router.get("/volunteers", response=responses(list[VolunteerOut], 401, 403, 422), url_name="volunteers")
def volunteer_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The volunteers of the caller's places (a volunteer: themselves), at most 1,000."""
    rows = volunteers_for_user(_reader(request)).order_by("pk")[:1000]
    return [_volunteer(row) for row in rows]


@router.get(
    "/volunteers/{int:volunteer_id}", response=responses(VolunteerOut, 401, 403, 404, 422), url_name="volunteer"
)
def volunteer_detail(request: HttpRequest, volunteer_id: int) -> dict[str, Any]:
    return _volunteer(volunteer_for_user(_reader(request), volunteer_id))


@router.get(
    "/volunteers/{int:volunteer_id}/hours",
    response=responses(list[HoursOut], 401, 403, 404, 422),
    url_name="volunteer_hours",
)
def volunteer_hours(request: HttpRequest, volunteer_id: int) -> list[dict[str, Any]]:
    volunteer = volunteer_for_user(_reader(request), volunteer_id)
    return [_hours(row) for row in selectors.services_of(volunteer)[:500]]


@router.get(
    "/volunteers/{int:volunteer_id}/balance",
    response=responses(BalanceOut, 401, 403, 404, 422),
    url_name="volunteer_balance",
)
def volunteer_balance(request: HttpRequest, volunteer_id: int) -> dict[str, Any]:
    """The balance (the sum of the ledger) and the newest hundred rows of the ledger."""
    volunteer = volunteer_for_user(_reader(request), volunteer_id)
    entries = [_entry(row) for row in selectors.ledger_of(volunteer)[:100]]
    return {"volunteer_id": volunteer.pk, "balance": points_balance(volunteer), "entries": entries}


@router.post(
    "/volunteer-hours/{int:hours_id}/confirm",
    response=responses(HoursOut, 401, 403, 404, 409, 422),
    url_name="volunteer_hours_confirm",
)
def hours_confirm(request: HttpRequest, hours_id: int) -> dict[str, Any]:
    """The team's grid worker confirms the hours; their points are earned at once."""
    user = api_user_with(request, Capability.CONFIRM_SERVICE)
    return _hours(service_confirm(service=service_for_user(user, hours_id), actor=user, request=request))
