"""Service-point coverage: the share of households within 800 m of a service point open that week.

Distances are straight-line (great-circle, haversine on the buildings' and points' coordinates),
not walking routes: the page says so. A building without coordinates cannot be shown to be near
anything and counts as uncovered. Only occupied households count (vacant flats, households living
elsewhere and those moved out are nobody to serve there).

"Open that week": a point is open in the week (Monday to Sunday, Asia/Shanghai) of a day when at
least one day of that week is one of its weekdays and lies in [opened_on, closed_on).

Speed: points are put in buckets of a grid of cells at least RADIUS_M wide; a building is measured
only against the points of its own cell and the eight around it, so the work grows with the
buildings, not buildings × points (bench/menu_coverage.py measures it).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from qiaomen.core.geo import EARTH_RADIUS_M, distance_m

RADIUS_M = 800.0
GOAL = Decimal("0.95")
# Metres per degree of latitude on the sphere core.geo measures on.
METRES_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180


@dataclass(frozen=True)
class PointSpot:
    lat: float
    lng: float
    weekdays: str  # ISO weekday digits, "135" = Mon, Wed, Fri
    opened_on: dt.date
    closed_on: dt.date | None


@dataclass(frozen=True)
class BuildingSpot:
    building_id: int
    community_id: int
    lat: float | None
    lng: float | None
    households: int


@dataclass
class CommunityCoverage:
    community_id: int
    households: int = 0
    covered: int = 0
    uncovered_buildings: list[BuildingSpot] = field(default_factory=list)

    @property
    def share(self) -> Decimal | None:
        return Decimal(self.covered) / Decimal(self.households) if self.households else None

    @property
    def met(self) -> bool | None:
        share = self.share
        return None if share is None else share >= GOAL


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of the week that holds `day`."""
    monday = day - dt.timedelta(days=day.isoweekday() - 1)
    return monday, monday + dt.timedelta(days=6)


def point_open_in_week(point: PointSpot, day: dt.date) -> bool:
    """The point opens on at least one day of `day`'s week (module docstring)."""
    monday, _ = week_of(day)
    for offset in range(7):
        current = monday + dt.timedelta(days=offset)
        in_service = point.opened_on <= current and (point.closed_on is None or current < point.closed_on)
        if in_service and str(current.isoweekday()) in point.weekdays:
            return True
    return False


def _cell_sizes(points: Sequence[PointSpot]) -> tuple[float, float]:
    """Cell height and width in degrees, each at least RADIUS_M on the ground wherever the points
    lie: a degree of longitude is shortest at the latitude farthest from the equator."""
    widest = max(abs(point.lat) for point in points)
    lat_size = RADIUS_M / METRES_PER_DEGREE
    lng_size = RADIUS_M / (METRES_PER_DEGREE * max(math.cos(math.radians(min(widest + 1, 89.0))), 1e-6))
    return lat_size, lng_size


def buildings_covered(buildings: Iterable[BuildingSpot], points: Sequence[PointSpot]) -> set[int]:
    """The buildings (ids) within RADIUS_M of any of `points` (already those open that week)."""
    if not points:
        return set()
    lat_size, lng_size = _cell_sizes(points)
    cells: dict[tuple[int, int], list[PointSpot]] = defaultdict(list)
    for point in points:
        cells[(math.floor(point.lat / lat_size), math.floor(point.lng / lng_size))].append(point)
    covered: set[int] = set()
    for building in buildings:
        if building.lat is None or building.lng is None:
            continue
        row, column = math.floor(building.lat / lat_size), math.floor(building.lng / lng_size)
        here = (building.lat, building.lng)
        near = (
            point
            for d_row in (-1, 0, 1)
            for d_column in (-1, 0, 1)
            for point in cells.get((row + d_row, column + d_column), ())
        )
        if any(distance_m(here, (point.lat, point.lng)) <= RADIUS_M for point in near):
            covered.add(building.building_id)
    return covered


def coverage_by_community(
    buildings: Sequence[BuildingSpot], points: Sequence[PointSpot], *, on: dt.date
) -> dict[int, CommunityCoverage]:
    """Households within RADIUS_M of a point open in `on`'s week, per community, with the
    uncovered buildings that have households (in the order given)."""
    open_points = [point for point in points if point_open_in_week(point, on)]
    covered = buildings_covered(buildings, open_points)
    result: dict[int, CommunityCoverage] = {}
    for building in buildings:
        row = result.setdefault(building.community_id, CommunityCoverage(building.community_id))
        if not building.households:
            continue
        row.households += building.households
        if building.building_id in covered:
            row.covered += building.households
        else:
            row.uncovered_buildings.append(building)
    return result
