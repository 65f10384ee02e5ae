"""An activity after its creation: edited before it starts under the creation's rules (and never
below its sign-ups), cancelled with a reason (sign-ups kept, no sign-up or check-in afterwards),
and a household's sign-up withdrawn before the start, freeing its place."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from qiaomen.accounts.scopes import place_scope
from qiaomen.core.errors import Conflict, Forbidden, InvalidInput
from qiaomen.core.models import AuditEntry, TransitionEvent
from qiaomen.participation.activities.activities import activity_checkin, activity_signup
from qiaomen.participation.activities.changes import activity_cancel, activity_edit, signup_withdraw
from qiaomen.participation.activities.groups import group_create
from qiaomen.participation.activities.rate import groups_with_activity
from qiaomen.participation.activities.residents import activities_open_to, household_signups
from qiaomen.participation.models.activities import (
    Activity,
    ActivityKind,
    ActivityStatus,
    AttendanceVia,
    GroupKind,
    SignUp,
    SignUpChannel,
)
from qiaomen.participation.tests.activity_helpers import at, make_activity
from qiaomen.testing import SmallStreet, make_household

START = at(2025, 5, 10, 2)  # 10:00 in Shanghai
BEFORE = START - dt.timedelta(days=1)


def _as_is(activity: Activity, **change: Any) -> dict[str, Any]:
    """activity_edit's arguments: the activity as it is, with `change` applied."""
    fields = ("title", "kind", "starts_at", "ends_at", "capacity", "building", "group", "location")
    return {**{name: getattr(activity, name) for name in fields}, **change}


def _fresh(activity: Activity) -> Activity:
    return Activity.objects.select_related("community", "building").get(pk=activity.pk)


def test_an_edit_before_the_start_changes_the_activity_and_leaves_its_history(small_street: SmallStreet) -> None:
    s = small_street
    activity = make_activity(s, START, capacity=10)
    worker = s.users["worker_a"]
    later = START + dt.timedelta(days=1)
    with time_machine.travel(BEFORE, tick=False):
        activity_edit(
            activity=_fresh(activity),
            user=worker,
            **_as_is(
                activity,
                title=" 义诊 ",
                kind=ActivityKind.HEALTH,
                starts_at=later,
                ends_at=later + dt.timedelta(hours=3),
                capacity=20,
                building=None,
                location="社区活动室",
            ),
        )
    activity.refresh_from_db()
    assert (activity.title, activity.kind, activity.starts_at, activity.capacity) == ("义诊", "health", later, 20)
    assert (activity.building, activity.location, activity.version) == (None, "社区活动室", 2)
    event = TransitionEvent.objects.get(object_type="participation.activity", object_id=str(activity.pk))
    assert (event.action, event.old_status, event.new_status, event.actor) == ("edit", "scheduled", "scheduled", worker)
    assert "capacity" in event.detail["fields"]
    assert AuditEntry.objects.filter(action="activity.edit", object_id=str(activity.pk)).exists()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"title": "  "}, "title_required"),
        ({"kind": "party"}, "kind_invalid"),
        ({"ends_at": START}, "ends_before_start"),
        ({"ends_at": START + dt.timedelta(days=4)}, "too_long"),
        ({"capacity": 0}, "capacity_invalid"),
        ({"capacity": 1}, "capacity_below_signups"),
        ({"starts_at": BEFORE - dt.timedelta(hours=1)}, "starts_in_past"),
        ({"starts_at": dt.datetime(2025, 5, 10, 9)}, "time_no_offset"),  # no time zone
    ],
)
def test_an_edit_keeps_the_rules_of_creation_and_bad_input_changes_nothing(
    small_street: SmallStreet, change: dict[str, Any], code: str
) -> None:
    s = small_street
    activity = make_activity(s, START, capacity=5)
    with time_machine.travel(BEFORE, tick=False):
        for room in ("102", "103"):
            activity_signup(activity=activity, household=make_household(s.building_a, room), channel=SignUpChannel.QR)
        with pytest.raises(InvalidInput) as refused:
            activity_edit(activity=_fresh(activity), user=s.users["worker_a"], **_as_is(activity, **change))
    assert refused.value.code == code
    after = _fresh(activity)
    assert (after.title, after.capacity, after.ends_at, after.version) == ("广场舞", 5, activity.ends_at, 1)


def test_an_edit_is_refused_once_started_when_cancelled_and_outside_ones_places(small_street: SmallStreet) -> None:
    s = small_street
    activity = make_activity(s, START)
    with time_machine.travel(START, tick=False), pytest.raises(InvalidInput) as started:
        activity_edit(activity=_fresh(activity), user=s.users["worker_a"], **_as_is(activity, title="新"))
    assert started.value.code == "activity_started"
    with time_machine.travel(BEFORE, tick=False):
        with pytest.raises(Forbidden):
            activity_edit(activity=_fresh(activity), user=s.users["worker_b"], **_as_is(activity, title="新"))
        with pytest.raises(InvalidInput) as elsewhere:
            activity_edit(
                activity=_fresh(activity), user=s.users["street_admin"], **_as_is(activity, building=s.building_b)
            )
        assert elsewhere.value.code == "building_not_in_community"
        activity_cancel(activity=_fresh(activity), user=s.users["worker_a"], reason="暴雨")
        with pytest.raises(Conflict) as cancelled:
            activity_edit(activity=_fresh(activity), user=s.users["worker_a"], **_as_is(activity, title="新"))
    assert cancelled.value.code == "activity_cancelled"
    assert _fresh(activity).title == "广场舞"


def test_a_sign_up_that_slipped_in_keeps_the_capacity_from_dropping_below_it(small_street: SmallStreet) -> None:
    """The organiser read the activity with one household signed up; a second signed up before
    the edit was saved. The database's own constraint refuses the capacity of 1."""
    s = small_street
    activity = make_activity(s, START, capacity=2)
    with time_machine.travel(BEFORE, tick=False):
        activity_signup(activity=activity, household=s.household_a, channel=SignUpChannel.QR)
        read_by_organiser = _fresh(activity)
        activity_signup(activity=_fresh(activity), household=make_household(s.building_a, "102"), channel="qr")
        with pytest.raises(InvalidInput) as refused:
            activity_edit(activity=read_by_organiser, user=s.users["worker_a"], **_as_is(activity, capacity=1))
    assert refused.value.code == "capacity_below_signups"
    after = _fresh(activity)
    assert (after.capacity, after.signed_up, after.version) == (2, 2, 1)


def test_a_cancelled_activity_keeps_its_sign_ups_and_takes_no_more_nor_any_check_in(
    small_street: SmallStreet,
) -> None:
    s = small_street
    activity = make_activity(s, START)
    with time_machine.travel(BEFORE, tick=False):
        activity_signup(activity=activity, household=s.household_a, channel=SignUpChannel.QR)
        cancelled = activity_cancel(activity=_fresh(activity), user=s.users["worker_a"], reason=" 暴雨预警 ")
        assert (cancelled.status, cancelled.cancel_reason) == (ActivityStatus.CANCELLED, "暴雨预警")
        with pytest.raises(Conflict) as no_signup:
            activity_signup(activity=_fresh(activity), household=make_household(s.building_a, "102"), channel="qr")
        assert no_signup.value.code == "activity_cancelled"
        # Gone from what the household may sign up for; its own sign-up stays, as cancelled.
        assert not activities_open_to(s.household_a, now=BEFORE).exists()
        [kept] = household_signups(s.household_a, now=BEFORE)
        assert kept.activity.status == ActivityStatus.CANCELLED
        with pytest.raises(Conflict) as again:
            activity_cancel(activity=_fresh(activity), user=s.users["worker_a"], reason="再次")
        assert again.value.code == "activity_cancelled"
    for via, user in ((AttendanceVia.SCAN, None), (AttendanceVia.STAFF, s.users["worker_a"])):
        with time_machine.travel(START + dt.timedelta(minutes=5), tick=False), pytest.raises(Conflict) as no_checkin:
            activity_checkin(activity=_fresh(activity), household=s.household_a, via=via, user=user)
        assert no_checkin.value.code == "activity_cancelled"
    event = TransitionEvent.objects.get(object_type="participation.activity", action="cancel")
    assert (event.old_status, event.new_status, event.reason) == ("scheduled", "cancelled", "暴雨预警")
    assert SignUp.objects.filter(activity=activity).count() == 1


def test_cancelling_needs_a_reason_and_a_start_still_to_come(small_street: SmallStreet) -> None:
    s = small_street
    activity = make_activity(s, START)
    with time_machine.travel(BEFORE, tick=False):
        for reason, code in (("  ", "reason_required"), ("雨" * 201, "reason_too_long")):
            with pytest.raises(InvalidInput) as refused:
                activity_cancel(activity=_fresh(activity), user=s.users["worker_a"], reason=reason)
            assert refused.value.code == code
        with pytest.raises(Forbidden):
            activity_cancel(activity=_fresh(activity), user=s.users["supervisor"], reason="暴雨")
    with time_machine.travel(START, tick=False), pytest.raises(InvalidInput) as started:
        activity_cancel(activity=_fresh(activity), user=s.users["worker_a"], reason="暴雨")
    assert started.value.code == "activity_started"
    assert _fresh(activity).status == ActivityStatus.SCHEDULED


def test_a_cancelled_groups_activity_does_not_make_the_group_active(small_street: SmallStreet) -> None:
    s = small_street
    admin = s.users["street_admin"]
    group = group_create(user=admin, community=s.community_1, name="合唱队", kind=GroupKind.INTEREST)
    activity = make_activity(s, START, group=group)
    with time_machine.travel(BEFORE, tick=False):
        activity_cancel(activity=_fresh(activity), user=admin, reason="场地维修")
    with time_machine.travel(START + dt.timedelta(days=30), tick=False):
        [row] = groups_with_activity(scope=place_scope(admin), start=at(2025, 1, 1), end=at(2026, 1, 1))
    assert row.active is False


def test_withdrawing_frees_the_place_for_another_household(small_street: SmallStreet) -> None:
    s = small_street
    activity = make_activity(s, START, capacity=1)
    other = make_household(s.building_a, "102")
    with time_machine.travel(BEFORE, tick=False):
        signup = activity_signup(activity=activity, household=s.household_a, channel=SignUpChannel.QR)
        assert not activities_open_to(other, now=BEFORE).exists()  # full
        signup_withdraw(signup=SignUp.objects.select_related("activity").get(pk=signup.pk))
        assert _fresh(activity).signed_up == 0
        assert not SignUp.objects.filter(activity=activity).exists()
        activity_signup(activity=_fresh(activity), household=other, channel=SignUpChannel.QR)
        with pytest.raises(Conflict) as twice:
            signup_withdraw(signup=signup)  # the first household's, already gone
    assert twice.value.code == "signup_withdrawn"
    assert _fresh(activity).signed_up == 1
    entry = AuditEntry.objects.get(action="activity.withdraw")
    assert entry.detail["household"] == s.household_a.pk and entry.actor is None


def test_withdrawing_is_refused_once_started_or_cancelled(small_street: SmallStreet) -> None:
    s = small_street
    activity = make_activity(s, START)
    with time_machine.travel(BEFORE, tick=False):
        signup = activity_signup(activity=activity, household=s.household_a, channel=SignUpChannel.QR)
    with time_machine.travel(START, tick=False), pytest.raises(InvalidInput) as started:
        signup_withdraw(signup=SignUp.objects.select_related("activity").get(pk=signup.pk))
    assert started.value.code == "withdraw_closed"
    with time_machine.travel(BEFORE, tick=False):
        activity_cancel(activity=_fresh(activity), user=s.users["worker_a"], reason="暴雨")
        with pytest.raises(Conflict) as cancelled:
            signup_withdraw(signup=SignUp.objects.select_related("activity").get(pk=signup.pk))
    assert cancelled.value.code == "activity_cancelled"
    assert SignUp.objects.filter(pk=signup.pk).exists() and _fresh(activity).signed_up == 1
