"""Meetings: attendees are linked households, a decision opens one ticket through the staff
intake, and the ticket leads back to its decision."""

from __future__ import annotations

import pytest

from qiaomen.core.errors import Conflict, Forbidden, InvalidInput
from qiaomen.participation.activities.meetings import (
    decision_ticket_open,
    meeting_attendee_add,
    meeting_decision_add,
)
from qiaomen.participation.tests.activity_helpers import at, make_meeting
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Channel


def test_a_decision_opens_one_staff_ticket_that_links_back(small_street: SmallStreet) -> None:
    s = small_street
    meeting = make_meeting(s, at(2025, 3, 1), households=(s.household_a,))
    decision = meeting_decision_add(meeting=meeting, user=s.users["worker_a"], text="修复3栋楼道灯")
    ticket = decision_ticket_open(decision=decision, user=s.users["worker_a"])
    assert ticket.channel == Channel.STAFF
    assert ticket.grid_id == s.grid_a.pk
    assert ticket.created_by == s.users["worker_a"]
    assert "修复3栋楼道灯" in ticket.description and "敲门议事会" in ticket.description
    ticket.refresh_from_db()
    assert ticket.meeting_decision == decision
    with pytest.raises(Conflict):
        decision_ticket_open(decision=decision, user=s.users["worker_a"])


def test_a_community_meeting_needs_a_grid_of_its_own_community(small_street: SmallStreet) -> None:
    s = small_street
    meeting = make_meeting(s, at(2025, 3, 1))
    meeting.grid = None
    meeting.save()
    decision = meeting_decision_add(meeting=meeting, user=s.users["street_admin"], text="整治停车")
    with pytest.raises(InvalidInput) as refused:
        decision_ticket_open(decision=decision, user=s.users["street_admin"])
    assert refused.value.code == "decision_grid_needed"
    with pytest.raises(InvalidInput):
        decision_ticket_open(decision=decision, user=s.users["street_admin"], grid=s.grid_b)
    with pytest.raises(Forbidden):
        decision_ticket_open(decision=decision, user=s.users["supervisor"], grid=s.grid_a)
    decision.refresh_from_db()
    assert decision.ticket is None


def test_the_same_household_is_on_the_list_once(small_street: SmallStreet) -> None:
    s = small_street
    meeting = make_meeting(s, at(2025, 3, 1), households=(s.household_a,))
    with pytest.raises(Conflict):
        meeting_attendee_add(meeting=meeting, household=s.household_a, user=s.users["worker_a"])
    with pytest.raises(InvalidInput):
        meeting_attendee_add(meeting=meeting, household=s.household_b, person=s.elder_a, user=s.users["worker_a"])


def test_a_meeting_title_or_place_over_120_characters_is_refused_and_nothing_stored(small_street: SmallStreet) -> None:
    from qiaomen.participation.activities.meetings import meeting_create
    from qiaomen.participation.models.activities import Meeting

    s = small_street
    for title, location in (("议" * 121, ""), ("楼道议事", "处" * 121)):
        with pytest.raises(InvalidInput) as refused:
            meeting_create(
                user=s.users["street_admin"],
                community=s.community_1,
                title=title,
                held_at=at(2025, 3, 1),
                agenda="加装电梯",
                location=location,
            )
        assert refused.value.code == "text_too_long"
    assert not Meeting.objects.exists()


def test_a_groups_members_live_in_its_community(small_street: SmallStreet) -> None:
    from qiaomen.participation.activities.groups import group_create, group_member_add
    from qiaomen.participation.models.activities import GroupMember

    s = small_street
    group = group_create(user=s.users["street_admin"], community=s.community_1, name="和平睦邻会", kind="elders")
    with pytest.raises(InvalidInput) as refused:
        group_member_add(group=group, person=s.resident_b, user=s.users["street_admin"])
    assert refused.value.code == "member_other_community"
    assert not GroupMember.objects.exists()
    assert group_member_add(group=group, person=s.elder_a, user=s.users["street_admin"]).person == s.elder_a
