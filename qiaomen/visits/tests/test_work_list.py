"""R-VIS-2: the households due now, most urgent first, building by building in a short walk."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine

from qiaomen.places.models import Grid
from qiaomen.registry.models import Household
from qiaomen.testing import SmallStreet, make_building, make_household, make_person
from qiaomen.tickets.services.visit_demands import visit_record_with_tickets
from qiaomen.visits.geo import path_length_m
from qiaomen.visits.models import Outcome
from qiaomen.visits.recording import DemandInput
from qiaomen.visits.selectors import Tier, work_list

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 16, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai, mid-November


def _visit(
    street: SmallStreet,
    household: Household,
    when: dt.datetime,
    outcome: str = Outcome.MET,
    *,
    demands: list[DemandInput] | None = None,
) -> None:
    answers = {"health": "良好", "safety": "安全"} if outcome == Outcome.MET else {}
    with time_machine.travel(when + dt.timedelta(minutes=1), tick=False):
        visit_record_with_tickets(
            worker=street.users["worker_a"],
            household=household,
            client_uuid=uuid.uuid4(),
            visited_at=when,
            outcome=outcome,
            answers=answers,
            demands=demands,
        )


def _grid_with_buildings(street: SmallStreet) -> dict[str, Household]:
    """Grid A: buildings along one road, east of the centre, at 100 m steps; created last quarter."""
    grid = street.grid_a
    households = {}
    with time_machine.travel(dt.datetime(2026, 6, 1, tzinfo=dt.UTC), tick=False):
        for number, step in ((11, 3), (12, 1), (13, 2)):
            building = make_building(grid, number, lat=31.2, lng=121.4 + step * 0.00105)
            for room in ("101", "102"):
                households[f"{number}-{room}"] = make_household(building, room)
        make_person(households["13-101"], "赵桂兰", tags=("elder_alone",))
        make_person(households["11-102"], "钱德明", tags=("disabled",))
        Household.objects.filter(pk=street.household_a.pk).update(created_at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    return households


def test_overdue_special_groups_come_first_then_due_special_then_the_rest(small_street: SmallStreet) -> None:
    homes = _grid_with_buildings(small_street)
    # 13-101 (special) was visited twice in every month of Q3: not overdue, due this month.
    for month in (7, 8, 9, 10):
        for day in (3, 17):
            _visit(small_street, homes["13-101"], dt.datetime(2026, month, day, 2, tzinfo=dt.UTC))
    # 11-101 (ordinary) was visited in Q3, so it is only due this quarter; the others are overdue.
    _visit(small_street, homes["11-101"], dt.datetime(2026, 8, 5, 2, tzinfo=dt.UTC))
    with time_machine.travel(NOW, tick=False):
        result = work_list(Household.objects.filter(building__grid=small_street.grid_a))
    tiers = [item.tier for item in result.items]
    assert tiers == sorted(tiers)
    by_home = {str(item.household.pk): item for item in result.items}
    assert by_home[str(homes["11-102"].pk)].tier == Tier.OVERDUE_SPECIAL
    assert by_home[str(homes["13-101"].pk)].tier == Tier.DUE_SPECIAL
    assert by_home[str(homes["11-101"].pk)].tier == Tier.DUE
    assert by_home[str(homes["12-101"].pk)].tier == Tier.OVERDUE
    assert result.items[0].household in (homes["11-102"], small_street.household_a)


def test_a_household_visited_enough_this_period_leaves_the_list(small_street: SmallStreet) -> None:
    homes = _grid_with_buildings(small_street)
    _visit(small_street, homes["12-101"], dt.datetime(2026, 11, 2, 2, tzinfo=dt.UTC))
    with time_machine.travel(NOW, tick=False):
        listed = {
            item.household for item in work_list(Household.objects.filter(building__grid=small_street.grid_a)).items
        }
    assert homes["12-101"] not in listed and homes["12-102"] in listed


def test_not_at_home_is_not_a_visit_and_three_in_a_row_suggest_another_way(small_street: SmallStreet) -> None:
    homes = _grid_with_buildings(small_street)
    for day in (2, 5, 9):
        _visit(small_street, homes["12-102"], dt.datetime(2026, 11, day, 2, tzinfo=dt.UTC), Outcome.NOT_HOME)
    with time_machine.travel(NOW, tick=False):
        item = next(
            i
            for i in work_list(Household.objects.filter(building__grid=small_street.grid_a)).items
            if i.household == homes["12-102"]
        )
    assert item.suggest_other_contact


def test_the_walk_visits_every_due_building_once_and_is_no_longer_than_the_input_order(
    small_street: SmallStreet,
) -> None:
    _grid_with_buildings(small_street)
    with time_machine.travel(NOW, tick=False):
        result = work_list(Household.objects.filter(building__grid=small_street.grid_a), start=(31.2, 121.4))
    for tier in {item.tier for item in result.items}:
        buildings = [item.household.building_id for item in result.items if item.tier == tier]
        runs = [b for i, b in enumerate(buildings) if i == 0 or buildings[i - 1] != b]
        assert len(runs) == len(set(runs)), "each building is walked to once per tier"
    # Buildings 12, 13 and 11 stand 100, 200 and 300 m east of the start. The overdue special
    # tier (building 1 at the start, then 11) ends at 11, so the next tier walks back west.
    overdue = [item.household.building.name for item in result.items if item.tier == Tier.OVERDUE]
    assert [name for i, name in enumerate(overdue) if i == 0 or overdue[i - 1] != name] == ["11栋", "13栋", "12栋"]
    points = []
    for item in result.items:
        building = item.household.building
        assert building.lat is not None and building.lng is not None, "every building of grid A is placed"
        points.append((building.lat, building.lng))
    assert result.walking_distance_m <= path_length_m((31.2, 121.4), points) + 1e-6


def test_many_demands_bring_an_ordinary_household_back_every_month(small_street: SmallStreet) -> None:
    homes = _grid_with_buildings(small_street)
    demands = [DemandInput(text) for text in ("楼道灯坏了", "想咨询医保", "邻居噪音")]
    _visit(small_street, homes["11-101"], dt.datetime(2026, 10, 20, 2, tzinfo=dt.UTC), demands=demands)
    with time_machine.travel(NOW, tick=False):
        listed = {
            item.household for item in work_list(Household.objects.filter(building__grid=small_street.grid_a)).items
        }
    assert homes["11-101"] in listed, "visited in October, but three demands ask for a visit in November too"


def test_the_walk_starts_at_the_grid_centre_without_a_position(small_street: SmallStreet) -> None:
    Grid.objects.filter(pk=small_street.grid_a.pk).update(center_lat=31.2, center_lng=121.4)
    with time_machine.travel(NOW, tick=False):
        result = work_list(Household.objects.filter(building__grid=small_street.grid_a))
    assert result.start == (31.2, 121.4)
