"""The volunteers' API: scoped like the pages, a volunteer reads only their own, no personal data."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from qiaomen.participation.models.volunteer_points import PointsEntry
from qiaomen.participation.tests.volunteer_helpers import make_volunteers
from qiaomen.testing import SmallStreet

Headers = Callable[[str], dict[str, str]]


def test_staff_read_the_volunteers_of_their_places_without_names(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    v = make_volunteers(small_street)
    response = client.get("/api/v1/volunteers", headers=bearer("worker_b"))
    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == [v.volunteer_b.pk]
    assert "李建国" not in response.content.decode()
    assert client.get(f"/api/v1/volunteers/{v.volunteer_b.pk}", headers=bearer("worker_a")).status_code == 404


def test_a_volunteer_reads_their_own_balance_and_hours_only(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    v = make_volunteers(small_street)
    own = client.get(f"/api/v1/volunteers/{v.volunteer_b.pk}/balance", headers=bearer("volunteer_b")).json()
    assert own["balance"] == 30 == sum(entry["points"] for entry in own["entries"])
    hours = client.get(f"/api/v1/volunteers/{v.volunteer_b.pk}/hours", headers=bearer("volunteer_b")).json()
    assert {row["status"] for row in hours} == {"confirmed", "pending"}
    other = client.get(f"/api/v1/volunteers/{v.volunteer_b.pk}/balance", headers=bearer("volunteer_a"))
    assert other.status_code == 404
    assert client.get("/api/v1/volunteers", headers=bearer("building_chief")).status_code == 403


def test_the_teams_grid_worker_confirms_through_the_api(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    v = make_volunteers(small_street)
    url = f"/api/v1/volunteer-hours/{v.pending_b.pk}/confirm"
    assert client.post(url, headers=bearer("worker_a")).status_code == 404
    assert client.post(url, headers=bearer("volunteer_b")).status_code == 403
    response = client.post(url, headers=bearer("worker_b"))
    assert response.status_code == 200 and response.json()["status"] == "confirmed"
    assert PointsEntry.objects.filter(service=v.pending_b).exists()
    again = client.post(url, headers=bearer("worker_b"))
    assert again.status_code == 409 and again.json()["code"] == "transition_not_allowed"
