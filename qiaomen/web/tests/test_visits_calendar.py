"""One calendar for every department (R-VIS-5): plan by household or place, and join a visit
already planned close by instead of knocking twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from qiaomen.testing import SmallStreet, make_household
from qiaomen.visits.models import PlannedPurpose, PlannedVisit
from qiaomen.web.tests.visit_helpers import NOW, visits_clock  # noqa: F401

pytestmark = pytest.mark.usefixtures("visits_clock")
CALENDAR = reverse("web:visit_calendar")
IN_THREE_DAYS = (NOW.date() + dt.timedelta(days=3)).isoformat()
IN_FIVE_DAYS = (NOW.date() + dt.timedelta(days=5)).isoformat()


def _plan(client: Client, **data: Any) -> Any:
    return client.post(CALENDAR, {"planned_for": IN_THREE_DAYS, **data})


def test_community_staff_plan_a_visit_for_one_household_from_its_card(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    client = client_as("community_staff")
    content = client.get(f"{CALENDAR}?household={small_street.household_a.pk}").content.decode()
    assert str(small_street.household_a) in content
    response = _plan(client, household=small_street.household_a.pk, purpose="独居老人安全检查")
    assert response.status_code == 302
    plan = PlannedVisit.objects.get()
    assert plan.household == small_street.household_a and plan.planned_for.isoformat() == IN_THREE_DAYS
    page = client.get(CALENDAR).content.decode()
    assert "已为 1 户安排走访。" in page
    assert "独居老人安全检查" in page and str(small_street.household_a) in page


def test_an_overlapping_plan_is_shown_and_joining_it_saves_a_knock(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    _plan(client_as("dept_handler"), grid=small_street.grid_a.pk, purpose="高龄津贴复核")
    client = client_as("community_staff")
    target = {"household": small_street.household_a.pk, "planned_for": IN_FIVE_DAYS, "purpose": "消防安全宣传"}
    proposal = _plan(client, **target)
    content = proposal.content.decode()
    assert proposal.status_code == 200
    assert "有 1 户在这个日期前后已有走访安排。" in content
    assert IN_THREE_DAYS in content and "高龄津贴复核" in content and "dept_minzheng" in content and "民政" in content
    assert "合并为一次走访" in content and "仍单独安排" in content
    assert PlannedVisit.objects.count() == 1 and PlannedPurpose.objects.count() == 1
    joined = _plan(client, decision="join", **target)
    assert joined.status_code == 302
    plan = PlannedVisit.objects.get()
    assert sorted(plan.purposes.values_list("purpose", flat=True)) == ["消防安全宣传", "高龄津贴复核"]
    page = client.get(CALENDAR).content.decode()
    assert "其中 1 户已合并到原有走访中。" in page
    assert "合并走访已减少 1 次入户" in page


def test_the_planner_may_still_plan_separately(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    client = client_as("community_staff")
    _plan(client, household=small_street.household_a.pk, purpose="高龄津贴复核")
    response = _plan(
        client, household=small_street.household_a.pk, planned_for=IN_FIVE_DAYS, purpose="另行上门", decision="separate"
    )
    assert response.status_code == 302
    assert PlannedVisit.objects.count() == 2
    assert "合并走访已减少 0 次入户" in client.get(CALENDAR).content.decode()


def test_a_department_plans_by_place_without_seeing_who_lives_there(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    second = make_household(small_street.building_b, "203")
    client = client_as("dept_handler")
    content = client.get(CALENDAR).content.decode()
    assert "和平一网格" in content and "光明一网格" in content and "光明社区" in content
    response = _plan(client, grid=small_street.grid_b.pk, building=small_street.building_b.pk, purpose="低保年审")
    assert response.status_code == 302
    assert set(PlannedVisit.objects.values_list("household_id", flat=True)) == {small_street.household_b.pk, second.pk}
    page = client.get(CALENDAR).content.decode()
    assert "已为 2 户安排走访。" in page and "低保年审" in page
    assert small_street.resident_b.name not in page and small_street.resident_b.phone_masked not in page


def test_a_department_sees_its_own_purposes_not_everyone_elses(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    _plan(client_as("community_staff"), household=small_street.household_a.pk, purpose="社区内部事项")
    assert "社区内部事项" not in client_as("dept_handler").get(CALENDAR).content.decode()


def test_a_whole_community_can_be_planned(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    response = _plan(client_as("street_admin"), community=small_street.community_2.pk, purpose="人口普查")
    assert response.status_code == 302
    assert list(PlannedVisit.objects.values_list("household_id", flat=True)) == [small_street.household_b.pk]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"purpose": "走访"}, "请选择社区、网格或楼栋。"),
        ({"purpose": "走访", "planned_for": "2026-11-01", "grid": "{grid_a}"}, "不能把走访安排在过去的日期"),
        ({"purpose": "走访", "grid": "{grid_a}", "building": "{building_b}"}, "选择一个有效的选项"),
    ],
)
def test_a_plan_that_cannot_be_made_is_explained_and_nothing_is_planned(
    client_as: Callable[[str], Client], small_street: SmallStreet, data: dict[str, str], message: str
) -> None:
    places = {"grid_a": small_street.grid_a.pk, "building_b": small_street.building_b.pk}
    response = _plan(client_as("street_admin"), **{key: value.format(**places) for key, value in data.items()})
    assert response.status_code == 422 and message in response.content.decode()
    assert not PlannedVisit.objects.exists()


def test_places_outside_the_users_are_not_offered_and_not_accepted(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    client = client_as("community_staff")
    content = client.get(CALENDAR).content.decode()
    assert "和平一网格" in content and "光明一网格" not in content
    response = _plan(client, grid=small_street.grid_b.pk, purpose="走访")
    assert response.status_code == 422 and not PlannedVisit.objects.exists()
    assert client.get(f"{CALENDAR}?household={small_street.household_b.pk}").status_code == 404
    assert client.get(f"{CALENDAR}?household=abc").status_code == 404


def test_a_department_cannot_name_a_household(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    response = _plan(client_as("dept_handler"), household=small_street.household_a.pk, purpose="走访")
    assert response.status_code == 404 and not PlannedVisit.objects.exists()


@pytest.mark.parametrize(
    ("persona", "grid", "expected"), [("community_staff", "grid_a", 200), ("community_staff", "grid_b", 404)]
)
def test_the_buildings_of_a_grid_are_offered_within_scope(
    client_as: Callable[[str], Client], small_street: SmallStreet, persona: str, grid: str, expected: int
) -> None:
    response = client_as(persona).get(reverse("web:plan_buildings"), {"grid": getattr(small_street, grid).pk})
    assert response.status_code == expected
    if expected == 200:
        assert small_street.building_a.address in response.content.decode()


@pytest.mark.parametrize("persona", ["worker_a", "supervisor", "building_chief", "auditor"])
def test_roles_that_do_not_plan_are_refused(
    client_as: Callable[[str], Client], small_street: SmallStreet, persona: str
) -> None:
    client = client_as(persona)
    assert client.get(CALENDAR).status_code == 403
    assert _plan(client, grid=small_street.grid_a.pk, purpose="走访").status_code == 403
    assert client.get(reverse("web:plan_buildings")).status_code == 403
