"""R-VIS-5 for a group: a building, a grid or a community is planned all or nothing, and the
planner decides once for every household that already has a visit close by."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
import time_machine

from qiaomen.core.errors import InvalidInput
from qiaomen.registry.models import Household
from qiaomen.testing import SmallStreet, make_household
from qiaomen.visits import services
from qiaomen.visits.models import PlannedPurpose, PlannedVisit
from qiaomen.visits.services import visit_plan, visit_plan_households

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)
ON = dt.date(2026, 11, 10)


@pytest.fixture
def building(small_street: SmallStreet) -> list[Household]:
    """Building A: household_a (already planned on the 5th by community staff) and two more."""
    with time_machine.travel(TODAY, tick=False):
        visit_plan(
            user=small_street.users["community_staff"],
            household=small_street.household_a,
            on=dt.date(2026, 11, 5),
            purpose="独居老人安全检查",
        )
    return [small_street.household_a, *(make_household(small_street.building_a, room) for room in ("102", "103"))]


def _plan(street: SmallStreet, households: list[Household], **extra: object) -> services.GroupPlanResult:
    arguments: dict[str, object] = {"user": street.users["dept_handler"], "households": households, "on": ON}
    with time_machine.travel(TODAY, tick=False):
        return visit_plan_households(**{"purpose": "高龄津贴复核", **arguments, **extra})  # type: ignore[arg-type]


def test_households_with_a_visit_close_by_stop_the_group_until_the_planner_decides(
    small_street: SmallStreet, building: list[Household]
) -> None:
    result = _plan(small_street, building)
    assert result.planned == 0 and [plan.household for plan in result.overlapping] == [small_street.household_a]
    assert PlannedVisit.objects.count() == 1


def test_joining_rides_on_the_visit_already_planned_and_plans_the_others(
    small_street: SmallStreet, building: list[Household]
) -> None:
    result = _plan(small_street, building, join=True)
    assert (result.planned, result.joined, result.overlapping) == (3, 1, [])
    assert PlannedVisit.objects.count() == 3
    assert PlannedPurpose.objects.filter(joined=True).get().plan.household == small_street.household_a


def test_planning_apart_makes_a_second_visit(small_street: SmallStreet, building: list[Household]) -> None:
    result = _plan(small_street, building, join=False)
    assert (result.planned, result.joined) == (3, 0)
    assert PlannedVisit.objects.filter(household=small_street.household_a).count() == 2


def test_bad_input_is_refused_before_any_overlap_is_shown(small_street: SmallStreet, building: list[Household]) -> None:
    with pytest.raises(InvalidInput) as error:
        _plan(small_street, building, purpose="  ")
    assert error.value.code == "purpose_required"
    with pytest.raises(InvalidInput) as error:
        _plan(small_street, [])
    assert error.value.code == "plan_no_households"


def test_a_failure_half_way_plans_nobody(small_street: SmallStreet, building: list[Household]) -> None:
    real = services.visit_plan
    calls = 0

    def fail_on_the_third(**arguments: object) -> services.PlanResult:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("the database went away")
        return real(**arguments)  # type: ignore[arg-type]

    with mock.patch.object(services, "visit_plan", fail_on_the_third), pytest.raises(RuntimeError):
        _plan(small_street, building, join=False)
    assert PlannedVisit.objects.count() == 1 and PlannedPurpose.objects.count() == 1
