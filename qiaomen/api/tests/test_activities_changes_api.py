"""Changing and cancelling an activity through the API: partial changes under the creation's
rules, refusals with their codes that change nothing, another community's activity a 404."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.test import Client
from django.utils import timezone

from qiaomen.participation.activities.activities import activity_signup
from qiaomen.participation.models.activities import Activity, SignUpChannel
from qiaomen.participation.tests.activity_helpers import make_activity, participation_records
from qiaomen.testing import SmallStreet, make_household


def _post(url: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    return Client().post(url, body, content_type="application/json", headers=headers)


def test_an_activity_is_changed_in_part_and_bad_input_changes_nothing(
    small_street: SmallStreet, bearer: Callable[[str], dict[str, str]]
) -> None:
    s = small_street
    activity = make_activity(s, timezone.now() + dt.timedelta(days=3), capacity=5)
    for room in ("102", "103"):
        activity_signup(activity=activity, household=make_household(s.building_a, room), channel=SignUpChannel.QR)
    headers = bearer("worker_a")
    url = f"/api/v1/activities/{activity.pk}/edit"

    done = _post(url, {"title": "太极拳", "capacity": 8, "building_id": None}, headers)

    assert done.status_code == 200
    body = done.json()
    assert (body["title"], body["capacity"], body["building_id"], body["kind"]) == ("太极拳", 8, None, "culture")
    assert (body["status"], body["signed_up"]) == ("scheduled", 2)
    start = activity.starts_at
    refusals: list[tuple[dict[str, Any], str]] = [
        ({"ends_at": start.isoformat()}, "ends_before_start"),
        ({"capacity": 1}, "capacity_below_signups"),
        ({"title": "   "}, "title_required"),
        ({"starts_at": "2020-01-01T10:00:00+08:00", "ends_at": "2020-01-01T12:00:00+08:00"}, "starts_in_past"),
        ({"starts_at": "2030-01-01T10:00:00"}, "invalid_input"),  # no time zone
        ({"starts_at": "9999-12-31T22:00:00-14:00", "ends_at": "9999-12-31T23:00:00-14:00"}, "invalid_input"),
        ({"capacity": 0}, "invalid_input"),
    ]
    for change, code in refusals:
        refused = _post(url, change, headers)
        assert (refused.status_code, refused.json()["code"]) == (422, code), change
    activity.refresh_from_db()
    assert (activity.title, activity.capacity, activity.starts_at, activity.version) == ("太极拳", 8, start, 2)


def test_another_communitys_activity_and_building_are_not_found(
    small_street: SmallStreet, bearer: Callable[[str], dict[str, str]]
) -> None:
    s = small_street
    theirs = participation_records(s)["activity"]
    mine = make_activity(s, timezone.now() + dt.timedelta(days=3))
    headers = bearer("worker_a")
    assert _post(f"/api/v1/activities/{theirs.pk}/edit", {"title": "改"}, headers).status_code == 404
    assert _post(f"/api/v1/activities/{theirs.pk}/cancel", {"reason": "不办了"}, headers).status_code == 404
    moved = _post(f"/api/v1/activities/{mine.pk}/edit", {"building_id": s.building_b.pk}, headers)
    assert moved.status_code == 404
    # The street admin sees building B, but it lies in another community than the activity.
    elsewhere = _post(f"/api/v1/activities/{mine.pk}/edit", {"building_id": s.building_b.pk}, bearer("street_admin"))
    assert (elsewhere.status_code, elsewhere.json()["code"]) == (422, "building_not_in_community")
    reader = _post(f"/api/v1/activities/{mine.pk}/cancel", {"reason": "不办了"}, bearer("supervisor"))
    assert reader.status_code == 403
    for activity in (theirs, mine):
        assert isinstance(activity, Activity)
        activity.refresh_from_db()
        assert (activity.title, activity.status, activity.version) == ("广场舞", "scheduled", 1)
    assert mine.building_id == s.building_a.pk


def test_an_activity_is_cancelled_once_with_a_reason(
    small_street: SmallStreet, bearer: Callable[[str], dict[str, str]]
) -> None:
    s = small_street
    activity = make_activity(s, timezone.now() + dt.timedelta(days=3))
    headers = bearer("worker_a")
    url = f"/api/v1/activities/{activity.pk}/cancel"
    for reason, code in (("", "invalid_input"), ("   ", "reason_required")):
        refused = _post(url, {"reason": reason}, headers)
        assert (refused.status_code, refused.json()["code"]) == (422, code)

    done = _post(url, {"reason": "暴雨预警"}, headers)

    assert done.status_code == 200
    assert (done.json()["status"], done.json()["cancel_reason"]) == ("cancelled", "暴雨预警")
    again = _post(url, {"reason": "再次"}, headers)
    assert (again.status_code, again.json()["code"]) == (409, "activity_cancelled")
    edit = _post(f"/api/v1/activities/{activity.pk}/edit", {"title": "改"}, headers)
    assert (edit.status_code, edit.json()["code"]) == (409, "activity_cancelled")
    signup = _post(f"/api/v1/activities/{activity.pk}/signups", {"household_id": s.household_a.pk}, headers)
    assert (signup.status_code, signup.json()["code"]) == (409, "activity_cancelled")
    listed = Client().get("/api/v1/activities", headers=headers).json()["results"]
    assert [(row["id"], row["status"]) for row in listed] == [(activity.pk, "cancelled")]
