"""Changing and cancelling an activity from its page: for organisers of its places only (a grid
worker of another grid gets 404, a role that only reads gets 403), bad input changes nothing, and
a cancelled activity shows why and offers no more sign-up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qiaomen.participation.activities.activities import activity_signup
from qiaomen.participation.models.activities import Activity, ActivityStatus, SignUpChannel
from qiaomen.participation.tests.activity_helpers import make_activity, participation_records
from qiaomen.testing import SmallStreet, make_household


def _form(activity: Activity, **change: Any) -> dict[str, Any]:
    local = {name: timezone.localtime(getattr(activity, name)) for name in ("starts_at", "ends_at")}
    return {
        "title": activity.title,
        "kind": activity.kind,
        "building": activity.building_id or "",
        "group": "",
        "location": activity.location,
        "starts_at": local["starts_at"].strftime("%Y-%m-%dT%H:%M"),
        "ends_at": local["ends_at"].strftime("%Y-%m-%dT%H:%M"),
        "capacity": activity.capacity,
        **change,
    }


def test_an_organiser_changes_an_activity_from_its_page(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    s = small_street
    activity = make_activity(s, timezone.now() + dt.timedelta(days=3), capacity=5)
    activity_signup(activity=activity, household=s.household_a, channel=SignUpChannel.QR)
    activity_signup(activity=activity, household=make_household(s.building_a, "102"), channel=SignUpChannel.QR)
    client = client_as("worker_a")
    page = client.get(reverse("web:activity_detail", args=[activity.pk])).content.decode()
    assert reverse("web:activity_edit", args=[activity.pk]) in page
    assert reverse("web:activity_cancel", args=[activity.pk]) in page
    form = client.get(reverse("web:activity_edit", args=[activity.pk]))
    assert form.status_code == 200 and "广场舞" in form.content.decode()
    assert 'name="community"' not in form.content.decode()  # an edit keeps the community

    too_small = client.post(reverse("web:activity_edit", args=[activity.pk]), _form(activity, capacity=1))
    assert too_small.status_code == 422
    assert "2" in too_small.content.decode()  # the two households signed up, in the message
    activity.refresh_from_db()
    assert activity.capacity == 5

    done = client.post(
        reverse("web:activity_edit", args=[activity.pk]), _form(activity, title="太极拳", capacity=12, location="广场")
    )
    assert done.status_code == 302 and done["Location"] == reverse("web:activity_detail", args=[activity.pk])
    activity.refresh_from_db()
    assert (activity.title, activity.capacity, activity.location, activity.version) == ("太极拳", 12, "广场", 2)


def test_an_organiser_cancels_an_activity_and_its_page_says_why(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    s = small_street
    activity = make_activity(s, timezone.now() + dt.timedelta(days=3))
    activity_signup(activity=activity, household=s.household_a, channel=SignUpChannel.QR)
    client = client_as("worker_a")
    url = reverse("web:activity_cancel", args=[activity.pk])
    assert client.post(url, {"reason": ""}).status_code == 302  # told to give a reason
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.SCHEDULED

    assert client.post(url, {"reason": "暴雨预警"}).status_code == 302
    activity.refresh_from_db()
    assert (activity.status, activity.cancel_reason) == (ActivityStatus.CANCELLED, "暴雨预警")
    page = client.get(reverse("web:activity_detail", args=[activity.pk])).content.decode()
    assert "暴雨预警" in page
    assert reverse("web:activity_edit", args=[activity.pk]) not in page
    assert reverse("web:activity_signup_add", args=[activity.pk]) not in page
    assert s.household_a.room in page  # the sign-up stays on the list
    # Changing or cancelling it again is refused with the reason (409), nothing changes.
    again = client.post(url, {"reason": "再次"})
    edit = client.post(reverse("web:activity_edit", args=[activity.pk]), _form(activity, title="太极拳"))
    assert again.status_code == edit.status_code == 409
    activity.refresh_from_db()
    assert (activity.title, activity.cancel_reason) == ("广场舞", "暴雨预警")


def test_changing_and_cancelling_are_scoped_and_for_organisers_only(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    activity = participation_records(small_street)["activity"]
    assert isinstance(activity, Activity)
    edit = reverse("web:activity_edit", args=[activity.pk])
    cancel = reverse("web:activity_cancel", args=[activity.pk])
    worker_a = client_as("worker_a")
    assert worker_a.get(edit).status_code == 404
    assert worker_a.post(edit, _form(activity, title="改")).status_code == 404
    assert worker_a.post(cancel, {"reason": "不办了"}).status_code == 404
    supervisor = client_as("supervisor")  # reads activities, organises none
    assert supervisor.get(edit).status_code == 403
    assert supervisor.post(cancel, {"reason": "不办了"}).status_code == 403
    page = supervisor.get(reverse("web:activity_detail", args=[activity.pk])).content.decode()
    assert cancel not in page and edit not in page
    activity.refresh_from_db()
    assert (activity.title, activity.status, activity.version) == ("广场舞", ActivityStatus.SCHEDULED, 1)
