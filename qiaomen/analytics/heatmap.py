"""The heat map of demands (R-ANA-3): tickets per building and per grid, by category and period.

Counted like the ticket figures (ticket_figures.py): tickets *created* in the period, within the
scope's grids, a ticket merged into another counting nowhere. A ticket belongs to the building of
its household; one without a household (a passer-by's report, a device alert) counts in its grid
only, so the buildings of a grid may sum to less than the grid. Aggregates are GROUP BY queries;
Python only joins each count to its place's coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q, QuerySet

from qiaomen.accounts.scopes import PlaceScope
from qiaomen.analytics.periods import ReportPeriod
from qiaomen.places.models import Building, Grid
from qiaomen.tickets.models import Category, Status, Ticket


@dataclass(frozen=True)
class BuildingHeat:
    key: int
    grid_id: int
    name: str  # the building's address (a building, never a person)
    lat: float
    lng: float
    tickets: int


@dataclass(frozen=True)
class GridHeat:
    key: int
    name: str
    community: str
    tickets: int
    # The centre the grid was given, else the middle of its buildings; None when neither is known.
    lat: float | None
    lng: float | None
    # The box around its buildings (south, west, north, east), None without located buildings.
    bounds: tuple[float, float, float, float] | None


@dataclass(frozen=True)
class HeatMap:
    period: ReportPeriod
    category: Category | None
    buildings: list[BuildingHeat]  # every located building of the scope, with or without tickets
    grids: list[GridHeat]  # every grid of the scope
    tickets: int  # all counted tickets, those without a building too
    unlocated: int  # counted tickets whose building has no coordinates or who have none

    @property
    def hottest(self) -> int:
        return max((building.tickets for building in self.buildings), default=0)


def heat_tickets(*, scope: PlaceScope, period: ReportPeriod, category: Category | None = None) -> QuerySet[Ticket]:
    """The tickets the heat map counts: the drill-down behind every number on it."""
    if scope.is_empty or not scope.all_grid_ids:
        return Ticket.objects.none()
    tickets = Ticket.objects.filter(
        grid_id__in=sorted(scope.all_grid_ids), created_at__gte=period.start, created_at__lt=period.end
    ).exclude(status=Status.MERGED)
    if category is not None:
        tickets = tickets.filter(subcategory__category=category)
    return tickets


def demand_heat(*, scope: PlaceScope, period: ReportPeriod, category: Category | None = None) -> HeatMap:
    """Tickets per building and per grid of `scope` in `period` (one category, or all)."""
    tickets = heat_tickets(scope=scope, period=period, category=category)
    grid_ids = sorted(scope.all_grid_ids)
    per_building = dict(
        tickets.filter(household__isnull=False)
        .values_list("household__building_id")
        .annotate(count=Count("id"))
        .values_list("household__building_id", "count")
    )
    per_grid = dict(tickets.values_list("grid_id").annotate(count=Count("id")).values_list("grid_id", "count"))
    located = (
        Building.objects.filter(grid_id__in=grid_ids, lat__isnull=False, lng__isnull=False)
        .order_by("pk")
        .values_list("pk", "grid_id", "address", "lat", "lng")
    )
    buildings = [
        BuildingHeat(key, grid_id, address, float(lat or 0), float(lng or 0), per_building.get(key, 0))
        for key, grid_id, address, lat, lng in located  # lat and lng are never NULL here
    ]
    located_ids = {building.key for building in buildings}
    unlocated_in_buildings = sum(count for key, count in per_building.items() if key not in located_ids)
    total = sum(per_grid.values())
    return HeatMap(
        period=period,
        category=category,
        buildings=buildings,
        grids=_grids(grid_ids, per_grid),
        tickets=total,
        unlocated=total - sum(per_building.values()) + unlocated_in_buildings,
    )


def _grids(grid_ids: list[int], per_grid: dict[int, int]) -> list[GridHeat]:
    located = Q(buildings__lat__isnull=False, buildings__lng__isnull=False)
    rows = (
        Grid.objects.filter(pk__in=grid_ids)
        .annotate(
            south=Min("buildings__lat", filter=located),
            north=Max("buildings__lat", filter=located),
            west=Min("buildings__lng", filter=located),
            east=Max("buildings__lng", filter=located),
        )
        .order_by("code")
        .values_list("pk", "name", "community__name", "center_lat", "center_lng", "south", "west", "north", "east")
    )
    grids = []
    for key, name, community, lat, lng, south, west, north, east in rows:
        bounds = (south, west, north, east) if south is not None else None
        if (lat is None or lng is None) and bounds is not None:
            lat, lng = (south + north) / 2, (west + east) / 2
        grids.append(GridHeat(key, name, community, per_grid.get(key, 0), lat, lng, bounds))
    return grids


def heat_categories() -> QuerySet[Category]:
    """The categories a heat map may be cut by."""
    return Category.objects.order_by("code")
