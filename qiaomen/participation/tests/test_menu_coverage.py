"""The coverage rule on a hand-made map: households within 800 m (straight line) of a service
point open that week, by community, against 95 %."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from qiaomen.accounts.scopes import place_scope
from qiaomen.core.geo import distance_m
from qiaomen.participation.menu.coverage import (
    METRES_PER_DEGREE,
    BuildingSpot,
    PointSpot,
    buildings_covered,
    coverage_by_community,
    point_open_in_week,
)
from qiaomen.participation.menu.selectors import coverage_table, menu_figures
from qiaomen.participation.tests.menu_fixtures import make_point
from qiaomen.testing import SmallStreet, make_building, make_household

ORIGIN = (31.2, 121.4)
WEDNESDAY = dt.date(2026, 3, 11)


def north_of(metres: float) -> float:
    """The latitude `metres` due north of ORIGIN (a meridian arc: exact on the haversine sphere)."""
    return ORIGIN[0] + metres / METRES_PER_DEGREE


def spot(building_id: int, metres_north: float, households: int = 1, community: int = 1) -> BuildingSpot:
    return BuildingSpot(building_id, community, north_of(metres_north), ORIGIN[1], households)


POINT = PointSpot(ORIGIN[0], ORIGIN[1], "1234567", dt.date(2020, 1, 1), None)


def test_799_m_is_covered_and_801_m_is_not() -> None:
    near, far = spot(1, 799), spot(2, 801)
    assert distance_m((near.lat, near.lng), ORIGIN) == pytest.approx(799, abs=1e-6)  # type: ignore[arg-type]
    assert distance_m((far.lat, far.lng), ORIGIN) == pytest.approx(801, abs=1e-6)  # type: ignore[arg-type]
    assert buildings_covered([near, far], [POINT]) == {1}


def test_a_point_across_a_cell_border_still_covers() -> None:
    # Points bucketed in 800 m cells: a building just over a cell edge from its point is found
    # through the neighbouring cell. Sweep positions around the point in 37 m steps, both ways.
    buildings = [spot(i, metres) for i, metres in enumerate(range(-1600, 1601, 37))]
    expected = {b.building_id for b in buildings if distance_m((b.lat, b.lng), ORIGIN) <= 800}  # type: ignore[arg-type]
    assert buildings_covered(buildings, [POINT]) == expected
    assert len(expected) == 43


def test_east_west_distance_uses_the_great_circle() -> None:
    lng_700 = ORIGIN[1] + 700 / (METRES_PER_DEGREE * 0.8553)  # cos(31.2°) ≈ 0.8553
    east = BuildingSpot(1, 1, ORIGIN[0], lng_700, 3)
    assert 699 < distance_m((east.lat, east.lng), ORIGIN) < 701  # type: ignore[arg-type]
    assert buildings_covered([east], [POINT]) == {1}


def test_a_building_without_coordinates_is_uncovered() -> None:
    lost = BuildingSpot(1, 1, None, None, 4)
    result = coverage_by_community([lost, spot(2, 10, households=6)], [POINT], on=WEDNESDAY)
    assert (result[1].covered, result[1].households) == (6, 10)
    assert [b.building_id for b in result[1].uncovered_buildings] == [1]


@pytest.mark.parametrize(
    ("weekdays", "opened_on", "closed_on", "open_that_week"),
    [
        ("6", dt.date(2020, 1, 1), None, True),  # a Saturday vehicle: open the week of Wed 11 March
        ("1234567", dt.date(2026, 3, 15), None, True),  # opens on that week's Sunday
        ("1234567", dt.date(2026, 3, 16), None, False),  # opens the Monday after
        ("1", dt.date(2020, 1, 1), dt.date(2026, 3, 9), False),  # closed from that week's Monday
        ("1", dt.date(2020, 1, 1), dt.date(2026, 3, 10), True),  # its last Monday is in the week
        ("7", dt.date(2026, 3, 12), dt.date(2026, 3, 15), False),  # Thu–Sat only, no Sunday in it
    ],
)
def test_open_that_week(weekdays: str, opened_on: dt.date, closed_on: dt.date | None, open_that_week: bool) -> None:
    point = PointSpot(ORIGIN[0], ORIGIN[1], weekdays, opened_on, closed_on)
    assert point_open_in_week(point, WEDNESDAY) is open_that_week


def test_a_point_closed_that_week_covers_nothing() -> None:
    closed = PointSpot(ORIGIN[0], ORIGIN[1], "1", dt.date(2020, 1, 1), dt.date(2026, 3, 9))
    result = coverage_by_community([spot(1, 100, households=2)], [closed], on=WEDNESDAY)
    assert (result[1].covered, result[1].households) == (0, 2)


def test_coverage_table_by_community_on_the_small_street(small_street: SmallStreet) -> None:
    s = small_street
    # Community 1: building A (1 household, at ORIGIN) plus two more at 799 m and 801 m north.
    near = make_building(s.grid_a, 7, lat=north_of(799), lng=ORIGIN[1])
    far = make_building(s.grid_a, 8, lat=north_of(801), lng=ORIGIN[1])
    for room in ("101", "102"):
        make_household(near, room)
    for room in ("101", "102", "103"):
        make_household(far, room)
    make_point(s, "和平社区服务站", lat=ORIGIN[0], lng=ORIGIN[1])
    table = coverage_table(scope=place_scope(s.users["street_admin"]), on=WEDNESDAY)
    rows = {row.community.code: row for row in table.rows}
    assert (rows["XF01"].coverage.covered, rows["XF01"].coverage.households) == (3, 6)
    assert list(rows["XF01"].addresses.values()) == [far.address]
    # Grid B's building lies ~1.4 km away: its household is not covered.
    assert (rows["XF02"].coverage.covered, rows["XF02"].coverage.households) == (0, 1)
    assert (table.covered, table.households, table.share) == (3, 7, Decimal(3) / Decimal(7))
    assert table.week == (dt.date(2026, 3, 9), dt.date(2026, 3, 15))
    # Grid A's worker sees only grid A's buildings (the point serves across borders all the same).
    mine = coverage_table(scope=place_scope(s.users["worker_a"]), on=WEDNESDAY)
    assert [row.community.code for row in mine.rows] == ["XF01"]


def test_the_coverage_figure_counts_the_periods_last_week(small_street: SmallStreet) -> None:
    s = small_street
    make_point(s, "周六流动车", lat=ORIGIN[0], lng=ORIGIN[1], weekdays="6", kind="mobile")
    # Beside grid B's building, closed from Monday 9 March on.
    make_point(s, "光明临时点", lat=31.21, lng=121.41, community=s.community_2, closed_on=dt.date(2026, 3, 9))
    scope = place_scope(s.users["street_admin"])
    start = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)

    def coverage_until(end: dt.datetime) -> tuple[object, ...]:
        figure = {f.code: f for f in menu_figures(scope=scope, start=start, end=end)}["service_point_coverage"]
        return figure.numerator, figure.denominator, figure.value, figure.met

    # The period ends on Thursday 12 March (UTC midnight = 08:00 in Shanghai): its last day is
    # the 12th, whose week starts on the 9th, when the temporary point is already closed.
    assert coverage_until(dt.datetime(2026, 3, 12, tzinfo=dt.UTC)) == (1, 2, Decimal("0.5"), False)
    # Ending on Monday 9 March 08:00 in Shanghai, the last day is the 9th all the same …
    assert coverage_until(dt.datetime(2026, 3, 9, tzinfo=dt.UTC)) == (1, 2, Decimal("0.5"), False)
    # … and ending at its first moment, the last day is Sunday the 8th: both points were open.
    assert coverage_until(dt.datetime(2026, 3, 8, 16, tzinfo=dt.UTC)) == (2, 2, Decimal(1), True)
