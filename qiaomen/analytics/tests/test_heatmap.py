"""The heat map counts, per building and per grid, exactly the tickets the ticket lists count:
created in the period, within the scope's grids, a merged ticket nowhere, cut by category."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import Q

from qiaomen.accounts.scopes import PlaceScope, place_scope
from qiaomen.analytics.heatmap import HeatMap, demand_heat, heat_tickets
from qiaomen.analytics.periods import ReportPeriod
from qiaomen.analytics.tests.heat_street import NOVEMBER, OCTOBER, HeatStreet, make_heat_street
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Category, Status, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def heat_street(small_street: SmallStreet) -> HeatStreet:
    return make_heat_street(small_street)


def _scope(street: SmallStreet, persona: str) -> PlaceScope:
    return place_scope(street.users[persona])


def _counted(period: ReportPeriod, where: Q) -> int:
    """The tickets a list would show: made in the period, not merged away."""
    made = Q(created_at__gte=period.start, created_at__lt=period.end)
    return Ticket.objects.filter(made & where).exclude(status=Status.MERGED).count()


def _by_building(heat: HeatMap) -> dict[int, int]:
    return {building.key: building.tickets for building in heat.buildings}


def _by_grid(heat: HeatMap) -> dict[int, int]:
    return {grid.key: grid.tickets for grid in heat.grids}


def test_each_building_and_grid_counts_the_tickets_made_there_in_the_period(heat_street: HeatStreet) -> None:
    s = heat_street.street
    heat = demand_heat(scope=_scope(s, "street_admin"), period=NOVEMBER)
    for building in heat.buildings:
        assert building.tickets == _counted(NOVEMBER, Q(household__building_id=building.key)), building
    for grid in heat.grids:
        assert grid.tickets == _counted(NOVEMBER, Q(grid_id=grid.key)), grid
    # By hand (heat_street's docstring): the merged rubbish demand and October's stay out.
    assert _by_building(heat) == {s.building_a.pk: 4, heat_street.building_a2.pk: 1, s.building_b.pk: 2}
    assert _by_grid(heat) == {s.grid_a.pk: 7, s.grid_b.pk: 2}
    assert (heat.tickets, heat.unlocated, heat.hottest) == (9, 2, 4)
    assert heat_tickets(scope=_scope(s, "street_admin"), period=NOVEMBER).count() == heat.tickets


def test_a_building_without_coordinates_is_left_off_the_map_but_counted_in_its_grid(heat_street: HeatStreet) -> None:
    heat = demand_heat(scope=_scope(heat_street.street, "street_admin"), period=NOVEMBER)
    assert heat_street.building_a3.pk not in _by_building(heat)
    assert _counted(NOVEMBER, Q(household__building=heat_street.building_a3)) == 1


def test_a_category_counts_its_own_tickets_only(heat_street: HeatStreet) -> None:
    s = heat_street.street
    living = Category.objects.get(code="LIF")
    heat = demand_heat(scope=_scope(s, "street_admin"), period=NOVEMBER, category=living)
    for building in heat.buildings:
        where = Q(household__building_id=building.key, subcategory__category=living)
        assert building.tickets == _counted(NOVEMBER, where)
    assert _by_building(heat)[s.building_a.pk] == 3  # the hazard is an emergency
    assert _by_grid(heat) == {s.grid_a.pk: 6, s.grid_b.pk: 2}


def test_another_period_counts_that_period(heat_street: HeatStreet) -> None:
    s = heat_street.street
    heat = demand_heat(scope=_scope(s, "street_admin"), period=OCTOBER)
    assert _by_grid(heat) == {s.grid_a.pk: 0, s.grid_b.pk: 1}
    assert _by_building(heat)[s.building_b.pk] == 1


def test_community_staff_see_only_their_community(heat_street: HeatStreet) -> None:
    s = heat_street.street
    heat = demand_heat(scope=_scope(s, "community_staff"), period=NOVEMBER)
    assert _by_grid(heat) == {s.grid_a.pk: 7}
    assert s.building_b.pk not in _by_building(heat)
    assert heat.tickets == 7


def test_a_grid_worker_sees_their_grid_and_nobody_without_places_sees_anything(heat_street: HeatStreet) -> None:
    s = heat_street.street
    assert _by_grid(demand_heat(scope=_scope(s, "worker_b"), period=NOVEMBER)) == {s.grid_b.pk: 2}
    for persona in ("unassigned", "dept_handler", "auditor"):
        heat = demand_heat(scope=_scope(s, persona), period=NOVEMBER)
        assert (heat.buildings, heat.grids, heat.tickets) == ([], [], 0), persona


def test_grids_carry_their_given_centre_and_the_box_of_their_buildings(heat_street: HeatStreet) -> None:
    s = heat_street.street
    grid_a = next(grid for grid in demand_heat(scope=_scope(s, "street_admin"), period=NOVEMBER).grids)
    assert (grid_a.key, grid_a.lat, grid_a.lng) == (s.grid_a.pk, 31.2, 121.4)
    assert grid_a.bounds == (31.2, 121.4, 31.2013, 121.4)


def test_the_map_costs_four_queries_however_many_buildings(
    heat_street: HeatStreet, django_assert_num_queries: Callable[..., Any]
) -> None:
    scope = _scope(heat_street.street, "street_admin")  # the scope's own queries come first
    with django_assert_num_queries(4):  # tickets per building, per grid; buildings; grids
        demand_heat(scope=scope, period=NOVEMBER)
