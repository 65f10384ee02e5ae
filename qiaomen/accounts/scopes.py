"""Where a user may act, as query filters. Deny by default: no assignment, no rows."""

from __future__ import annotations

import operator
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce

from django.db import connection
from django.db.models import Q, QuerySet

from qiaomen.accounts.models import PlaceAssignment, User
from qiaomen.accounts.roles import Capability
from qiaomen.places.models import Building, Community, Grid, Street

Place = Street | Community | Grid | Building
# On PostgreSQL, up to this many grids a scope filters on their ids written into the query; above
# it (a street admin of a city-sized street: 625 grids at 250,000 households), on a subquery of the
# grid table. A list of hundreds of ids, written once or more into each query, cost more for psycopg
# to interpolate and PostgreSQL to plan than the search it limited (35 of a name search's 40 ms
# of SQL at 250,000 households). SQLite keeps the list: it reads one cheaply, and with the
# subquery it chose a plan that made the admin's registry search 5x slower at 70,000 households.
GRID_IDS_WRITTEN_MAX = 50


@dataclass(frozen=True)
class PlaceScope:
    street_ids: frozenset[int]
    community_ids: frozenset[int]
    grid_ids: frozenset[int]
    building_ids: frozenset[int]
    # Every grid the user sees whole: their grids, and all grids of their communities and streets
    # (grids_of the three sets above: place_scope and streets_scope compute it so).
    all_grid_ids: frozenset[int] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not (self.all_grid_ids or self.building_ids)

    def building_q(self, prefix: str = "") -> Q:
        """Filter for anything that hangs off a building; `prefix` is the path to the building,
        e.g. "building__" for households or "household__building__" for people.

        Filtering on the building's grid column alone keeps the joins INNER: an OR over paths
        through community and street would make Django use LEFT OUTER joins, and SQLite then
        scans every person of the city for one grid worker.
        """
        if self.is_empty:
            return Q(pk__in=[])
        conditions = []
        if len(self.all_grid_ids) > GRID_IDS_WRITTEN_MAX and connection.vendor == "postgresql":
            grids = grids_of(streets=self.street_ids, communities=self.community_ids, grids=self.grid_ids)
            conditions.append(Q(**{f"{prefix}grid_id__in": grids.values("pk")}))
        elif self.all_grid_ids:
            conditions.append(Q(**{f"{prefix}grid_id__in": sorted(self.all_grid_ids)}))
        if self.building_ids:
            conditions.append(Q(**{f"{prefix}id__in": sorted(self.building_ids)}))
        return reduce(operator.or_, conditions)


def grids_q(*, streets: Iterable[int] = (), communities: Iterable[int] = (), grids: Iterable[int] = ()) -> Q:
    """Grid filter: these grids and every grid of these communities and streets."""
    return (
        Q(pk__in=sorted(grids)) | Q(community_id__in=sorted(communities)) | Q(community__street_id__in=sorted(streets))
    )


def grids_of(
    *, streets: Iterable[int] = (), communities: Iterable[int] = (), grids: Iterable[int] = ()
) -> QuerySet[Grid]:
    """These grids and every grid of these communities and streets."""
    return Grid.objects.filter(grids_q(streets=streets, communities=communities, grids=grids))


EMPTY_SCOPE = PlaceScope(frozenset(), frozenset(), frozenset(), frozenset())


def place_scope(user: User) -> PlaceScope:
    """The places a user may see in the registry, cached on the user object for the request."""
    cached: PlaceScope | None = getattr(user, "_qiaomen_place_scope", None)
    if cached is None:
        cached = _assigned_scope(user) if user.is_authenticated and user.can(Capability.VIEW_REGISTRY) else EMPTY_SCOPE
        user._qiaomen_place_scope = cached  # type: ignore[attr-defined]
    return cached


def streets_scope(street_ids: Iterable[int]) -> PlaceScope:
    """Whole streets, as a street admin assigned to them sees them (place_scope): the streets and
    every grid in them. For what reads a street without a user: a screen link, a periodic job."""
    streets = frozenset(street_ids)
    grids = grids_of(streets=streets).values_list("pk", flat=True)
    return PlaceScope(streets, frozenset(), frozenset(), frozenset(), frozenset(grids))


def management_scope(user: User) -> PlaceScope:
    """The places within which a user hands out accounts and places: their own assignments,
    whatever their role may see in the registry (the system admin sees no household, yet keeps
    the accounts of its street). No assignment, nothing to manage (SECURITY line 18)."""
    if not user.is_authenticated or not (user.can(Capability.MANAGE_USERS) or user.can(Capability.MANAGE_SECURITY)):
        return EMPTY_SCOPE
    return _assigned_scope(user)


def _assigned_scope(user: User) -> PlaceScope:
    if not user.is_authenticated:
        return EMPTY_SCOPE
    rows = PlaceAssignment.objects.filter(user=user).values_list("street_id", "community_id", "grid_id", "building_id")
    streets: set[int] = set()
    communities: set[int] = set()
    grids: set[int] = set()
    buildings: set[int] = set()
    for street_id, community_id, grid_id, building_id in rows:
        for bucket, value in (
            (streets, street_id),
            (communities, community_id),
            (grids, grid_id),
            (buildings, building_id),
        ):
            if value is not None:
                bucket.add(value)
    all_grids = set(grids)
    if streets or communities:
        all_grids.update(grids_of(streets=streets, communities=communities).values_list("pk", flat=True))
    return PlaceScope(
        frozenset(streets), frozenset(communities), frozenset(grids), frozenset(buildings), frozenset(all_grids)
    )


def assignment_field(place: Place) -> str:
    """The PlaceAssignment column that holds this kind of place."""
    return {Street: "street", Community: "community", Grid: "grid", Building: "building"}[type(place)]
