"""Reads of the service menu: the menu per group, the coverage of the user's places, and the
command centre's figures (menu size, coverage within 800 m)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qiaomen.accounts.scopes import PlaceScope
from qiaomen.core.workdays import CHINA
from qiaomen.participation.figure import ResourceFigure
from qiaomen.participation.menu.coverage import (
    GOAL,
    BuildingSpot,
    CommunityCoverage,
    PointSpot,
    coverage_by_community,
)
from qiaomen.participation.menu.scope import entries_in, menu_places
from qiaomen.participation.models.menu import MenuEntry, MenuGroup, ServicePoint
from qiaomen.places.models import Building, Community
from qiaomen.registry.models import HouseholdStatus

MENU_GOAL = 38  # services on the menu (the plan: from 15 to 38)

# The registry's tags of each group, shown beside the group so staff know whom it is for.
GROUP_TAGS: dict[str, tuple[str, ...]] = {
    MenuGroup.ELDERS: ("elder_alone", "elder_80"),
    MenuGroup.DISABLED: ("disabled",),
    MenuGroup.CHILDREN: ("child_distress", "child_left"),
    MenuGroup.FAMILIES: ("min_living", "veteran", "maternal"),
}


def offered_q(at: dt.datetime) -> Q:
    """Entries on the menu at `at`: offered by then, not withdrawn yet, of an active partner."""
    return Q(offered_from__lte=at, partner__active=True) & (Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=at))


def menu_offered(entries: QuerySet[MenuEntry], *, at: dt.datetime) -> QuerySet[MenuEntry]:
    return entries.filter(offered_q(at)).select_related("partner").order_by("group", "title", "pk")


@dataclass(frozen=True)
class MenuSection:
    group: str
    label: str
    entries: list[MenuEntry]


def menu_sections(entries: QuerySet[MenuEntry], *, at: dt.datetime) -> list[MenuSection]:
    """The offered entries, one section per group in MenuGroup's order (empty groups too)."""
    by_group: dict[str, list[MenuEntry]] = {group: [] for group in MenuGroup.values}
    for entry in menu_offered(entries, at=at):
        by_group[entry.group].append(entry)
    return [MenuSection(group, str(MenuGroup(group).label), rows) for group, rows in by_group.items()]


def request_counts(entries: QuerySet[MenuEntry], *, start: dt.datetime, end: dt.datetime) -> dict[int, int]:
    """Residents' requests per entry made in [start, end)."""
    counted = entries.annotate(
        asked=Count("requests", filter=Q(requests__created_at__gte=start, requests__created_at__lt=end))
    )
    return dict(counted.values_list("pk", "asked"))


# --- coverage ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageRow:
    community: Community
    coverage: CommunityCoverage
    addresses: dict[int, str]  # building id → address, for the uncovered list

    @property
    def uncovered(self) -> list[tuple[BuildingSpot, str]]:
        return [(building, self.addresses[building.building_id]) for building in self.coverage.uncovered_buildings]


@dataclass(frozen=True)
class CoverageTable:
    week: tuple[dt.date, dt.date]
    rows: list[CoverageRow]
    households: int
    covered: int

    @property
    def share(self) -> Decimal | None:
        return Decimal(self.covered) / Decimal(self.households) if self.households else None


def _building_spots(scope: PlaceScope) -> list[BuildingSpot]:
    occupied = Count("households", filter=Q(households__status=HouseholdStatus.OCCUPIED))
    rows = (
        Building.objects.filter(scope.building_q())
        .annotate(occupied=occupied)
        .order_by("grid__community_id", "address_key")
        .values_list("pk", "grid__community_id", "lat", "lng", "occupied")
    )
    return [BuildingSpot(pk, community, lat, lng, count) for pk, community, lat, lng, count in rows]


def _point_spots(scope: PlaceScope) -> list[PointSpot]:
    """Every point of the scope's streets: a point across a community border serves both sides."""
    streets = sorted(menu_places(scope).street_ids)
    rows = ServicePoint.objects.filter(community__street_id__in=streets).values_list(
        "lat", "lng", "weekdays", "opened_on", "closed_on"
    )
    return [PointSpot(*row) for row in rows]


def coverage_table(*, scope: PlaceScope, on: dt.date) -> CoverageTable:
    """Coverage of the households the scope sees, per community, in `on`'s week."""
    buildings = _building_spots(scope)
    by_community = coverage_by_community(buildings, _point_spots(scope), on=on)
    communities = Community.objects.in_bulk(list(by_community))
    uncovered = [b.building_id for row in by_community.values() for b in row.uncovered_buildings]
    addresses = dict(Building.objects.filter(pk__in=uncovered).values_list("pk", "address"))
    rows = [
        CoverageRow(communities[pk], row, {b.building_id: addresses[b.building_id] for b in row.uncovered_buildings})
        for pk, row in sorted(by_community.items(), key=lambda item: communities[item[0]].code)
    ]
    monday = on - dt.timedelta(days=on.isoweekday() - 1)
    return CoverageTable(
        week=(monday, monday + dt.timedelta(days=6)),
        rows=rows,
        households=sum(row.coverage.households for row in rows),
        covered=sum(row.coverage.covered for row in rows),
    )


def coverage_share(*, scope: PlaceScope, on: dt.date) -> tuple[int, int]:
    """(covered households, households) of the scope in `on`'s week, without the addresses."""
    by_community = coverage_by_community(_building_spots(scope), _point_spots(scope), on=on)
    return sum(r.covered for r in by_community.values()), sum(r.households for r in by_community.values())


# --- figures for the command centre ---------------------------------------------------------


def _last_day(end: dt.datetime) -> dt.date:
    """The period's last day (Asia/Shanghai), not after today: the week whose points count."""
    last = min(end, timezone.now()) - dt.timedelta(microseconds=1)
    return last.astimezone(CHINA).date()


def menu_figures(*, scope: PlaceScope, start: dt.datetime, end: dt.datetime) -> list[ResourceFigure]:
    """Menu size (entries offered at the period's end, goal 38) and the share of households within
    800 m straight line of a point open in the period's last week (goal 95 %)."""
    at = min(end, timezone.now())
    size = menu_offered(entries_in(scope), at=at).count()
    covered, households = coverage_share(scope=scope, on=_last_day(end))
    return [
        ResourceFigure(
            code="menu_size",
            label=_("Services on the menu"),
            unit="count",
            value=Decimal(size),
            goal=Decimal(MENU_GOAL),
            numerator=size,
            denominator=None,
            url_name="web:menu",
        ),
        ResourceFigure(
            code="service_point_coverage",
            label=_("Households within 800 m (straight line) of a service point"),
            unit="percent",
            value=Decimal(covered) / Decimal(households) if households else None,
            goal=GOAL,
            numerator=covered,
            denominator=households,
            url_name="web:service_points",
        ),
    ]
