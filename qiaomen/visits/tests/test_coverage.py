"""R-VIS-6 and R-VIS-7: coverage figures on a small street, checked by hand, and pauses."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from qiaomen.core.errors import Forbidden
from qiaomen.registry.models import Household
from qiaomen.testing import SmallStreet, make_household, make_person, visit_at
from qiaomen.visits.coverage import coverage_report
from qiaomen.visits.models import Outcome
from qiaomen.visits.periods import PeriodKind, period_containing
from qiaomen.visits.selectors import work_list
from qiaomen.visits.services import visit_pause_create

pytestmark = pytest.mark.django_db
NOVEMBER = period_containing(PeriodKind.MONTH, dt.date(2026, 11, 1))
Q4 = period_containing(PeriodKind.QUARTER, dt.date(2026, 11, 1))


def _visit(street: SmallStreet, household: Household, day: int, outcome: str = Outcome.MET, month: int = 11) -> None:
    worker = street.users["worker_a" if household.building.grid == street.grid_a else "worker_b"]
    visit_at(worker=worker, household=household, when=dt.datetime(2026, month, day, 2, tzinfo=dt.UTC), outcome=outcome)


@pytest.fixture
def street(small_street: SmallStreet) -> SmallStreet:
    """Grid A: household_a (special) + a1, a2, a3 (a3 special). Grid B: household_b + b1."""
    a = small_street.building_a
    a1, a2, a3 = (make_household(a, room) for room in ("102", "103", "104"))
    make_person(a3, "孙玉珍", tags=("chronic",))
    b1 = make_household(small_street.building_b, "203")
    small_street.extra = {"a1": a1, "a2": a2, "a3": a3, "b1": b1}  # type: ignore[attr-defined]
    return small_street


def test_coverage_by_grid_and_street_checked_by_hand(street: SmallStreet) -> None:
    extra = street.extra  # type: ignore[attr-defined]
    _visit(street, street.household_a, 3)  # special, met
    _visit(street, extra["a1"], 4, Outcome.NOT_HOME)  # an attempt only: not covered
    _visit(street, extra["a2"], 5, Outcome.REFUSED)  # refused: counted apart
    _visit(street, extra["a3"], 6, Outcome.MET, month=10)  # special, visited in October only
    _visit(street, street.household_b, 7, Outcome.MISMATCH)  # status settled: covered
    report = coverage_report(Household.objects.all(), period=NOVEMBER, today=dt.date(2026, 11, 20))
    grid_a = dict((grid.code, row) for grid, row in report.grids)["XF01-01"]
    grid_b = dict((grid.code, row) for grid, row in report.grids)["XF02-01"]
    # Grid A: 4 households, 1 covered, 1 refused; special: household_a (covered) and a3 (not).
    assert (grid_a.households, grid_a.covered, grid_a.refused) == (4, 1, 1)
    assert (grid_a.special_households, grid_a.special_covered) == (2, 1)
    assert grid_a.rate == 0.25 and grid_a.special_rate == 0.5
    # Grid B: 2 households, household_b covered.
    assert (grid_b.households, grid_b.covered, grid_b.rate, grid_b.special_rate) == (2, 1, 0.5, None)
    assert (report.total.households, report.total.covered, report.total.rate) == (6, 2, 2 / 6)
    assert not report.total.meets_targets
    assert report.never_visited == sorted([extra["b1"].pk])
    assert report.special_not_visited_this_month == [extra["a3"].pk]
    quarter = coverage_report(Household.objects.all(), period=Q4, today=dt.date(2026, 11, 20))
    assert (quarter.total.covered, quarter.total.special_covered) == (3, 2)
    assert quarter.special_not_visited_this_month == [extra["a3"].pk]


def test_a_paused_grid_is_reported_as_paused_not_as_failures(street: SmallStreet) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 2, tzinfo=dt.UTC), tick=False):
        visit_pause_create(
            user=street.users["street_admin"],
            communities=[street.community_2],
            grids=[],
            starts_on=dt.date(2026, 11, 10),
            ends_on=dt.date(2026, 11, 14),
            reason="台风“海葵”",
        )
    report = coverage_report(Household.objects.all(), period=NOVEMBER, today=dt.date(2026, 11, 20))
    grid_b = dict((grid.code, row) for grid, row in report.grids)["XF02-01"]
    assert (grid_b.households, grid_b.paused, grid_b.rate) == (2, 2, None)


def test_during_a_pause_the_work_list_switches_to_phone_contact(street: SmallStreet) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 12, 2, tzinfo=dt.UTC), tick=False):
        visit_pause_create(
            user=street.users["street_admin"],
            communities=[],
            grids=[street.grid_a],
            starts_on=dt.date(2026, 11, 10),
            ends_on=dt.date(2026, 11, 14),
            reason="疫情防控",
        )
        paused = work_list(Household.objects.filter(building__grid=street.grid_a))
    assert paused.items and all(item.phone_contact for item in paused.items)
    assert paused.paused_reason == "疫情防控" and paused.walking_distance_m == 0
    with time_machine.travel(dt.datetime(2026, 11, 16, 2, tzinfo=dt.UTC), tick=False):
        after = work_list(Household.objects.filter(building__grid=street.grid_a))
    assert not any(item.phone_contact for item in after.items)


def test_only_a_street_admin_may_pause_visits(street: SmallStreet) -> None:
    with pytest.raises(Forbidden):
        visit_pause_create(
            user=street.users["community_staff"],
            communities=[street.community_1],
            grids=[],
            starts_on=dt.date(2026, 11, 10),
            ends_on=dt.date(2026, 11, 14),
            reason="台风",
        )
