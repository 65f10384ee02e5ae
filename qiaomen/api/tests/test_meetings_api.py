"""Meetings and self-governing groups through the API: lists and records of the caller's places
only (another community's a 404), holding a meeting, recording a decision, adding a member, and
refusals with their codes that write nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

from qiaomen.participation.activities.groups import group_create
from qiaomen.participation.models.activities import GroupKind, GroupMember, Meeting, MeetingDecision
from qiaomen.participation.tests.activity_helpers import at, make_meeting, participation_records
from qiaomen.testing import SmallStreet


def _post(url: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    return Client().post(url, body, content_type="application/json", headers=headers)


def test_meetings_are_listed_read_held_and_decided_within_ones_places(
    small_street: SmallStreet, bearer: Callable[[str], dict[str, str]]
) -> None:
    s = small_street
    theirs = participation_records(s)["meeting"]
    assert isinstance(theirs, Meeting)
    mine = make_meeting(s, at(2025, 3, 1), households=(s.household_a,))
    headers = bearer("worker_a")

    listed = Client().get("/api/v1/meetings?limit=10", headers=headers).json()
    assert (listed["count"], [row["id"] for row in listed["results"]]) == (1, [mine.pk])
    detail = Client().get(f"/api/v1/meetings/{mine.pk}", headers=headers).json()
    assert (detail["grid_id"], detail["attendee_households"], detail["decisions"]) == (
        s.grid_a.pk,
        [s.household_a.pk],
        [],
    )
    assert Client().get(f"/api/v1/meetings/{theirs.pk}", headers=headers).status_code == 404

    decided = _post(f"/api/v1/meetings/{mine.pk}/decisions", {"text": "修复3栋楼道灯"}, headers)
    assert decided.status_code == 201
    assert (decided.json()["meeting_id"], decided.json()["ticket_id"]) == (mine.pk, None)
    blank = _post(f"/api/v1/meetings/{mine.pk}/decisions", {"text": "   "}, headers)
    assert (blank.status_code, blank.json()["code"]) == (422, "decision_required")
    assert _post(f"/api/v1/meetings/{theirs.pk}/decisions", {"text": "修路灯"}, headers).status_code == 404
    assert MeetingDecision.objects.filter(meeting=mine).count() == 1
    assert MeetingDecision.objects.filter(meeting=theirs).count() == 1  # the one participation_records made


def test_a_meeting_is_held_in_ones_own_community_and_grid(
    small_street: SmallStreet, bearer: Callable[[str], dict[str, str]]
) -> None:
    s = small_street
    body = {
        "community_id": s.community_1.pk,
        "grid_id": s.grid_a.pk,
        "title": "加装电梯议事会",
        "held_at": "2026-12-20T19:00:00+08:00",
        "agenda": "一、加装电梯意见征集",
    }
    held = _post("/api/v1/meetings", body, bearer("worker_a"))
    assert held.status_code == 201
    assert (held.json()["community_id"], held.json()["grid_id"], held.json()["decisions"]) == (
        s.community_1.pk,
        s.grid_a.pk,
        [],
    )
    refusals: list[tuple[str, dict[str, Any], int, str]] = [
        ("worker_a", {"community_id": s.community_2.pk, "grid_id": None}, 404, "not_found"),
        ("worker_a", {"grid_id": s.grid_b.pk}, 404, "not_found"),
        ("street_admin", {"grid_id": s.grid_b.pk}, 422, "grid_not_in_community"),
        ("worker_a", {"title": "   "}, 422, "title_required"),
        ("worker_a", {"held_at": "2026-12-20T19:00:00"}, 422, "invalid_input"),  # no time zone
        ("supervisor", {}, 403, "forbidden"),
    ]
    for persona, change, status, code in refusals:
        refused = _post("/api/v1/meetings", {**body, **change}, bearer(persona))
        assert (refused.status_code, refused.json()["code"]) == (status, code), change
    assert Meeting.objects.count() == 1


def test_groups_are_listed_read_and_joined_within_ones_places(
    small_street: SmallStreet, bearer: Callable[[str], dict[str, str]]
) -> None:
    s = small_street
    theirs = participation_records(s)["resident_group"]
    mine = group_create(
        user=s.users["street_admin"], community=s.community_1, name="和平合唱队", kind=GroupKind.INTEREST
    )
    headers = bearer("worker_a")

    listed = Client().get("/api/v1/groups", headers=headers).json()
    assert (listed["count"], [row["name"] for row in listed["results"]]) == (1, ["和平合唱队"])
    assert Client().get(f"/api/v1/groups/{theirs.pk}", headers=headers).status_code == 404
    assert _post(f"/api/v1/groups/{theirs.pk}/members", {"person_id": s.elder_a.pk}, headers).status_code == 404

    joined = _post(f"/api/v1/groups/{mine.pk}/members", {"person_id": s.elder_a.pk, "is_leader": True}, headers)
    assert joined.status_code == 201
    assert (joined.json()["person_id"], joined.json()["is_leader"]) == (s.elder_a.pk, True)
    again = _post(f"/api/v1/groups/{mine.pk}/members", {"person_id": s.elder_a.pk}, headers)
    assert (again.status_code, again.json()["code"]) == (409, "member_duplicate")
    stranger = _post(f"/api/v1/groups/{mine.pk}/members", {"person_id": s.resident_b.pk}, headers)
    assert stranger.status_code == 404  # grid B's resident: not the worker's to add
    bad = _post(f"/api/v1/groups/{mine.pk}/members", {"person_id": 0}, headers)
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_input")
    detail = Client().get(f"/api/v1/groups/{mine.pk}", headers=headers).json()
    assert [(m["person_id"], m["is_leader"]) for m in detail["members"]] == [(s.elder_a.pk, True)]
    assert GroupMember.objects.filter(group=mine).count() == 1
