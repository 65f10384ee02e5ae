"""Activities from the QR pages: a household signs itself up from its own page (rate-limited,
nothing personal shown), and the code at the activity's door checks the household in only while
the activity runs, once however often it scans."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings

from qiaomen.participation.models.activities import Attendance, SignUp
from qiaomen.participation.tests.activity_helpers import make_activity
from qiaomen.public.tests.conftest import Doors


def _page(token: str) -> str:
    return reverse("public:door_activities", args=[token])


def test_a_household_signs_itself_up_and_sees_no_personal_data(doors: Doors, resident: Callable[..., Client]) -> None:
    s = doors.street
    activity = make_activity(s, timezone.now() + dt.timedelta(days=3), capacity=1)
    phone = resident()
    page = phone.get(_page(doors.token_a)).content.decode()
    assert activity.title in page
    for private in (s.elder_a.name, s.building_a.address, str(s.household_a)):
        assert private not in page
    assert not doors.shows_room_of_a(page)
    assert phone.post(_page(doors.token_a), {"activity": activity.pk}).status_code == 302
    assert SignUp.objects.filter(activity=activity, household=s.household_a, channel="qr").exists()
    # Household B (another community) cannot reach community 1's activity; and it is full anyway.
    refused = resident("10.0.0.2").post(_page(doors.token_b), {"activity": activity.pk})
    assert refused.status_code == 404
    assert SignUp.objects.filter(activity=activity).count() == 1


def test_sign_up_is_refused_with_a_clear_message_when_full(doors: Doors, resident: Callable[..., Client]) -> None:
    s = doors.street
    activity = make_activity(s, timezone.now() + dt.timedelta(days=3), capacity=1)
    resident().post(_page(doors.elder_token), {"activity": activity.pk})  # the elder's card: same household
    again = resident().post(_page(doors.token_a), {"activity": activity.pk})
    assert again.status_code == 404  # no longer open to this household: it has signed up


def test_sign_ups_are_rate_limited_per_code(doors: Doors, resident: Callable[..., Client], settings: Settings) -> None:
    settings.QR_SUBMITS_PER_CODE_PER_HOUR = 2
    s = doors.street
    activities = [make_activity(s, timezone.now() + dt.timedelta(days=3 + n)) for n in range(3)]
    phone = resident()
    answers = [phone.post(_page(doors.token_a), {"activity": a.pk}).status_code for a in activities]
    assert answers == [302, 302, 429]
    assert SignUp.objects.filter(household=s.household_a).count() == 2


def test_the_door_code_checks_in_only_while_the_activity_runs(doors: Doors, resident: Callable[..., Client]) -> None:
    s = doors.street
    start = timezone.now() + dt.timedelta(days=1)
    activity = make_activity(s, start, hours=2)
    checkin = reverse("public:activity_checkin", args=[activity.checkin_token])
    phone = resident()
    phone.get(_page(doors.token_a))  # the phone learns its household
    with time_machine.travel(start - dt.timedelta(minutes=1), tick=False):
        early = phone.post(checkin)
    with time_machine.travel(start + dt.timedelta(hours=2), tick=False):
        late = phone.post(checkin)
    assert (early.status_code, late.status_code) == (422, 422)
    assert "not started" in early.content.decode() or "尚未开始" in early.content.decode()
    assert not Attendance.objects.exists()
    with time_machine.travel(start, tick=False):
        first = phone.post(checkin)
        second = phone.post(checkin)
    assert first.status_code == second.status_code == 200
    assert Attendance.objects.filter(activity=activity, household=s.household_a).count() == 1


def test_a_phone_that_does_not_know_its_household_is_told_how(doors: Doors, resident: Callable[..., Client]) -> None:
    activity = make_activity(doors.street, timezone.now() - dt.timedelta(minutes=5))
    checkin = reverse("public:activity_checkin", args=[activity.checkin_token])
    stranger = resident()
    assert stranger.get(checkin).status_code == 200
    assert stranger.post(checkin).status_code == 403
    assert not Attendance.objects.exists()
    assert resident().get(reverse("public:activity_checkin", args=["x" * 32])).status_code == 404
