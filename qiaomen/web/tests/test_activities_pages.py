"""The participation pages work for real: a grid worker creates an activity, signs a household
up and records it; a meeting's decision becomes a ticket; the rate page shows the grid's numbers
and the households behind them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qiaomen.participation.models.activities import Activity, Attendance, MeetingDecision, SignUp
from qiaomen.participation.tests.activity_helpers import participation_records
from qiaomen.testing import SmallStreet


def test_a_grid_worker_runs_an_activity_from_the_pages(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    s = small_street
    client = client_as("worker_a")
    start = timezone.localtime() + dt.timedelta(minutes=5)  # within the session idle time-out
    form = {
        "title": "义诊",
        "kind": "health",
        "community": s.community_1.pk,
        "building": s.building_a.pk,
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "capacity": 20,
    }
    response = client.post(reverse("web:activity_new"), form)
    activity = Activity.objects.get(title="义诊")
    assert response.status_code == 302
    client.post(reverse("web:activity_signup_add", args=[activity.pk]), {"household": s.household_a.pk})
    assert SignUp.objects.filter(activity=activity, household=s.household_a).exists()
    # Grid B's household is not the worker's: 404, nothing written.
    refused = client.post(reverse("web:activity_signup_add", args=[activity.pk]), {"household": s.household_b.pk})
    assert refused.status_code == 404
    page = client.get(reverse("web:activity_detail", args=[activity.pk]))
    assert page.status_code == 200
    assert activity.checkin_token in page.content.decode()
    with time_machine.travel(activity.starts_at + dt.timedelta(minutes=1), tick=False):
        client.post(reverse("web:activity_attendance_add", args=[activity.pk]), {"household": s.household_a.pk})
    assert Attendance.objects.filter(activity=activity).count() == 1
    listing = client.get(reverse("web:activity_list"))
    assert "义诊" in listing.content.decode()


def test_a_decision_becomes_a_ticket_from_the_meeting_page(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    records = participation_records(small_street)
    decision = records["meeting_decision"]
    assert isinstance(decision, MeetingDecision)
    client = client_as("worker_b")
    page = client.get(reverse("web:meeting_detail", args=[decision.meeting_id]))
    assert "修复路灯" in page.content.decode()
    response = client.post(reverse("web:decision_ticket", args=[decision.pk]), {"grid": "", "subcategory": ""})
    decision.refresh_from_db()
    assert decision.ticket is not None
    assert response.status_code == 302 and response["Location"] == reverse(
        "web:ticket_detail", args=[decision.ticket.pk]
    )


def test_the_rate_page_shows_each_grid_and_the_households_behind(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    s = small_street
    participation_records(s)  # household B is on a meeting's list this year
    client = client_as("worker_b")
    page = client.get(reverse("web:participation")).content.decode()
    assert "光明一网格" in page and "和平一网格" not in page
    behind = client.get(reverse("web:participation_households", args=[s.grid_b.pk]))
    assert s.building_b.address in behind.content.decode()
    assert client.get(reverse("web:participation_households", args=[s.grid_a.pk])).status_code == 404
    for name in ("web:group_list", "web:meeting_list", "web:group_new", "web:meeting_new"):
        assert client.get(reverse(name)).status_code == 200
