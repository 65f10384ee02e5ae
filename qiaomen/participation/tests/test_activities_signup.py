"""Sign-up and attendance rules: capacity, duplicates, closing at the start; the door code counts
only while the activity runs, and a household counts once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from qiaomen.core.errors import Conflict, Forbidden, InvalidInput
from qiaomen.participation.activities.activities import (
    activity_by_checkin_token,
    activity_checkin,
    activity_create,
    activity_signup,
)
from qiaomen.participation.models.activities import ActivityKind, Attendance, AttendanceVia, SignUp, SignUpChannel
from qiaomen.participation.tests.activity_helpers import at, make_activity
from qiaomen.testing import SmallStreet, make_household

START = at(2025, 5, 10, 2)  # 10:00 in Shanghai


def test_signup_refuses_past_capacity(small_street: SmallStreet) -> None:
    s = small_street
    activity = make_activity(s, START, capacity=1)
    other = make_household(s.building_a, "102")
    with time_machine.travel(START - dt.timedelta(days=1), tick=False):
        activity_signup(activity=activity, household=s.household_a, channel=SignUpChannel.QR)
        with pytest.raises(Conflict) as refused:
            activity_signup(activity=activity, household=other, channel=SignUpChannel.QR)
    assert refused.value.code == "activity_full"
    activity.refresh_from_db()
    assert activity.signed_up == 1
    assert SignUp.objects.filter(activity=activity).count() == 1


def test_signup_refuses_a_duplicate_and_keeps_the_seat_count(small_street: SmallStreet) -> None:
    s = small_street
    activity = make_activity(s, START, capacity=5)
    with time_machine.travel(START - dt.timedelta(days=1), tick=False):
        activity_signup(activity=activity, household=s.household_a, channel=SignUpChannel.QR)
        with pytest.raises(Conflict) as refused:
            activity_signup(activity=activity, household=s.household_a, channel=SignUpChannel.QR)
    assert refused.value.code == "signup_duplicate"
    activity.refresh_from_db()
    assert activity.signed_up == 1


@pytest.mark.parametrize(
    ("moment", "allowed"),
    [(START - dt.timedelta(seconds=1), True), (START, False), (START + dt.timedelta(minutes=5), False)],
)
def test_signup_closes_when_the_activity_starts(small_street: SmallStreet, moment: dt.datetime, allowed: bool) -> None:
    activity = make_activity(small_street, START)
    with time_machine.travel(moment, tick=False):
        if allowed:
            activity_signup(activity=activity, household=small_street.household_a, channel=SignUpChannel.QR)
        else:
            with pytest.raises(InvalidInput) as refused:
                activity_signup(activity=activity, household=small_street.household_a, channel=SignUpChannel.QR)
            assert refused.value.code == "signup_closed"
    assert SignUp.objects.filter(activity=activity).exists() is allowed


@pytest.mark.parametrize(
    ("moment", "refusal"),
    [
        (START - dt.timedelta(seconds=1), "checkin_not_started"),
        (START, None),
        (START + dt.timedelta(hours=2) - dt.timedelta(seconds=1), None),
        (START + dt.timedelta(hours=2), "checkin_ended"),
    ],
)
def test_scan_counts_only_while_the_activity_runs(
    small_street: SmallStreet, moment: dt.datetime, refusal: str | None
) -> None:
    activity = make_activity(small_street, START, hours=2)
    with time_machine.travel(moment, tick=False):
        if refusal is None:
            _, created = activity_checkin(activity=activity, household=small_street.household_a, via=AttendanceVia.SCAN)
            assert created
        else:
            with pytest.raises(InvalidInput) as refused:
                activity_checkin(activity=activity, household=small_street.household_a, via=AttendanceVia.SCAN)
            assert refused.value.code == refusal
    assert Attendance.objects.filter(activity=activity).count() == (1 if refusal is None else 0)


def test_the_same_household_attending_twice_counts_once(small_street: SmallStreet) -> None:
    activity = make_activity(small_street, START)
    with time_machine.travel(START + dt.timedelta(minutes=10), tick=False):
        first, created = activity_checkin(activity=activity, household=small_street.household_a, via=AttendanceVia.SCAN)
        again, created_again = activity_checkin(
            activity=activity, household=small_street.household_a, via=AttendanceVia.SCAN
        )
    assert created and not created_again
    assert again.pk == first.pk
    assert Attendance.objects.filter(activity=activity).count() == 1


def test_staff_may_record_after_the_end_but_not_before_the_start(small_street: SmallStreet) -> None:
    s = small_street
    activity = make_activity(s, START)
    worker = s.users["worker_a"]
    with time_machine.travel(START - dt.timedelta(minutes=1), tick=False), pytest.raises(InvalidInput):
        activity_checkin(activity=activity, household=s.household_a, via=AttendanceVia.STAFF, user=worker)
    with time_machine.travel(START + dt.timedelta(days=1), tick=False):
        _, created = activity_checkin(activity=activity, household=s.household_a, via=AttendanceVia.STAFF, user=worker)
    assert created


def test_the_checkin_token_finds_its_activity_and_nothing_else(small_street: SmallStreet) -> None:
    activity = make_activity(small_street, START)
    assert activity_by_checkin_token(activity.checkin_token) == activity
    # Another last character (a token may already end in "x": one in 64).
    changed = "y" if activity.checkin_token.endswith("x") else "x"
    assert activity_by_checkin_token(activity.checkin_token[:-1] + changed) is None
    assert activity_by_checkin_token("") is None


def test_activity_create_refuses_bad_input_and_other_places(small_street: SmallStreet) -> None:
    s = small_street
    args: dict[str, Any] = {"title": "讲座", "kind": ActivityKind.LEARNING, "capacity": 10}
    with pytest.raises(InvalidInput) as refused:
        activity_create(user=s.users["street_admin"], community=s.community_1, starts_at=START, ends_at=START, **args)
    assert refused.value.code == "ends_before_start"
    with pytest.raises(InvalidInput) as refused:
        activity_create(
            user=s.users["street_admin"],
            community=s.community_1,
            building=s.building_b,
            starts_at=START,
            ends_at=START + dt.timedelta(hours=1),
            **args,
        )
    assert refused.value.code == "building_not_in_community"
    with pytest.raises(Forbidden):
        activity_create(
            user=s.users["worker_a"],
            community=s.community_2,
            starts_at=START,
            ends_at=START + dt.timedelta(hours=1),
            **args,
        )
