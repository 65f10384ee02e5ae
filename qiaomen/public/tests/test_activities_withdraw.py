"""A household withdraws its sign-up from its own QR page: before the activity starts, its own
sign-ups only (another household's is not found), rate-limited together with signing up, and a
cancelled activity's sign-up is shown as cancelled with nothing to withdraw."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings

from qiaomen.participation.activities.activities import activity_signup
from qiaomen.participation.activities.changes import activity_cancel
from qiaomen.participation.models.activities import Activity, SignUp, SignUpChannel
from qiaomen.participation.tests.activity_helpers import make_activity
from qiaomen.public.tests.conftest import Doors
from qiaomen.testing import make_household
from qiaomen.tickets.doorcodes.codes import door_code_issue


def _page(token: str) -> str:
    return reverse("public:door_activities", args=[token])


def test_a_household_withdraws_its_sign_up_and_the_place_is_free_again(
    doors: Doors, resident: Callable[..., Client]
) -> None:
    s = doors.street
    activity = make_activity(s, timezone.now() + dt.timedelta(days=3), capacity=1)
    phone = resident()
    phone.post(_page(doors.token_a), {"activity": activity.pk})
    signup = SignUp.objects.get(activity=activity, household=s.household_a)
    page = phone.get(_page(doors.token_a)).content.decode()
    assert f'name="withdraw" value="{signup.pk}"' in page
    for private in (s.elder_a.name, s.building_a.address, s.household_a.room):
        assert private not in page

    done = phone.post(_page(doors.token_a), {"withdraw": signup.pk})

    assert done.status_code == 302 and done["Location"].endswith("?withdrawn=1")
    assert not SignUp.objects.filter(activity=activity).exists()
    assert Activity.objects.get(pk=activity.pk).signed_up == 0
    again = phone.get(done["Location"]).content.decode()
    assert f'name="activity" value="{activity.pk}"' in again  # open for sign-up once more
    assert 'name="withdraw"' not in again


def test_another_households_sign_up_is_not_found(doors: Doors, resident: Callable[..., Client]) -> None:
    s = doors.street
    activity = make_activity(s, timezone.now() + dt.timedelta(days=3))
    neighbour = make_household(s.building_a, "102")  # same building, same community
    _, neighbour_token = door_code_issue(household=neighbour, user=s.users["worker_a"])
    resident("10.0.0.3").post(_page(neighbour_token), {"activity": activity.pk})
    theirs = SignUp.objects.get(activity=activity, household=neighbour)

    for value in (theirs.pk, "x", ""):
        refused = resident().post(_page(doors.token_a), {"withdraw": value})
        assert refused.status_code == 404
    assert SignUp.objects.filter(pk=theirs.pk).exists()
    assert Activity.objects.get(pk=activity.pk).signed_up == 1


def test_withdrawing_counts_against_the_same_limits_as_signing_up(
    doors: Doors, resident: Callable[..., Client], settings: Settings
) -> None:
    settings.QR_SUBMITS_PER_CODE_PER_HOUR = 2
    activity = make_activity(doors.street, timezone.now() + dt.timedelta(days=3))
    phone = resident()
    assert phone.post(_page(doors.token_a), {"activity": activity.pk}).status_code == 302
    signup = SignUp.objects.get(activity=activity)
    assert phone.post(_page(doors.token_a), {"withdraw": signup.pk}).status_code == 302
    assert phone.post(_page(doors.token_a), {"activity": activity.pk}).status_code == 429
    assert not SignUp.objects.filter(activity=activity).exists()


def test_a_cancelled_or_started_activitys_sign_up_cannot_be_withdrawn(
    doors: Doors, resident: Callable[..., Client]
) -> None:
    s = doors.street
    start = timezone.now() + dt.timedelta(days=3)
    cancelled = make_activity(s, start)
    running = make_activity(s, start + dt.timedelta(days=1))
    for activity in (cancelled, running):
        activity_signup(activity=activity, household=s.household_a, channel=SignUpChannel.QR)
    activity_cancel(activity=cancelled, user=s.users["worker_a"], reason="暴雨")
    phone = resident()
    page = phone.get(_page(doors.token_a)).content.decode()
    assert "已取消" in page or "Cancelled" in page
    assert "暴雨" not in page  # staff's words stay with staff
    kept = SignUp.objects.get(activity=cancelled)
    assert f'value="{kept.pk}"' not in page
    assert phone.post(_page(doors.token_a), {"withdraw": kept.pk}).status_code == 409

    started = SignUp.objects.get(activity=running)
    with time_machine.travel(running.starts_at, tick=False):
        assert phone.post(_page(doors.token_a), {"withdraw": started.pk}).status_code == 422
    assert SignUp.objects.filter(household=s.household_a).count() == 2
