"""Small builders for the activities tests: an activity, a meeting, a group at a given moment."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.db.models import Model
from django.utils import timezone

from qiaomen.participation.activities.activities import activity_create, activity_signup
from qiaomen.participation.activities.groups import group_create, group_member_add
from qiaomen.participation.activities.meetings import meeting_attendee_add, meeting_create, meeting_decision_add
from qiaomen.participation.models.activities import (
    Activity,
    ActivityKind,
    GroupKind,
    Meeting,
    ResidentGroup,
    SignUpChannel,
)
from qiaomen.places.models import Building
from qiaomen.registry.models import Household
from qiaomen.testing import SmallStreet

UTC = dt.UTC


def at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=UTC)


def make_activity(
    s: SmallStreet,
    starts_at: dt.datetime,
    *,
    building: Building | None = None,
    capacity: int = 30,
    hours: int = 2,
    group: ResidentGroup | None = None,
) -> Activity:
    """An activity created a week before it starts, by the street admin."""
    building = building or s.building_a
    community = s.community_1 if building.grid.community_id == s.community_1.pk else s.community_2
    with time_machine.travel(starts_at - dt.timedelta(days=7), tick=False):
        return activity_create(
            user=s.users["street_admin"],
            community=community,
            building=building,
            group=group,
            title="广场舞",
            kind=ActivityKind.CULTURE,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=hours),
            capacity=capacity,
        )


def make_meeting(
    s: SmallStreet,
    held_at: dt.datetime,
    *,
    households: tuple[Household, ...] = (),
    group: ResidentGroup | None = None,
    community_2: bool = False,
) -> Meeting:
    meeting = meeting_create(
        user=s.users["street_admin"],
        community=s.community_2 if community_2 else s.community_1,
        grid=s.grid_b if community_2 else s.grid_a,
        group=group,
        title="加装电梯议事会",
        held_at=held_at,
        agenda="一、加装电梯意见征集",
    )
    for household in households:
        meeting_attendee_add(meeting=meeting, household=household, user=s.users["street_admin"])
    return meeting


def participation_records(s: SmallStreet) -> dict[str, Model]:
    """Grid B's participation records for the scope sweep: an activity in building B with household
    B signed up, a meeting of grid B with household B on its list and a decision, and a group of
    community 2 with grid B's resident as a member."""
    admin = s.users["street_admin"]
    group = group_create(user=admin, community=s.community_2, name="光明合唱队", kind=GroupKind.INTEREST)
    group_member_add(group=group, person=s.resident_b, user=admin)
    activity = make_activity(s, timezone.now() + dt.timedelta(days=3), building=s.building_b, group=group)
    activity_signup(activity=activity, household=s.household_b, channel=SignUpChannel.STAFF, user=admin)
    meeting = make_meeting(s, timezone.now(), households=(s.household_b,), community_2=True)
    decision = meeting_decision_add(meeting=meeting, user=admin, text="修复路灯")
    return {"activity": activity, "meeting": meeting, "meeting_decision": decision, "resident_group": group}
