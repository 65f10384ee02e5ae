"""Door-knocking meetings (敲门议事会) and self-governing groups (自治组织) in the API (R-PAR-2): the
caller's meetings and groups, holding a meeting, recording its decisions, adding a member to a
group. Records come through the participation domain's scoped helpers, places, households and
people through their own domains': outside the caller's places is a 404. Attendees and members
are answered as household and person ids of the caller's places, never names."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from qiaomen.accounts.models import User
from qiaomen.accounts.places import grid_for_user
from qiaomen.accounts.roles import Capability
from qiaomen.api.activities import EventTime, ListQuery
from qiaomen.api.auth import api_user_with
from qiaomen.api.errors import responses
from qiaomen.api.schema_rules import NOT_BLANK
from qiaomen.participation.activities.groups import group_member_add
from qiaomen.participation.activities.lists import group_members, meeting_attendees
from qiaomen.participation.activities.meetings import meeting_create, meeting_decision_add
from qiaomen.participation.activities.scope import (
    activities_for_user,
    group_for_user,
    groups_for_user,
    meeting_for_user,
    meetings_for_user,
    organiser_places,
)
from qiaomen.participation.models.activities import GroupMember, Meeting, MeetingDecision, ResidentGroup
from qiaomen.registry.selectors import person_for_user

router = Router(tags=["meetings"])


class MeetingOut(Schema):
    id: int
    title: str
    community_id: int
    grid_id: int | None = Field(description="null: a meeting of the whole community")
    group_id: int | None
    held_at: dt.datetime
    location: str


class DecisionOut(Schema):
    id: int
    meeting_id: int
    text: str
    ticket_id: int | None = Field(description="the ticket the decision opened, if any")
    created_at: dt.datetime


class MeetingDetailOut(MeetingOut):
    agenda: str
    minutes: str
    decisions: list[DecisionOut]
    attendee_households: list[int] = Field(description="households of the caller's places on the attendance list")


class MeetingPageOut(Schema):
    count: int
    results: list[MeetingOut]


class MeetingIn(Schema):
    community_id: int = Field(ge=1, le=2**62)
    grid_id: int | None = Field(None, ge=1, le=2**62, description="a grid of that community; null: the whole one")
    group_id: int | None = Field(None, ge=1, le=2**62, description="the group holding it, of that community")
    title: str = Field(min_length=1, max_length=120, json_schema_extra=NOT_BLANK)
    held_at: EventTime = Field(description="with its offset, between 2000 and 2100")
    agenda: str = Field(min_length=1, max_length=3000, json_schema_extra=NOT_BLANK)
    location: str = Field("", max_length=120)


class DecisionIn(Schema):
    text: str = Field(min_length=1, max_length=3000, json_schema_extra=NOT_BLANK)


class GroupOut(Schema):
    id: int
    name: str
    kind: str
    community_id: int


class GroupMemberOut(Schema):
    group_id: int
    person_id: int
    is_leader: bool
    joined_at: dt.datetime


class GroupDetailOut(GroupOut):
    members: list[GroupMemberOut] = Field(description="members who live in the caller's places")
    activities: list[int] = Field(description="the group's activities the caller sees, newest first (at most 50)")
    meetings: list[int] = Field(description="the group's meetings the caller sees, newest first (at most 50)")


class GroupPageOut(Schema):
    count: int
    results: list[GroupOut]


class MemberIn(Schema):
    person_id: int = Field(ge=1, le=2**62)
    is_leader: bool = False


def _meeting(meeting: Meeting) -> dict[str, Any]:
    fields = ("id", "title", "community_id", "grid_id", "group_id", "held_at", "location")
    return {name: getattr(meeting, name) for name in fields}


def _decision(decision: MeetingDecision) -> dict[str, Any]:
    return {name: getattr(decision, name) for name in ("id", "meeting_id", "text", "ticket_id", "created_at")}


def _meeting_detail(user: User, meeting: Meeting) -> dict[str, Any]:
    return {
        **_meeting(meeting),
        "agenda": meeting.agenda,
        "minutes": meeting.minutes,
        "decisions": [_decision(d) for d in meeting.decisions.all()],
        "attendee_households": [row.household_id for row in meeting_attendees(user, meeting)],
    }


def _group(group: ResidentGroup) -> dict[str, Any]:
    return {name: getattr(group, name) for name in ("id", "name", "kind", "community_id")}


def _member(member: GroupMember) -> dict[str, Any]:
    return {name: getattr(member, name) for name in ("group_id", "person_id", "is_leader", "joined_at")}


@router.get("/meetings", response=responses(MeetingPageOut, 401, 403, 422), url_name="meetings")
def meeting_list(request: HttpRequest, query: Query[ListQuery]) -> dict[str, Any]:
    """The meetings of the caller's places, newest first."""
    rows = meetings_for_user(api_user_with(request, Capability.VIEW_ACTIVITIES))
    page = rows[query.offset : query.offset + query.limit]
    return {"count": rows.count(), "results": [_meeting(m) for m in page]}


@router.get("/meetings/{int:meeting_id}", response=responses(MeetingDetailOut, 401, 403, 404, 422), url_name="meeting")
def meeting_detail(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    user = api_user_with(request, Capability.VIEW_ACTIVITIES)
    return _meeting_detail(user, meeting_for_user(user, meeting_id))


@router.post(
    "/meetings", response=responses(MeetingDetailOut, 400, 401, 403, 404, 422, ok_status=201), url_name="meeting_new"
)
def meeting_new(request: HttpRequest, body: MeetingIn) -> Status[dict[str, Any]]:
    """Hold a meeting in a community (or one of its grids) of the caller's places: 404 for a
    community, grid or group outside them, 422 for a grid or group of another community."""
    user = api_user_with(request, Capability.MANAGE_ACTIVITIES)
    community = organiser_places(user).communities.filter(pk=body.community_id).first()
    if community is None:
        raise Http404
    meeting = meeting_create(
        user=user,
        community=community,
        grid=None if body.grid_id is None else grid_for_user(user, body.grid_id),
        group=None if body.group_id is None else group_for_user(user, body.group_id),
        title=body.title,
        held_at=body.held_at,
        agenda=body.agenda,
        location=body.location,
        request=request,
    )
    return Status(201, _meeting_detail(user, meeting))


@router.post(
    "/meetings/{int:meeting_id}/decisions",
    response=responses(DecisionOut, 400, 401, 403, 404, 422, ok_status=201),
    url_name="meeting_decisions",
)
def meeting_decision_new(request: HttpRequest, meeting_id: int, body: DecisionIn) -> Status[dict[str, Any]]:
    """Record what the meeting decided (a ticket for it is opened from the meeting's page)."""
    user = api_user_with(request, Capability.MANAGE_ACTIVITIES)
    meeting = meeting_for_user(user, meeting_id)
    return Status(201, _decision(meeting_decision_add(meeting=meeting, user=user, text=body.text, request=request)))


@router.get("/groups", response=responses(GroupPageOut, 401, 403, 422), url_name="groups")
def group_list(request: HttpRequest, query: Query[ListQuery]) -> dict[str, Any]:
    """The self-governing groups of the caller's communities, by community and name."""
    rows = groups_for_user(api_user_with(request, Capability.VIEW_ACTIVITIES)).order_by("community_id", "name", "pk")
    page = rows[query.offset : query.offset + query.limit]
    return {"count": rows.count(), "results": [_group(g) for g in page]}


@router.get("/groups/{int:group_id}", response=responses(GroupDetailOut, 401, 403, 404, 422), url_name="group")
def group_detail(request: HttpRequest, group_id: int) -> dict[str, Any]:
    user = api_user_with(request, Capability.VIEW_ACTIVITIES)
    group = group_for_user(user, group_id)
    return {
        **_group(group),
        "members": [_member(m) for m in group_members(user, group)],
        "activities": list(activities_for_user(user).filter(group=group).values_list("pk", flat=True)[:50]),
        "meetings": list(meetings_for_user(user).filter(group=group).values_list("pk", flat=True)[:50]),
    }


@router.post(
    "/groups/{int:group_id}/members",
    response=responses(GroupMemberOut, 400, 401, 403, 404, 409, 422, ok_status=201),
    url_name="group_members",
)
def group_member_new(request: HttpRequest, group_id: int, body: MemberIn) -> Status[dict[str, Any]]:
    """Add a person of the caller's places (404 outside them): 409 when already a member, 422
    when they are no longer on the registry."""
    user = api_user_with(request, Capability.MANAGE_ACTIVITIES)
    group = group_for_user(user, group_id)
    person = person_for_user(user, body.person_id)
    member = group_member_add(group=group, person=person, user=user, is_leader=body.is_leader, request=request)
    return Status(201, _member(member))
