"""Residents' participation (R-PAR-2) in the API: the caller's activities, changing or cancelling
one before it starts, signing a household up and recording its attendance, and the participation
rate by community and grid with the active groups (meetings and groups: api/meetings.py). Records
come through the participation domain's scoped helpers, households through the registry's:
outside the caller's places is a 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import AwareDatetime

from qiaomen.accounts.places import building_for_user
from qiaomen.accounts.roles import Capability
from qiaomen.accounts.scopes import place_scope
from qiaomen.api.auth import api_user_with
from qiaomen.api.errors import responses
from qiaomen.api.paging import Offset
from qiaomen.api.schema_rules import NOT_BLANK, on_string
from qiaomen.core.workdays import CHINA
from qiaomen.participation.activities.activities import activity_checkin, activity_signup
from qiaomen.participation.activities.changes import activity_cancel, activity_edit
from qiaomen.participation.activities.lists import activity_attendances, activity_signups
from qiaomen.participation.activities.rate import PARTICIPATION_GOAL, RateRow, groups_with_activity, participation_table
from qiaomen.participation.activities.scope import activities_for_user, activity_for_user, group_for_user
from qiaomen.participation.models.activities import Activity, ActivityKind, AttendanceVia, SignUpChannel
from qiaomen.registry.selectors import household_for_user

router = Router(tags=["activities"])

# A time with its offset, between 2000 and 2100: far beyond any real activity or meeting, and
# storable in every time zone (year 9999 at -14:00 is past the end of the calendar in UTC, which
# failed on saving instead of answering 422).
EventTime = Annotated[
    AwareDatetime,
    Field(ge=dt.datetime(2000, 1, 1, tzinfo=dt.UTC), lt=dt.datetime(2100, 1, 1, tzinfo=dt.UTC)),
]


class ActivityOut(Schema):
    id: int
    title: str
    kind: str
    community_id: int
    building_id: int | None
    group_id: int | None
    location: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    signed_up: int
    status: str = Field(description="scheduled or cancelled")
    cancel_reason: str


class ActivityDetailOut(ActivityOut):
    signed_up_households: list[int] = Field(description="households of the caller's places that signed up")
    attended_households: list[int] = Field(description="households of the caller's places that came")


class ActivityPageOut(Schema):
    count: int
    results: list[ActivityOut]


class HouseholdIn(Schema):
    household_id: int = Field(ge=1, le=2**62)


class ActivityEditIn(Schema):
    """What to change; a field left out stays as it is. building_id or group_id null: the whole
    community, no group. The community stays."""

    title: str | None = Field(None, min_length=1, max_length=120, json_schema_extra=on_string(NOT_BLANK))
    kind: ActivityKind | None = None
    location: str | None = Field(None, max_length=120)
    starts_at: EventTime | None = Field(None, description="still to come (422 starts_in_past)")
    ends_at: EventTime | None = Field(
        None, description="after the start, three days at most (422 ends_before_start, too_long)"
    )
    capacity: int | None = Field(
        None, ge=1, le=5000, description="not below the households signed up (422 capacity_below_signups)"
    )
    building_id: int | None = Field(None, ge=1, le=2**62, description="a building of the activity's community")
    group_id: int | None = Field(None, ge=1, le=2**62, description="a group of the activity's community")


class ActivityCancelIn(Schema):
    reason: str = Field(min_length=1, max_length=200, json_schema_extra=NOT_BLANK)


class SignUpOut(Schema):
    activity_id: int
    household_id: int
    channel: str
    created_at: dt.datetime


class AttendanceOut(Schema):
    activity_id: int
    household_id: int
    via: str
    at: dt.datetime
    created: bool = Field(description="false when the household had already been recorded: it counts once")


class RateOut(Schema):
    id: int
    name: str
    households: int
    took_part: int
    rate: Decimal | None
    met: bool | None


class CommunityRateOut(RateOut):
    grids: list[RateOut]


class ParticipationOut(Schema):
    year: int
    goal: Decimal
    communities: list[CommunityRateOut]
    total: RateOut
    groups: int
    active_groups: int
    active_groups_goal: int = 10


class ListQuery(Schema):
    offset: Offset = 0
    limit: int = Field(50, ge=1, le=200)


class YearQuery(Schema):
    year: int = Field(ge=2000, le=2100)


def _activity(activity: Activity) -> dict[str, Any]:
    fields = ("id", "title", "kind", "community_id", "building_id", "group_id", "location", "starts_at", "ends_at")
    return {
        **{name: getattr(activity, name) for name in fields},
        "capacity": activity.capacity,
        "signed_up": activity.signed_up,
        "status": activity.status,
        "cancel_reason": activity.cancel_reason,
    }


@router.get("/activities", response=responses(ActivityPageOut, 401, 403, 422), url_name="activities")
def activity_list(request: HttpRequest, query: Query[ListQuery]) -> dict[str, Any]:
    user = api_user_with(request, Capability.VIEW_ACTIVITIES)
    rows = activities_for_user(user)
    page = rows[query.offset : query.offset + query.limit]
    return {"count": rows.count(), "results": [_activity(a) for a in page]}


@router.get(
    "/activities/{int:activity_id}", response=responses(ActivityDetailOut, 401, 403, 404, 422), url_name="activity"
)
def activity_detail(request: HttpRequest, activity_id: int) -> dict[str, Any]:
    user = api_user_with(request, Capability.VIEW_ACTIVITIES)
    activity = activity_for_user(user, activity_id)
    return {
        **_activity(activity),
        "signed_up_households": [row.household_id for row in activity_signups(user, activity)],
        "attended_households": [row.household_id for row in activity_attendances(user, activity)],
    }


EDITED_AS_GIVEN = ("title", "kind", "location", "starts_at", "ends_at", "capacity")


@router.post(
    "/activities/{int:activity_id}/edit",
    response=responses(ActivityOut, 400, 401, 403, 404, 409, 422),
    url_name="activity_edit",
)
def activity_change(request: HttpRequest, activity_id: int, body: ActivityEditIn) -> dict[str, Any]:
    """Change an activity that has not started, under the rules of its creation: 409 once it is
    cancelled or someone changed it meanwhile, 422 once it has started (activity_started) or for
    a value the rules refuse (its code)."""
    user = api_user_with(request, Capability.MANAGE_ACTIVITIES)
    activity = activity_for_user(user, activity_id)
    given = body.model_fields_set
    fields: dict[str, Any] = {name: getattr(activity, name) for name in (*EDITED_AS_GIVEN, "building", "group")}
    fields.update({name: getattr(body, name) for name in EDITED_AS_GIVEN if getattr(body, name) is not None})
    if "building_id" in given:
        fields["building"] = None if body.building_id is None else building_for_user(user, body.building_id)
    if "group_id" in given:
        fields["group"] = None if body.group_id is None else group_for_user(user, body.group_id)
    return _activity(activity_edit(activity=activity, user=user, request=request, **fields))


@router.post(
    "/activities/{int:activity_id}/cancel",
    response=responses(ActivityOut, 400, 401, 403, 404, 409, 422),
    url_name="activity_cancel",
)
def activity_cancel_op(request: HttpRequest, activity_id: int, body: ActivityCancelIn) -> dict[str, Any]:
    """Cancel an activity that has not started, saying why (shown to staff only). Its sign-ups
    stay, as cancelled; no sign-up or check-in afterwards. 409 when already cancelled."""
    user = api_user_with(request, Capability.MANAGE_ACTIVITIES)
    activity = activity_for_user(user, activity_id)
    return _activity(activity_cancel(activity=activity, user=user, reason=body.reason, request=request))


@router.post(
    "/activities/{int:activity_id}/signups",
    response=responses(SignUpOut, 400, 401, 403, 404, 409, 422, ok_status=201),
    url_name="activity_signups",
)
def activity_signup_add(request: HttpRequest, activity_id: int, body: HouseholdIn) -> Status[dict[str, Any]]:
    """Sign a household up: 409 when it is full or the household has already signed up, 422 once
    the activity has started."""
    user = api_user_with(request, Capability.MANAGE_ACTIVITIES)
    activity = activity_for_user(user, activity_id)
    household = household_for_user(user, body.household_id)
    row = activity_signup(
        activity=activity, household=household, channel=SignUpChannel.STAFF, user=user, request=request
    )
    return Status(
        201,
        {
            "activity_id": activity.pk,
            "household_id": household.pk,
            "channel": row.channel,
            "created_at": row.created_at,
        },
    )


@router.post(
    "/activities/{int:activity_id}/attendance",
    response=responses(AttendanceOut, 400, 401, 403, 404, 422),
    url_name="activity_attendance",
)
def activity_attendance_add(request: HttpRequest, activity_id: int, body: HouseholdIn) -> dict[str, Any]:
    """Record that a household came (staff, from the list at the door): 422 before the start."""
    user = api_user_with(request, Capability.MANAGE_ACTIVITIES)
    activity = activity_for_user(user, activity_id)
    household = household_for_user(user, body.household_id)
    row, created = activity_checkin(
        activity=activity, household=household, via=AttendanceVia.STAFF, user=user, request=request
    )
    return {"activity_id": activity.pk, "household_id": household.pk, "via": row.via, "at": row.at, "created": created}


def _rate(row: RateRow) -> dict[str, Any]:
    return {
        "id": row.place_id,
        "name": row.name,
        "households": row.households,
        "took_part": row.took_part,
        "rate": row.rate,
        "met": row.met,
    }


@router.get("/participation", response=responses(ParticipationOut, 401, 403, 422), url_name="participation")
def participation(request: HttpRequest, query: Query[YearQuery]) -> dict[str, Any]:
    """The participation rate of a calendar year (Shanghai) by community and grid, against 60 %,
    and the groups that held an activity or a meeting in it (goal 10)."""
    user = api_user_with(request, Capability.VIEW_ACTIVITIES)
    start = dt.datetime(query.year, 1, 1, tzinfo=CHINA)
    end = dt.datetime(query.year + 1, 1, 1, tzinfo=CHINA)
    scope = place_scope(user)
    table = participation_table(scope=scope, start=start, end=end)
    groups = groups_with_activity(scope=scope, start=start, end=end)
    return {
        "year": query.year,
        "goal": PARTICIPATION_GOAL,
        "communities": [{**_rate(c.community), "grids": [_rate(g) for g in c.grids]} for c in table.communities],
        "total": _rate(table.total),
        "groups": len(groups),
        "active_groups": sum(1 for row in groups if row.active),
    }
