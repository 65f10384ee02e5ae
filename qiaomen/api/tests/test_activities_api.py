"""The activities API: scoped like the pages, refusals with codes, the rate by community and grid."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.test import Client
from django.utils import timezone

from qiaomen.participation.tests.activity_helpers import make_activity, participation_records
from qiaomen.testing import SmallStreet


def test_signup_attendance_and_rate_through_the_api(
    small_street: SmallStreet, bearer: Callable[[str], dict[str, str]]
) -> None:
    s = small_street
    client = Client()
    headers = bearer("worker_a")
    activity = make_activity(s, timezone.now() + dt.timedelta(days=2), capacity=1)
    url = f"/api/v1/activities/{activity.pk}/signups"
    ok = client.post(url, {"household_id": s.household_a.pk}, content_type="application/json", headers=headers)
    assert ok.status_code == 201
    again = client.post(url, {"household_id": s.household_a.pk}, content_type="application/json", headers=headers)
    assert again.status_code == 409 and again.json()["code"] == "signup_duplicate"
    other = client.post(url, {"household_id": s.household_b.pk}, content_type="application/json", headers=headers)
    assert other.status_code == 404
    early = client.post(
        f"/api/v1/activities/{activity.pk}/attendance",
        {"household_id": s.household_a.pk},
        content_type="application/json",
        headers=headers,
    )
    assert early.status_code == 422 and early.json()["code"] == "checkin_not_started"
    detail = client.get(f"/api/v1/activities/{activity.pk}", headers=headers).json()
    assert detail["signed_up_households"] == [s.household_a.pk]
    grid_b = participation_records(s)["activity"].pk
    assert client.get(f"/api/v1/activities/{grid_b}", headers=headers).status_code == 404
    year = timezone.localdate().year
    rate = client.get(f"/api/v1/participation?year={year}", headers=bearer("street_admin")).json()
    light = next(c for c in rate["communities"] if c["name"] == "光明社区")
    assert (light["households"], light["took_part"]) == (1, 1)  # household B is on a meeting's list
    assert rate["groups"] == 1 and rate["active_groups"] == 0  # its group only has a coming activity
    assert client.get("/api/v1/participation?year=20", headers=headers).status_code == 422
